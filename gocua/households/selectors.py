"""Reads of households and residents, always through the scope rule, in a constant number of queries."""

from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    QuerySet,
    Subquery,
    Value,
    When,
    Window,
)
from django.db.models.functions import Coalesce, RowNumber

from gocua.accounts.scope import scoped
from gocua.households.digital import INDICATORS, Tri
from gocua.households.models import (
    Assignment,
    Household,
    HouseholdMove,
    IndicatorChange,
    Resident,
    ResidentMove,
)
from gocua.places.models import Unit
from gocua.places.selectors import CHILD_CODE_FIELD, OWN_CODE_FIELD
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

