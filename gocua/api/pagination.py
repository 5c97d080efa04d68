"""Page-number pagination for every API list: `?page=&page_size=` in, a page envelope out.

Deliberately not ninja's pagination classes: one explicit call in each endpoint keeps the
envelope, the limits and the stable order the same for every app's lists.
"""

from functools import cache

from django.conf import settings
from django.db.models import QuerySet
from ninja import Field, Schema
from pydantic import create_model

MAX_PAGE_SIZE = 200
# Bounds the OFFSET so no database sees an integer it cannot hold.
MAX_PAGE = 1_000_000


class PageParams(Schema):
    page: int = Field(1, ge=1, le=MAX_PAGE, description="1-based page number.")
    page_size: int = Field(
        settings.GOCUA_PAGE_SIZE,
        ge=1,
        le=MAX_PAGE_SIZE,
        description=f"Items per page (at most {MAX_PAGE_SIZE}).",
    )


class PageBase(Schema):
    count: int = Field(description="Number of items on all pages.")
    page: int
    page_size: int
    pages: int = Field(description="Number of pages (0 when there are no items).")


@cache
def paged(item_schema: type[Schema]) -> type[Schema]:
    """Return the page envelope schema for `item_schema`, named `<Item>Page` in OpenAPI."""
    name = item_schema.__name__.removesuffix("Out") + "Page"
    return create_model(name, __base__=PageBase, items=(list[item_schema], ...))


def stable_order(queryset: QuerySet, order: tuple[str, ...] = ()) -> tuple[str, ...]:
    """Return `order` (or the queryset's own ordering) ending with the primary key as a tie-breaker."""
    fields = tuple(order or queryset.query.order_by or queryset.model._meta.ordering)
    if not {"pk", "-pk", "id", "-id"} & set(fields):
        fields += ("pk",)
    return fields


def paginate(
    queryset: QuerySet, params: PageParams, *, order: tuple[str, ...] = (), count: int | None = None
) -> dict:
    """Return one page of `queryset` as the envelope dict (two queries, plus any prefetches).

    `count`: the number of rows when the caller already knows it (then one query).
    """
    if count is None:
        count = queryset.count()
    offset = (params.page - 1) * params.page_size
    items = []
    if offset < count:
        items = list(queryset.order_by(*stable_order(queryset, order))[offset : offset + params.page_size])
    return {
        "items": items,
        "count": count,
        "page": params.page,
        "page_size": params.page_size,
        "pages": -(-count // params.page_size),
    }
