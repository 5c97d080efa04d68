"""Reads for the outreach pages and API: work lists, the left-behind list, team progress.

Every list is one query for its rows plus a fixed number of prefetches and counts, so
that its query count does not grow with the number of households (see the tests).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    Subquery,
    Value,
    When,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from gocua.accounts.scope import scoped
from gocua.households import priority, search
from gocua.households.digital import ESSENTIALS, INDICATOR_NAMES
from gocua.households.models import Assignment, Household, Resident
from gocua.outreach import need
from gocua.outreach.models import Outcome, ServiceItem, Visit, VisitOutcome, VisitResident
from gocua.outreach.rules import team_area_q
from gocua.places.models import Level, Unit, code_field
from gocua.teams.models import Member, Team

DEFAULT_DAYS = need.LEFT_BEHIND_DAYS

# Work-list groups, in order: follow-ups past their date, follow-ups due within a week, then by need.
OVERDUE, DUE_SOON, NEVER_VISITED, LACKING, THE_REST = 0, 1, 2, 3, 4
DUE_SOON_DAYS = 7


def live_visits():
    return Visit.objects.live()


def _latest_visit(field_name: str):
    latest = live_visits().filter(household=OuterRef("pk")).order_by("-visited_on", "-id")
    return Subquery(latest.values(field_name)[:1])


def counted_residents_prefetch() -> Prefetch:
    return Prefetch("residents", queryset=Resident.objects.filter(need.counted_q()).order_by("id"),
                    to_attr="counted_residents")


def current_assignments_prefetch() -> Prefetch:
    rows = Assignment.objects.filter(member__left_on__isnull=True).select_related("member").order_by("member__full_name")
    return Prefetch("assignments", queryset=rows, to_attr="current_assignments")


def with_open_follow_up(households):
    """Annotate households with their open follow-up: the one the latest live visit asked for.

    A later visit settles the follow-up of the earlier ones: it asks for its own, or for none.
    """
    return households.annotate(open_follow_up_on=_latest_visit("follow_up_on"), latest_visit_id=_latest_visit("id"))


def with_need(households, *, today: dt.date | None = None):
    """Annotate households with last visit, open follow-up and the work-list group `need`."""
    today = today or timezone.localdate()
    return (
        with_open_follow_up(households).annotate(last_visit_on=_latest_visit("visited_on"), **need.household_flags())
        .annotate(
            need=Case(
                When(open_follow_up_on__lt=today, then=Value(OVERDUE)),
                When(open_follow_up_on__lt=today + dt.timedelta(days=DUE_SOON_DAYS), then=Value(DUE_SOON)),
                When(last_visit_on__isnull=True, then=Value(NEVER_VISITED)),
                When(need.lacks_q(), then=Value(LACKING)),
                default=Value(THE_REST),
            )
        )
    )


# --- work list ("việc của tôi") ----------------------------------------------------------------


@dataclass
class WorkRow:
    household: Household
    need: int
    reasons: list[str]
    residents: list = field(default_factory=list)
    come_back_to: list = field(default_factory=list)  # the residents the open follow-up is for

    @property
    def priority(self) -> bool:
        """Return whether a resident of the household is in a priority group (never which group)."""
        return bool(getattr(self.household, "is_priority", False))

    @property
    def reason(self) -> str:
        return self.reasons[0] if self.reasons else ""


def _reasons(household, today: dt.date) -> list[str]:
    reasons = []
    if household.last_visit_on is None:
        reasons.append(_("Never visited"))
    gaps = need.household_gaps(household.counted_residents)
    if gaps:
        reasons.append(_("Lacks essentials: %(gaps)s") % {"gaps": ", ".join(gaps)})
    follow_up = getattr(household, "open_follow_up_on", None)
    if follow_up is not None and follow_up < today:
        reasons.insert(0, _("Follow-up overdue since %(date)s") % {"date": date_format(follow_up, "SHORT_DATE_FORMAT")})
    elif follow_up is not None and follow_up < today + dt.timedelta(days=DUE_SOON_DAYS):
        reasons.insert(0, _("Follow-up due on %(date)s") % {"date": date_format(follow_up, "SHORT_DATE_FORMAT")})
    if household.last_visit_on is not None and not reasons:
        reasons.append(_("Last visit on %(date)s") % {"date": date_format(household.last_visit_on, "SHORT_DATE_FORMAT")})
    return reasons


def work_list_queryset(member: Member, *, today: dt.date | None = None, priority_first: bool = False):
    """Return the member's households: overdue follow-ups, due this week, then never visited, lacking, the rest.

    With `priority_first`, households with a resident in a priority group come first (in the same
    order among themselves); every row carries `is_priority` for the "ưu tiên" mark.
    """
    households = Household.objects.filter(assignments__member=member).select_related("village", "head")
    households = with_need(households, today=today).annotate(is_priority=priority.is_priority_q())
    first = [F("is_priority").desc()] if priority_first else []
    return households.order_by(
        *first, "need", F("open_follow_up_on").asc(nulls_last=True), F("last_visit_on").asc(nulls_first=True),
        "household_key", "pk",
    )


def follow_up_people(households) -> dict[int, list[str]]:
    """Return {household id: names of the residents its open follow-up is for} (one query)."""
    latest = [h.latest_visit_id for h in households if getattr(h, "open_follow_up_on", None) is not None]
    if not latest:
        return {}
    rows = (
        VisitOutcome.objects.filter(visit_resident__visit_id__in=latest)
        .filter(Q(follow_up_on__isnull=False) | Q(outcome=Outcome.FOLLOW_UP))
        .values_list("visit_resident__visit__household_id", "visit_resident__resident__full_name")
        .order_by("visit_resident__resident_id")
        .distinct()
    )
    people = {}
    for household_id, name in rows:
        people.setdefault(household_id, []).append(name)
    return people


def work_rows(households, *, today: dt.date | None = None, with_needs: bool = False) -> list[WorkRow]:
    """Turn a page of `work_list_queryset` rows into WorkRows with reasons (3 extra queries at most)."""
    today = today or timezone.localdate()
    households = list(households)
    prefetch_related_objects(households, counted_residents_prefetch())
    items = list(ServiceItem.objects.filter(is_active=True)) if with_needs else []
    people = follow_up_people(households)
    rows = []
    for household in households:
        residents = [
            (resident, need.resident_needs(resident, items), need.resident_lacks(resident))
            for resident in household.counted_residents
        ]
        rows.append(WorkRow(household, getattr(household, "need", LACKING), _reasons(household, today), residents,
                            people.get(household.pk, [])))
    return rows


# --- left behind ---------------------------------------------------------------------------------


@dataclass
class LeftBehindFilters:
    unit: object  # a province, commune or village Unit inside the user's scope
    indicator: str = ""  # an indicator name, need.FIVE_SKILLS, or "" for any essential
    age_band: str = ""
    village: object = None
    member: Member | None = None
    days: int = DEFAULT_DAYS
    priority: str = ""  # "any" (a priority household), a PriorityGroup value (roles with the right), or ""


def unit_q(unit, prefix: str = "") -> Q:
    """Return the filter for rows carrying scope codes inside `unit`."""
    if unit.level == Level.NATION:
        return Q()
    return Q(**{f"{prefix}{code_field(unit.level)}": unit.code})


def unit_contains(unit, obj) -> bool:
    return unit.level == Level.NATION or getattr(obj, code_field(unit.level)) == unit.code


PRIORITY_ANY = "any"


def left_behind_queryset(user, filters: LeftBehindFilters, *, today: dt.date | None = None):
    """Return the households in scope that lack the essentials and had no visit in the last N days."""
    today = today or timezone.localdate()
    households = scoped(user, Household.objects.filter(unit_q(filters.unit)))
    if filters.village is not None:
        households = households.filter(village=filters.village)
    if filters.member is not None:
        households = households.filter(Exists(Assignment.objects.filter(household=OuterRef("pk"), member=filters.member)))
    recent = live_visits().filter(need.recent_visit_q(today, filters.days), household=OuterRef("pk"))
    band = need.age_band_q(filters.age_band) if filters.age_band else None
    households = households.annotate(**need.household_flags(band)).filter(~Exists(recent))
    if filters.priority == PRIORITY_ANY:
        households = households.filter(priority.is_priority_q())
    elif filters.priority in priority.GROUP_LABELS:
        households = households.filter(priority.in_group_q(filters.priority))
    if filters.indicator in INDICATOR_NAMES:
        residents = Resident.objects.filter(need.lacking_q(filters.indicator), household=OuterRef("pk"))
        if band is not None:
            residents = residents.filter(band)
        households = households.filter(Exists(residents))
    elif filters.indicator == need.FIVE_SKILLS:
        households = households.filter(has_people=True, has_proficient=False)
    else:
        households = households.filter(need.lacks_q())
    return households


def left_behind_counts(households, filters: LeftBehindFilters) -> dict:
    """Return the counts shown above the left-behind list (2 queries whatever its size).

    `households` is the number of rows of the list: pass it to the paginator instead of a COUNT
    (each aggregate over the list probes every household of the area for its visits and people).
    """
    by_village = list(
        households.order_by()
        .values("village_id", "village__name")
        .annotate(n=Count("pk"), no_five_skills=Count("pk", filter=Q(has_people=True, has_proficient=False)))
        .order_by("-n", "village__name")
    )
    totals = {
        "households": sum(v["n"] for v in by_village),
        "no_five_skills": sum(v.pop("no_five_skills") for v in by_village),
    }
    residents = Resident.objects.filter(household__in=households.values("pk"))
    if filters.age_band:
        residents = residents.filter(need.age_band_q(filters.age_band))
    lacking = need.lacking_q(filters.indicator if filters.indicator in INDICATOR_NAMES else "")
    per_essential = {name: Count("pk", filter=need.lacking_q(name)) for name in ESSENTIALS}
    totals.update(residents.aggregate(residents=Count("pk", filter=lacking), **per_essential))
    totals["by_village"] = by_village
    return totals


def left_behind_ordered(households):
    """Return the left-behind households, longest without a visit first, ready for `left_behind_rows`."""
    return (
        with_open_follow_up(households).annotate(last_visit_on=_latest_visit("visited_on"))
        .annotate(is_priority=priority.is_priority_q())
        .select_related("village", "head")
        .prefetch_related(current_assignments_prefetch())
        .order_by(F("last_visit_on").asc(nulls_first=True), "village_id", "household_key", "pk")
    )


def left_behind_rows(households, *, today: dt.date | None = None) -> list[WorkRow]:
    """Turn a page of `left_behind_ordered` into rows with reasons and the residents lacking."""
    rows = work_rows(households, today=today)
    for row in rows:
        row.need = NEVER_VISITED if row.household.last_visit_on is None else LACKING
    return rows


# --- team progress --------------------------------------------------------------------------------


def week_start(today: dt.date) -> dt.date:
    return today - dt.timedelta(days=today.weekday())  # weeks start on Monday


def team_households(team: Team):
    return Household.objects.filter(team_area_q(team))


def team_progress(team: Team, *, today: dt.date | None = None) -> dict:
    """Return the leader's figures: coverage, residents checked, visits per member, overdue, unassigned."""
    today = today or timezone.localdate()
    households = team_households(team)
    visited = live_visits().filter(household=OuterRef("pk"))
    assigned = Assignment.objects.filter(household=OuterRef("pk"), member__team=team, member__left_on__isnull=True)
    figures = households.annotate(
        visited=Exists(visited), assigned=Exists(assigned), open_follow_up_on=_latest_visit("follow_up_on")
    ).aggregate(
        households=Count("pk"),
        covered=Count("pk", filter=Q(visited=True)),
        unassigned=Count("pk", filter=Q(assigned=False)),
        overdue=Count("pk", filter=Q(open_follow_up_on__lt=today)),
    )
    checked = VisitResident.objects.filter(resident=OuterRef("pk"), visit__deleted_at__isnull=True)
    figures.update(
        Resident.objects.filter(team_area_q(team), need.counted_q())
        .annotate(checked=Exists(checked))
        .aggregate(residents=Count("pk"), residents_checked=Count("pk", filter=Q(checked=True)))
    )
    live = Q(visits__deleted_at__isnull=True)
    figures["members"] = list(
        team.members.filter(left_on__isnull=True)
        .annotate(
            visits_week=Count("visits", filter=live & Q(visits__visited_on__gte=week_start(today)), distinct=True),
            visits_month=Count("visits", filter=live & Q(visits__visited_on__gte=today.replace(day=1)), distinct=True),
            households_assigned=Coalesce(
                Subquery(
                    Assignment.objects.filter(member=OuterRef("pk")).order_by().values("member")
                    .annotate(n=Count("pk")).values("n")[:1]
                ),
                0,
            ),
        )
        .order_by("full_name")
    )
    overdue = with_open_follow_up(households).filter(open_follow_up_on__lt=today)
    figures["overdue_households"] = list(
        overdue.select_related("head", "village").prefetch_related(current_assignments_prefetch())
        .order_by("open_follow_up_on", "household_key")[:20]
    )
    per_member = dict(
        Assignment.objects.filter(member__team=team, household__in=overdue.values("pk"))
        .values("member_id").annotate(n=Count("pk")).values_list("member_id", "n")
    )
    for m in figures["members"]:
        m.overdue = per_member.get(m.pk, 0)
    figures["week_start"], figures["month_start"] = week_start(today), today.replace(day=1)
    return figures


def overdue_by_village(user, unit, *, today: dt.date | None = None) -> list[dict]:
    """Return [{"village_id", "village__name", "n"}]: households in scope with an overdue follow-up, per village."""
    today = today or timezone.localdate()
    households = scoped(user, Household.objects.filter(unit_q(unit)))
    return list(
        with_open_follow_up(households).filter(open_follow_up_on__lt=today).order_by()
        .values("village_id", "village__name").annotate(n=Count("pk")).order_by("-n", "village__name")
    )


# --- assignments, visits, sessions, search ----------------------------------------------------------


ASSIGNMENT_NEEDS = ("unassigned", "lacking", "never", "overdue")  # the "need" filter of the assignments page


def assignment_households(
    team: Team, *, unassigned_only: bool = False, member: Member | None = None, q: str = "", village=None,
    need_filter: str = "", today: dt.date | None = None,
):
    """Return the team's households with their current members (for the assignments page)."""
    households = team_households(team).select_related("village", "head").prefetch_related(
        current_assignments_prefetch()
    )
    assigned = Assignment.objects.filter(household=OuterRef("pk"), member__team=team, member__left_on__isnull=True)
    if unassigned_only or need_filter == "unassigned":
        households = households.filter(~Exists(assigned))
    if member is not None:
        households = households.filter(Exists(Assignment.objects.filter(household=OuterRef("pk"), member=member)))
    if village is not None:
        households = households.filter(village=village)
    if need_filter == "lacking":
        households = households.annotate(**need.household_flags()).filter(need.lacks_q())
    elif need_filter == "never":
        households = households.filter(~Exists(live_visits().filter(household=OuterRef("pk"))))
    elif need_filter == "overdue":
        households = with_open_follow_up(households).filter(open_follow_up_on__lt=today or timezone.localdate())
    if q:
        households = search.match(households, q)
    return households.order_by("village_id", "household_key", "pk")


def team_villages(team: Team) -> list:
    """Return the current villages a team covers (one, or every village of its commune)."""
    if team.village_code:
        return [team.unit]
    return list(Unit.objects.filter(parent=team.unit, level=Level.VILLAGE, valid_to__isnull=True).order_by("name"))


def village_coverage(village) -> dict:
    """Return who covers what in a village: current members with their household counts, and the unassigned."""
    current = Assignment.objects.filter(household__village=village, member__left_on__isnull=True)
    members = list(
        current.values("member_id", "member__full_name", "member__team_id")
        .annotate(households=Count("household_id", distinct=True))
        .order_by("member__full_name")
    )
    unassigned = Household.objects.filter(village=village).exclude(
        Exists(current.filter(household=OuterRef("pk")))
    ).count()
    return {"members": members, "unassigned": unassigned}


def visits_in_scope(user, *, household=None, member=None, since=None, until=None):
    visits = scoped(user, live_visits()).select_related("household", "team", "entered_by__member")
    visits = visits.prefetch_related("members")
    if household is not None:
        visits = visits.filter(household=household)
    if member is not None:
        visits = visits.filter(members=member)
    if since is not None:
        visits = visits.filter(visited_on__gte=since)
    if until is not None:
        visits = visits.filter(visited_on__lte=until)
    return visits.order_by("-visited_on", "-id")


HISTORY_LIMIT = 30


def household_history(user, household, *, limit: int = HISTORY_LIMIT) -> list[Visit]:
    """Return the household's latest live visits, newest first, with members and what was guided per resident."""
    # Only what the history shows (the household page's heaviest part): the resident's name, and
    # each outcome with its item's names in one query instead of two.
    outcomes = VisitOutcome.objects.select_related("item").only(
        "id", "visit_resident_id", "item_id", "outcome", "follow_up_on", "item__id", "item__name_vi", "item__name_en",
    ).order_by("id")
    checked = VisitResident.objects.select_related("resident").only(
        "id", "visit_id", "resident_id", "present", "note", "resident__id", "resident__full_name",
    ).prefetch_related(Prefetch("outcomes", queryset=outcomes)).order_by("id")
    visits = scoped(user, live_visits()).filter(household=household).prefetch_related(
        "members", Prefetch("visit_residents", queryset=checked),
    )
    return list(visits.order_by("-visited_on", "-id")[:limit])


def visit_detail_queryset(user):
    """Return the visits (deleted ones too) the user may open, with everything the detail page shows."""
    return scoped(user, Visit.objects.all()).select_related(
        "household", "team", "entered_by__member", "deleted_by"
    ).prefetch_related(
        "members",
        Prefetch(
            "visit_residents",
            queryset=VisitResident.objects.select_related("resident").prefetch_related("outcomes__item").order_by("id"),
        ),
        "revisions__revised_by",
    )


def resident_search(user, query: str, *, commune_code: str | None = None, limit: int = 20):
    """Return residents in scope whose name matches `query` by the search rule (households.search), by name."""
    residents = scoped(user, Resident.objects.filter(need.counted_q()).select_related("household"))
    if commune_code:
        residents = residents.filter(commune_code=commune_code)
    return search.first(residents, query, order=search.RESIDENT_ORDER, limit=limit)


def indicator_is_known(name: str) -> bool:
    return name in INDICATOR_NAMES or name == need.FIVE_SKILLS

