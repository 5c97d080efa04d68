"""Work list, paper work list, the left-behind list and team progress."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from gocua.accounts.models import Role
from gocua.accounts.permissions import can_see_priority_groups
from gocua.accounts.scope import in_scope, scoped
from gocua.households import priority
from gocua.households.digital import ESSENTIALS, INDICATORS
from gocua.outreach import need, reminders, rules, selectors
from gocua.outreach.models import ServiceItem
from gocua.outreach.views._common import int_or_none, paginate, query_without_page
from gocua.places.models import Level, Unit
from gocua.teams.models import Member, Team

MAX_DAYS = 3650
MAX_FILTER_MEMBERS = 300


@login_required
def home(request):
    """Send members to their work list, leaders to team progress, officers to the left-behind list."""
    role = request.user.role
    if role == Role.TEAM_MEMBER:
        return redirect("outreach:work")
    if role == Role.TEAM_LEADER:
        return redirect("outreach:progress")
    return redirect("outreach:left_behind")


def _members_in_scope(user):
    return Member.objects.filter(team__in=scoped(user, Team.objects.all())).select_related("team")


def _work_page(request, member, template="outreach/work_list.html"):
    priority_first = request.GET.get("priority") == "first"
    households = selectors.work_list_queryset(member, priority_first=priority_first)
    page = paginate(request, households)
    rows = selectors.work_rows(page.object_list)
    return render(request, template, {
        "member": member, "page": page, "rows": rows, "is_me": member.user_id == request.user.pk,
        "priority_first": priority_first, "query": query_without_page(request),
        "can_assign": rules.can_manage_assignments(request.user, member.team),
        "overdue": households.filter(need=selectors.OVERDUE).count(),
    })


@login_required
def my_work(request):
    me = rules.actor_member(request.user)
    if me is None:
        return render(request, "outreach/no_member.html")
    return _work_page(request, me)


@login_required
def digest(request):
    """Today's digest for the member: follow-ups overdue and due this week (what a reminder points to)."""
    me = rules.actor_member(request.user)
    if me is None:
        return render(request, "outreach/no_member.html")
    return render(request, "outreach/digest.html", {"member": me, "digest": reminders.digest_for(me)})


@login_required
def member_work(request, member_id: int):
    member = get_object_or_404(_members_in_scope(request.user), pk=member_id)
    return _work_page(request, member)


@login_required
def work_print(request, member_id: int | None = None):
    """Print a member's whole work list on A4 with what each resident needs and tick boxes."""
    if member_id is None:
        member = rules.actor_member(request.user)
        if member is None:
            return render(request, "outreach/no_member.html")
    else:
        member = get_object_or_404(_members_in_scope(request.user), pk=member_id)
    rows = selectors.work_rows(selectors.work_list_queryset(member), with_needs=True)
    return render(request, "outreach/work_print.html", {
        "member": member, "rows": rows, "today": timezone.localdate(),
        "items": ServiceItem.objects.filter(is_active=True),
    })


# --- left behind ---------------------------------------------------------------------------------


def _left_behind_filters(request) -> tuple[selectors.LeftBehindFilters, list[str]]:
    """Read the filters from the query string; unknown values fall back to defaults (reported)."""
    user, params, problems = request.user, request.GET, []
    unit = user.scope_unit
    code = (params.get("unit") or "").strip()
    if code:
        chosen = Unit.objects.filter(code=code, valid_to__isnull=True).first()
        if chosen is not None and in_scope(user, chosen):
            unit = chosen
        else:
            problems.append("unit")
    filters = selectors.LeftBehindFilters(unit=unit)
    indicator = params.get("indicator") or ""
    if indicator and selectors.indicator_is_known(indicator):
        filters.indicator = indicator
    if params.get("age_band") in need.AGE_BAND_CODES:
        filters.age_band = params["age_band"]
    days = int_or_none(params.get("days"))
    if days is not None and 0 <= days <= MAX_DAYS:
        filters.days = days
    village_id = int_or_none(params.get("village"))
    if village_id:
        village = Unit.objects.filter(pk=village_id, level=Level.VILLAGE).first()
        if village is not None and in_scope(user, village) and selectors.unit_contains(unit, village):
            filters.village = village
    member_id = int_or_none(params.get("member"))
    if member_id:
        filters.member = _members_in_scope(user).filter(pk=member_id).first()
    chosen_priority = params.get("priority") or ""
    if chosen_priority == selectors.PRIORITY_ANY:
        filters.priority = chosen_priority
    elif chosen_priority in priority.GROUP_LABELS:
        # Filtering by a group tells which group the listed households are in: roles with the right only.
        if can_see_priority_groups(user, unit):
            filters.priority = chosen_priority
        else:
            problems.append("priority")
    return filters, problems


@login_required
def left_behind(request):
    """The list a leader or officer works from: who still lacks the essentials and was not visited lately."""
    if request.user.scope_unit is None:
        return render(request, "web/no_scope.html", status=403)
    filters, problems = _left_behind_filters(request)
    households = selectors.left_behind_queryset(request.user, filters)
    counts = selectors.left_behind_counts(households, filters)
    page = paginate(request, selectors.left_behind_ordered(households), count=counts["households"])
    rows = selectors.left_behind_rows(page.object_list)
    unit = filters.unit
    villages = list(Unit.objects.filter(parent=unit, level=Level.VILLAGE, valid_to__isnull=True).order_by("name")) \
        if unit.level == Level.COMMUNE else []
    members = list(
        _members_in_scope(request.user).filter(left_on__isnull=True).filter(selectors.unit_q(unit, "team__"))
        .order_by("team__name", "full_name")[:MAX_FILTER_MEMBERS]
    ) if unit.level >= Level.COMMUNE else []
    indicator_choices = [(need.FIVE_SKILLS, need.NO_FIVE_SKILLS_FILTER)] + [
        (name, label) for name, label in INDICATORS if name in ESSENTIALS
    ] + [(name, label) for name, label in INDICATORS if name not in ESSENTIALS]
    return render(request, "outreach/left_behind.html", {
        "filters": filters, "counts": counts, "page": page, "rows": rows, "villages": villages,
        "members": members, "indicator_choices": indicator_choices, "age_bands": need.AGE_BANDS,
        "essentials": [(name, need.ESSENTIAL_SHORT[name], counts[name]) for name in ESSENTIALS],
        "problems": problems, "query": query_without_page(request),
        "priority_choices": [(selectors.PRIORITY_ANY, priority.PRIORITY_MARK)] + (
            list(priority.GROUP_LABELS.items()) if can_see_priority_groups(request.user, unit) else []
        ),
        "overdue_villages": selectors.overdue_by_village(request.user, unit) if unit.level >= Level.COMMUNE else [],
    })


# --- team progress ---------------------------------------------------------------------------------


def _teams_in_scope(user):
    return scoped(user, Team.objects.filter(is_active=True)).select_related("unit").order_by("name")


@login_required
def progress(request):
    """Open the leader's own team; officers choose a team in their area."""
    me = rules.actor_member(request.user)
    if me is not None:
        return redirect("outreach:team_progress", team_id=me.team_id)
    page = paginate(request, _teams_in_scope(request.user))
    return render(request, "outreach/team_choose.html", {"page": page, "target": "outreach:team_progress"})


@login_required
def team_progress(request, team_id: int):
    team = get_object_or_404(_teams_in_scope(request.user), pk=team_id)
    figures = selectors.team_progress(team)
    me = rules.actor_member(request.user)
    mine = next((m for m in figures["members"] if me is not None and m.pk == me.pk), None)
    return render(request, "outreach/progress.html", {
        "team": team, "f": figures, "can_assign": rules.can_manage_assignments(request.user, team), "mine": mine,
    })
