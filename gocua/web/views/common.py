"""What every page view shares: pagination, file downloads and turning service errors into page responses."""

from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from gocua.errors import DomainError, Forbidden, NotFound
from gocua.places.selectors import unit_breadcrumbs
from gocua.web.forms import apply_domain_error


def paginate(request, items) -> Page:
    """Return the requested page (`?page=`) of `items`, GOCUA_PAGE_SIZE rows per page."""
    return Paginator(items, settings.GOCUA_PAGE_SIZE).get_page(request.GET.get("page"))


def file_response(out) -> HttpResponse:
    """Return a prepared file (`name`, `content_type`, `content`, as services' FileOut) as a download."""
    response = HttpResponse(out.content, content_type=out.content_type)
    response["Content-Disposition"] = f'attachment; filename="{out.name}"'
    response["Cache-Control"] = "no-store"  # personal data: no copies in shared caches
    return response


def require(allowed: bool) -> None:
    """Refuse the request with 403 unless `allowed`."""
    if not allowed:
        raise PermissionDenied


def attempt(form, call: Callable[[], object], *, field_map: dict | None = None):
    """Run one service call; show a DomainError on `form`, map Forbidden/NotFound to 403/404.

    The caller checks `form.errors` afterwards: the service result may itself be falsy.
    """
    try:
        return call()
    except Forbidden:
        raise PermissionDenied from None
    except NotFound:
        raise Http404 from None
    except DomainError as exc:
        apply_domain_error(form, exc, field_map=field_map)
        return None


def form_page(request, form, *, title: str, crumbs=(), cancel_url: str = "", submit: str = "", extra=None):
    """Render the generic one-form page; 400 when a submitted form has errors."""
    context = {"form": form, "title": title, "crumbs": crumbs, "cancel_url": cancel_url, "submit": submit}
    status = 400 if request.method == "POST" and form.errors else 200
    return render(request, "web/form_page.html", {**context, **(extra or {})}, status=status)


def unit_crumbs(user, unit, *, include_self: bool = True) -> list[tuple[str, str | None]]:
    """Return (label, url) pairs from the nation down to `unit`; units out of scope get no link."""
    crumbs = [
        (c.unit.name, reverse("web:unit", args=[c.unit.code]) if c.linked else None)
        for c in unit_breadcrumbs(user=user, unit=unit)
    ]
    if include_self:
        crumbs.append((unit.name, reverse("web:unit", args=[unit.code])))
    return crumbs
