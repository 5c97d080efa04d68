"""Reads of the administrative hierarchy, always through the scope rule."""

from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gocua.accounts.scope import in_scope, scoped
from gocua.lib.text import fold
from gocua.places.models import CODE_FIELDS, Level, Unit, code_field

# The code column that names a unit's children, by the unit's level.
CHILD_CODE_FIELD = {level: code_field(level + 1) for level in (Level.NATION, Level.PROVINCE, Level.COMMUNE)}
# The code column that names the unit itself, by its level (nation: no column, all rows).
OWN_CODE_FIELD = CODE_FIELDS


def units_visible(*, user) -> QuerySet[Unit]:
    """Return the current units inside the user's scope, with three generations of parents."""
    return scoped(user, Unit.objects.filter(valid_to__isnull=True)).select_related("parent__parent__parent")


def villages_visible(*, user) -> QuerySet[Unit]:
    """Return the current villages inside the user's scope."""
    return units_visible(user=user).filter(level=Level.VILLAGE)


def unit_children(*, user, unit: Unit) -> QuerySet[Unit]:
    """Return the current children of `unit` that the user may see, in code order."""
    return scoped(user, Unit.objects.filter(parent=unit, valid_to__isnull=True)).order_by("code")


@dataclass(frozen=True)
class Crumb:
    unit: Unit
    linked: bool


def unit_breadcrumbs(*, user, unit: Unit) -> list[Crumb]:
    """Return the ancestors of `unit` (nation first); only those in scope get a link."""
    return [Crumb(unit=a, linked=in_scope(user, a)) for a in unit.ancestors()]


def filter_folded(queryset: QuerySet, field: str, query: str) -> QuerySet:
    """Keep rows whose folded `field` contains every word of the folded `query`."""
    words = fold(query).split()
    if not words:
        return queryset.none()
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": word})
    return queryset.filter(condition)


def unit_search(*, user, query: str, limit: int = 20) -> list[Unit]:
    """Return up to `limit` current units in the user's subtree whose name matches `query`."""
    units = filter_folded(units_visible(user=user), "name_folded", query)
    return list(units.order_by("level", "name_folded", "code")[:limit])
