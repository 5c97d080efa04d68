"""Figures recomputed from the raw rows with GROUP BY queries — the check on rollups.py.

Deliberately independent of the incremental code: it states the same definitions (metrics.py)
in SQL, so a bug in one shows up as drift in `gocua check_rollups`. The left-behind window and
the adult age are the exception: both sides read them from `gocua.outreach.need`, so that
the list and the figures cannot disagree on a boundary day.
"""

import datetime as dt

from django.db.models import Count, Exists, OuterRef, Q

from gocua.households.digital import BASIC_SKILLS, ESSENTIALS, Tri
from gocua.households.models import Household, Resident
from gocua.indicators.metrics import PERSONAL
from gocua.outreach.need import ADULT_AGE, recent_visit_q
from gocua.places.models import code_field

NATION = "VN"
# Group by all three codes at once and sum upwards: one pass over the rows gives every level
# (each metric is a count, so a commune's is the sum of its rows' groups). Four passes, one per
# level, cost 4x as much on a national database; the codes are the rows' own, as in a per-level GROUP BY.
ALL_LEVELS = "all"
CODE_FIELDS = ("province_code", "commune_code", "village_code")


def _group(queryset, group_field: str | None, aggregates: dict) -> dict[str, dict[str, int]]:
    if group_field is None:
        return {NATION: queryset.aggregate(**aggregates)}
    if group_field == ALL_LEVELS:
        totals: dict[str, dict[str, int]] = {NATION: dict.fromkeys(aggregates, 0)}
        for row in queryset.values(*CODE_FIELDS).annotate(**aggregates).order_by():
            codes = [row.pop(name) for name in CODE_FIELDS]
            for code in (NATION, *codes):
                if code:
                    target = totals.setdefault(code, dict.fromkeys(aggregates, 0))
                    for name, value in row.items():
                        target[name] += value or 0
        return totals
    rows = queryset.values(group_field).annotate(**aggregates).order_by()
    return {row.pop(group_field): row for row in rows if row[group_field]}


def _recent_visit(ref: dt.date, household_ref: str):
    from gocua.outreach.models import Visit

    return Exists(
        Visit.objects.filter(
            recent_visit_q(ref),
            household_id=OuterRef(household_ref),
            deleted_at__isnull=True,
        )
    )


def _narrow(queryset, village_codes, where):
    if village_codes is not None:
        queryset = queryset.filter(village_code__in=village_codes)
    if where:
        queryset = queryset.filter(**where)
    return queryset


def resident_stats(group_field: str | None, ref: dt.date, *, village_codes=None, where=None) -> dict[str, dict[str, int]]:
    from gocua.outreach.models import VisitResident

    adult = Q(birth_year__lte=ref.year - ADULT_AGE)
    proficient = Q(**{name: Tri.YES for name in BASIC_SKILLS})
    lacks = Q()
    for name in ESSENTIALS:
        lacks |= Q(**{name: Tri.NO})
    checked = Exists(VisitResident.objects.filter(resident_id=OuterRef("pk"), visit__deleted_at__isnull=True))
    queryset = _narrow(Resident.objects.filter(status__in=Resident.COUNTED_STATUSES), village_codes, where)
    aggregates = {
        "residents": Count("pk"),
        "residents_checked": Count("pk", filter=Q(checked)),
        "adults": Count("pk", filter=adult),
        "adults_proficient": Count("pk", filter=adult & proficient),
        "residents_left_behind": Count("pk", filter=adult & lacks & ~Q(_recent_visit(ref, "household_id"))),
    }
    for name in PERSONAL:
        aggregates[f"{name}_yes"] = Count("pk", filter=adult & Q(**{name: Tri.YES}))
        aggregates[f"{name}_no"] = Count("pk", filter=adult & Q(**{name: Tri.NO}))
    return _group(queryset, group_field, aggregates)


def household_stats(group_field: str | None, ref: dt.date, *, village_codes=None, where=None) -> dict[str, dict[str, int]]:
    from gocua.outreach.models import Visit

    people = Resident.objects.filter(household_id=OuterRef("pk"), status__in=Resident.COUNTED_STATUSES)
    lacks = Q()
    for name in ESSENTIALS:
        lacks |= Q(**{name: Tri.NO})
    has_people = Q(Exists(people))
    has_proficient = Q(Exists(people.filter(**{name: Tri.YES for name in BASIC_SKILLS})))
    net_yes = Q(Exists(people.filter(internet=Tri.YES)))
    net_no = Q(Exists(people.filter(internet=Tri.NO)))
    lacking_adult = Q(Exists(people.filter(lacks, birth_year__lte=ref.year - ADULT_AGE)))
    covered = Q(Exists(Visit.objects.filter(household_id=OuterRef("pk"), deleted_at__isnull=True)))
    recent = Q(_recent_visit(ref, "pk"))
    queryset = _narrow(Household.objects.all(), village_codes, where)
    aggregates = {
        "households": Count("pk"),
        "households_covered": Count("pk", filter=covered),
        "households_target": Count("pk", filter=has_proficient),
        "households_internet_yes": Count("pk", filter=net_yes),
        "households_internet_no": Count("pk", filter=net_no & ~net_yes),
        "households_left_behind": Count("pk", filter=(lacking_adult | (has_people & ~has_proficient)) & ~recent),
    }
    return _group(queryset, group_field, aggregates)


def stats(group_field: str | None, ref: dt.date, *, village_codes=None, where=None) -> dict[str, dict[str, int]]:
    """Return {unit code: {metric: value}} for every unit at the level of `group_field`.

    `group_field` None is the nation; ALL_LEVELS is every level (nation included) from one pass.
    """
    merged: dict[str, dict[str, int]] = {}
    for part in (household_stats, resident_stats):
        for code, values in part(group_field, ref, village_codes=village_codes, where=where).items():
            merged.setdefault(code, {}).update(values)
    return merged


def visits(group_field: str | None, *, village_codes=None, where=None) -> dict[tuple[str, dt.date], int]:
    """Return {(unit code, day): visits not deleted} at the level of `group_field`."""
    from gocua.outreach.models import Visit

    queryset = _narrow(Visit.objects.filter(deleted_at__isnull=True), village_codes, where)
    return _by_day(queryset, group_field, "visited_on")


def sessions(group_field: str | None, *, where=None) -> dict[tuple[str, dt.date], int]:
    """Return {(unit code, day): community sessions not deleted} at the level of `group_field`."""
    from gocua.outreach.models import CommunitySession

    return _by_day(_narrow(CommunitySession.objects.filter(deleted_at__isnull=True), None, where), group_field, "held_on")


def _by_day(queryset, group_field, day_field) -> dict[tuple[str, dt.date], int]:
    if group_field == ALL_LEVELS:
        totals: dict[tuple[str, dt.date], int] = {}
        for row in queryset.values(*CODE_FIELDS, day_field).annotate(n=Count("pk")).order_by():
            for code in (NATION, *(row[name] for name in CODE_FIELDS)):
                if code:
                    totals[(code, row[day_field])] = totals.get((code, row[day_field]), 0) + row["n"]
        return totals
    if group_field is None:
        rows = queryset.values(day_field).annotate(n=Count("pk")).order_by()
        return {(NATION, row[day_field]): row["n"] for row in rows}
    rows = queryset.values(group_field, day_field).annotate(n=Count("pk")).order_by()
    return {(row[group_field], row[day_field]): row["n"] for row in rows if row[group_field]}


# The one level → code column map (places.models.code_field), by level for the check's groupings.
LEVEL_FIELDS = {level: code_field(level) for level in (0, 1, 2, 3)}
