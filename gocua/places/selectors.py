"""Reads of the administrative hierarchy, always through the scope rule."""

import datetime as dt
import re
from dataclasses import dataclass

from django.db.models import Q, QuerySet

from gocua.accounts.scope import Scope, in_scope, scope_of, scoped
from gocua.errors import CommonErrorCode, NotFound
from gocua.lib.text import fold
from gocua.places.models import (
    CODE_FIELDS,
    FormerName,
    Level,
    Reorganisation,
    Unit,
    UnitSuccession,
    code_field,
)

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
    """Return up to `limit` current units in the user's subtree whose name, or a former name, matches `query`.

    A unit found by a name it no longer carries (renamed, or merged into it) has `formerly` set
    to that name, so a page can say "trước đây là Thôn Tháp Thượng".
    """
    query = without_old_name_markers(query)
    units = list(filter_folded(units_visible(user=user), "name_folded", query).order_by("level", "name_folded", "code")[:limit])
    for unit in units:
        unit.formerly = ""
    seen = {u.pk for u in units}
    formerly: dict[int, str] = {}
    for unit_id, name in filter_folded(FormerName.objects.all(), "name_folded", query).values_list("unit_id", "name")[:limit]:
        formerly.setdefault(unit_id, name)
    closed = list(filter_folded(Unit.objects.filter(valid_to__isnull=False), "name_folded", query).order_by("-valid_to")[:limit])
    phrase = f" {' '.join(fold(query).split())} "
    closed.sort(key=lambda u: phrase not in f" {u.name_folded} ")  # the old name matching word for word first
    for old in closed:
        for successor in current_successors(old):
            formerly.setdefault(successor.pk, old.name)
    extra = units_visible(user=user).filter(pk__in=[pk for pk in formerly if pk not in seen])
    for unit in extra.order_by("level", "name_folded", "code"):
        unit.formerly = formerly[unit.pk]
        units.append(unit)
    return units[:limit]


_OLD_MARKERS = re.compile(r"\(\s*cu\s*\)|\btruoc day la\b|\bformerly\b")


def without_old_name_markers(query: str) -> str:
    """Drop the words people add to an old name ("Thôn Tháp Thượng (cũ)", "trước đây là …") before matching."""
    return " ".join(_OLD_MARKERS.sub(" ", fold(query)).split())


MAX_HOPS = 10  # a chain of successive mergers longer than this is a data error, not history


def current_successors(unit: Unit) -> list[Unit]:
    """Return the current units that `unit` became (itself when current), following successions."""
    frontier, found, hops = [unit], [], 0
    while frontier and hops < MAX_HOPS:
        hops += 1
        ids = [u.pk for u in frontier if u.valid_to is not None]
        found += [u for u in frontier if u.valid_to is None]
        frontier = list(Unit.objects.filter(successions_in__predecessor_id__in=ids).distinct()) if ids else []
    return list({u.pk: u for u in found}.values())


def predecessors_of(unit: Unit) -> list[Unit]:
    """Return every unit that became `unit` as a whole (merged, moved into it; not split off), transitively."""
    found: dict[int, Unit] = {}
    frontier = [unit.pk]
    for _hop in range(MAX_HOPS):
        rows = list(
            UnitSuccession.objects.filter(successor_id__in=frontier).exclude(change=UnitSuccession.Change.SPLIT)
            .select_related("predecessor")
        )
        frontier = [r.predecessor_id for r in rows if r.predecessor_id not in found]
        found.update({r.predecessor_id: r.predecessor for r in rows})
        if not frontier:
            break
    return list(found.values())


def village_by_name(*, commune: Unit, name: str, on: dt.date | None = None) -> Unit | None:
    """Return the village of `commune` called `name` (current, former or merged name), for addresses.

    Without `on`: the current village, following renames and successions (an address written with
    a merged village's old name resolves to its successor). With `on`: the village as it was that day.
    The commune may itself be a closed one: its villages are looked up too. None when nothing matches
    or when the old village was split (its successor depends on the household).
    """
    folded = fold(name)
    if not folded:
        return None
    communes = [commune, *current_successors(commune)] if commune.valid_to is not None else [commune]
    parents = {c.pk for c in communes} | {p.pk for c in communes for p in predecessors_of(c)}
    candidates = Unit.objects.filter(parent_id__in=parents, level=Level.VILLAGE)
    if on is not None:
        row = (candidates.filter(name_folded=folded, valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on))
               .first())
        return row
    current = candidates.filter(name_folded=folded, valid_to__isnull=True).first()
    if current is not None:
        return current
    renamed = Unit.objects.filter(former_names__name_folded=folded, parent_id__in=parents, valid_to__isnull=True).first()
    if renamed is not None:
        return renamed
    for old in candidates.filter(name_folded=folded, valid_to__isnull=False).order_by("-valid_to"):
        successors = current_successors(old)
        if len(successors) == 1:
            return successors[0]
    return None


def village_aliases(*, commune_codes) -> dict[str, dict[str, Unit]]:
    """Return {commune code: {folded old village name: current village}} for bulk address matching.

    Old names are former names (renames) and the names of closed villages with exactly one
    current successor in that commune (merged, absorbed, moved in). A few queries in all, so an
    importer can add them to its per-commune table instead of calling `village_by_name` per row.
    """
    codes = list(commune_codes)
    out: dict[str, dict[str, Unit]] = {code: {} for code in codes}
    renamed = FormerName.objects.filter(unit__commune_code__in=codes, unit__valid_to__isnull=True,
                                        unit__level=Level.VILLAGE).select_related("unit")
    for row in renamed.order_by("-until"):
        out[row.unit.commune_code].setdefault(row.name_folded, row.unit)
    closed = Unit.objects.filter(level=Level.VILLAGE, valid_to__isnull=False,
                                 successions_out__successor__commune_code__in=codes).distinct()
    for old in closed.order_by("-valid_to"):
        successors = current_successors(old)
        if len(successors) == 1 and successors[0].commune_code in out:
            out[successors[0].commune_code].setdefault(old.name_folded, successors[0])
    return out


def reorganisations_visible(*, user):
    """Return the map changes in the user's area, newest first."""
    scope = scope_of(user)
    if scope is None:
        return Reorganisation.objects.none()
    qs = Reorganisation.objects.select_related("created_by")
    if scope.level == Level.PROVINCE:
        return qs.filter(province_code=scope.code)
    if scope.level == Level.COMMUNE:
        return qs.filter(commune_code=scope.code)
    if scope.level == Level.VILLAGE:
        return qs.none()  # village roles do not change the map
    return qs


# --- the units API's reads (gocua/places/api.py) ---------------------------------------------


def not_found(field: str | None = None) -> NotFound:
    return NotFound(CommonErrorCode.NOT_FOUND, field=field)


def visible_unit(user, code: str, *, field: str | None = None, level: int | None = None) -> Unit:
    """Return the latest period of unit `code` if the user may see it, else raise NotFound."""
    units = scoped(user, Unit.objects.filter(code=code)).select_related("parent")
    if level is not None:
        units = units.filter(level=level)
    unit = units.order_by("-valid_from").first()
    if unit is None:
        raise not_found(field)
    return unit


def within(unit: Unit) -> Q:
    """Return the filter for scoped rows (households, teams, …) inside `unit`."""
    return Scope(level=unit.level, code=unit.code).q()


def current_children(user, unit: Unit) -> QuerySet:
    return unit_children(user=user, unit=unit)


def unit_detail(user, code: str) -> Unit:
    unit = visible_unit(user, code)
    unit.current_children = list(current_children(user, unit).only("code", "name", "kind"))
    return unit
