"""Reads of households and residents, always through the scope rule, in a constant number of queries."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from gocua.accounts.scope import scoped
from gocua.households import search
from gocua.households.digital import INDICATORS, Tri
from gocua.households.models import (
    Assignment,
    Household,
    HouseholdMove,
    IndicatorChange,
    Resident,
    ResidentMove,
)
from gocua.lib.text import fold
from gocua.places.models import Level, Unit
from gocua.places.selectors import (
    CHILD_CODE_FIELD,
    OWN_CODE_FIELD,
    filter_folded,
    not_found,
    visible_unit,
    within,
)
from gocua.teams.models import Member, Team

PARENTS = "village__parent__parent__parent"


@dataclass
class UnitCounts:
    teams: int = 0
    members: int = 0
    households: int = 0
    residents: int = 0


def unit_child_counts(*, user, unit: Unit, codes: list[str]) -> dict[str, UnitCounts]:
    """Return teams, current members, households and counted residents per child code of `unit`.

    Four GROUP BY queries whatever the number of children: one per table, grouped by the
    children's code column and limited to `codes` (the children on the current page).
    """
    counts = {code: UnitCounts() for code in codes}
    if not codes:
        return counts
    child, own = CHILD_CODE_FIELD[unit.level], OWN_CODE_FIELD.get(unit.level)

    def grouped(queryset: QuerySet, attr: str, via: str = "") -> None:
        conditions = {f"{via}{child}__in": codes}
        if own:
            conditions[f"{via}{own}"] = unit.code
        rows = scoped(user, queryset, via=via).filter(**conditions).order_by().values(f"{via}{child}")
        for row in rows.annotate(n=Count("pk")):
            setattr(counts[row[f"{via}{child}"]], attr, row["n"])

    grouped(Team.objects.filter(is_active=True), "teams")
    grouped(Member.objects.filter(left_on__isnull=True, team__is_active=True), "members", via="team__")
    grouped(Household.objects.all(), "households")
    grouped(Resident.objects.filter(status__in=Resident.COUNTED_STATUSES), "residents")
    return counts


def _counted_residents_of(outer: str) -> Subquery:
    counted = (
        Resident.objects.filter(household=OuterRef(outer), status__in=Resident.COUNTED_STATUSES)
        .order_by()
        .values("household")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


def household_list(*, user, village: Unit) -> QuerySet[Household]:
    """Return the village's households with head, counted residents and assigned members."""
    assignments = Assignment.objects.select_related("member").order_by("member__full_name")
    return (
        scoped(user, Household.objects.filter(village=village))
        .select_related("head")
        .annotate(n_residents=_counted_residents_of("pk"))
        .prefetch_related(Prefetch("assignments", queryset=assignments))
        .order_by("household_key", "pk")
    )


def households_visible(*, user) -> QuerySet[Household]:
    """Return the households the user may see, with the village ancestry for breadcrumbs."""
    return scoped(user, Household.objects.all()).select_related(PARENTS, "head")


def household_residents(*, user, household: Household) -> QuerySet[Resident]:
    """Return the residents of a household: counted ones first, the head first, then the eldest."""
    gone = Case(When(status__in=Resident.COUNTED_STATUSES, then=Value(0)), default=Value(1))
    not_head = Case(When(relation=Resident.Relation.HEAD, then=Value(0)), default=Value(1))
    return scoped(user, Resident.objects.filter(household=household)).order_by(
        gone, not_head, "birth_year", "pk"
    )


def household_assignments(*, household: Household) -> list[Assignment]:
    return list(household.assignments.select_related("member").order_by("member__full_name"))


def household_moves(*, household: Household) -> list[HouseholdMove]:
    return list(
        household.moves.select_related("from_village", "to_village", "recorded_by").order_by(
            "-moved_on", "-pk"
        )
    )


def residents_visible(*, user) -> QuerySet[Resident]:
    """Return the residents the user may see, with household and village ancestry."""
    return scoped(user, Resident.objects.all()).select_related(f"household__{PARENTS}", "household__head")


def resident_moves(*, resident: Resident) -> list[ResidentMove]:
    return list(
        resident.moves.select_related("from_household", "to_household", "recorded_by").order_by(
            "-moved_on", "-pk"
        )
    )


def latest_indicator_changes(*, resident_ids: list[int]) -> dict[tuple[int, str], IndicatorChange]:
    """Return the latest change per (resident, indicator) for these residents, in one query."""
    if not resident_ids:
        return {}
    rank = Window(
        RowNumber(),
        partition_by=[F("resident_id"), F("indicator")],
        order_by=[F("changed_at").desc(), F("pk").desc()],
    )
    rows = (
        IndicatorChange.objects.filter(resident_id__in=resident_ids)
        .annotate(rank=rank)
        .filter(rank=1)
        .select_related("changed_by")
    )
    return {(row.resident_id, row.indicator): row for row in rows}


@dataclass(frozen=True)
class IndicatorRow:
    name: str
    label: str
    value: int
    change: IndicatorChange | None

    @property
    def value_label(self) -> str:
        return Tri(self.value).label


def indicator_rows(resident: Resident, changes: dict[tuple[int, str], IndicatorChange]) -> list[IndicatorRow]:
    """Return the resident's 14 indicators in display order with their latest change (no query)."""
    return [
        IndicatorRow(
            name=name, label=label, value=getattr(resident, name), change=changes.get((resident.pk, name))
        )
        for name, label in INDICATORS
    ]


# --- the households and residents API's reads (gocua/households/api.py) -------------------------


def _search(qs: QuerySet, field: str, q: str | None) -> QuerySet:
    # A blank search is no filter (search.match would match nothing); names and households go through
    # the word index (households/search.py), other columns through the plain folded filter.
    if not fold(q):
        return qs
    if field in ("name_folded", "search_folded") and qs.model in (Household, Resident):
        return search.match(qs, q)
    return filter_folded(qs, field, q)


def _in_unit(user, qs: QuerySet, *, village: str | None, unit: str | None) -> QuerySet:
    if village:
        qs = qs.filter(within(visible_unit(user, village, field="village", level=Level.VILLAGE)))
    if unit:
        qs = qs.filter(within(visible_unit(user, unit, field="unit")))
    return qs


def households(
    user, *, village: str | None = None, unit: str | None = None, q: str | None = None
) -> QuerySet:
    counted = Q(residents__status__in=Resident.COUNTED_STATUSES)
    qs = scoped(
        user,
        Household.objects.select_related("village", "head").annotate(
            resident_count=Count("residents", filter=counted)
        ),
    )
    qs = _in_unit(user, qs, village=village, unit=unit)
    return _search(qs, "search_folded", q)


HOUSEHOLD_ORDER = ("village_code", "household_key")


def household_detail(user, household_id: int) -> Household:
    residents = Resident.objects.order_by("id")
    household = (
        households(user)
        .prefetch_related(Prefetch("residents", queryset=residents))
        .filter(pk=household_id)
        .first()
    )
    if household is None:
        raise not_found()
    return household


def visible_household(user, household_id: int, *, field: str | None = None) -> Household:
    household = scoped(user, Household.objects.all()).filter(pk=household_id).first()
    if household is None:
        raise not_found(field)
    return household


def residents(
    user,
    *,
    household: int | None = None,
    village: str | None = None,
    unit: str | None = None,
    q: str | None = None,
) -> QuerySet:
    qs = scoped(user, Resident.objects.select_related("household"))
    if household is not None:
        qs = qs.filter(household=visible_household(user, household, field="household"))
    qs = _in_unit(user, qs, village=village, unit=unit)
    return _search(qs, "name_folded", q)


RESIDENT_ORDER = ("village_code", "household_id", "id")


def resident_detail(user, resident_id: int) -> Resident:
    resident = residents(user).filter(pk=resident_id).first()
    if resident is None:
        raise not_found()
    return resident
