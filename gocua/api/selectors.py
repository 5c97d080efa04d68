"""Scoped reads behind the registry endpoints; every queryset starts from accounts.scope.scoped."""

from django.db.models import Case, Count, IntegerField, Prefetch, Q, QuerySet, Value, When

from gocua.accounts.scope import Scope, scoped
from gocua.errors import CommonErrorCode, NotFound
from gocua.households import search
from gocua.households.models import Household, Resident
from gocua.lib.text import fold
from gocua.places.models import Level, Unit
from gocua.places.selectors import filter_folded, unit_children
from gocua.teams.models import Member, Team


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


def _search(qs: QuerySet, field: str, q: str | None) -> QuerySet:
    # A blank search is no filter (search.match would match nothing); names and households go through
    # the word index (households/search.py), other columns through the plain folded filter.
    if not fold(q):
        return qs
    if field in ("name_folded", "search_folded") and qs.model in (Household, Resident):
        return search.match(qs, q)
    return filter_folded(qs, field, q)


def unit_detail(user, code: str) -> Unit:
    unit = visible_unit(user, code)
    unit.current_children = list(current_children(user, unit).only("code", "name", "kind"))
    return unit


def teams(user, *, unit_code: str | None = None) -> QuerySet:
    current = Q(members__left_on__isnull=True)
    qs = scoped(
        user, Team.objects.select_related("unit").annotate(member_count=Count("members", filter=current))
    )
    if unit_code:
        qs = qs.filter(within(visible_unit(user, unit_code, field="unit")))
    return qs


TEAM_ORDER = ("province_code", "commune_code", "village_code", "name")


def team_detail(user, team_id: int) -> Team:
    members = Member.objects.filter(left_on__isnull=True).order_by(
        Case(
            When(role=Member.Role.LEADER, then=Value(0)),
            When(role=Member.Role.DEPUTY, then=Value(1)),
            default=Value(2),
            output_field=IntegerField(),
        ),
        "full_name",
        "id",
    )
    qs = teams(user).prefetch_related(Prefetch("members", queryset=members, to_attr="current_members"))
    team = qs.filter(pk=team_id).first()
    if team is None:
        raise not_found()
    return team


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
