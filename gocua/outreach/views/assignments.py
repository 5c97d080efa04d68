"""The leader's assignments page: who covers which households, bulk assign and unassign."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_http_methods

from gocua.accounts.scope import scoped
from gocua.errors import DomainError
from gocua.outreach import rules, selectors
from gocua.outreach.services import assignments as services
from gocua.outreach.views._common import forbid_if, int_or_none, paginate, query_without_page
from gocua.teams.models import Team

PAGE_SIZE = 100
ACTIONS = ("add", "replace", "remove", "clear")
NEED_CHOICES = [
    ("unassigned", _lazy("Not assigned")),
    ("lacking", _lazy("Lacking essentials")),
    ("never", _lazy("Never visited")),
    ("overdue", _lazy("Follow-up overdue")),
]


@login_required
def own_team(request):
    me = rules.actor_member(request.user)
    if me is not None:
        return redirect("outreach:team_assignments", team_id=me.team_id)
    teams = scoped(request.user, Team.objects.filter(is_active=True)).select_related("unit").order_by("name")
    return render(request, "outreach/team_choose.html",
                  {"page": paginate(request, teams), "target": "outreach:team_assignments"})


def _coverage(team):
    """Return the team's current members with their load: households assigned."""
    return list(
        team.members.filter(left_on__isnull=True)
        .annotate(households=Count("assignments"))
        .order_by("full_name")
    )


def _apply(request, team) -> str | None:
    """Run the bulk action posted; return an error message or None."""
    action = request.POST.get("action")
    ids = [i for i in (int_or_none(v) for v in request.POST.getlist("households")) if i is not None]
    households = list(selectors.team_households(team).filter(pk__in=ids))
    if not ids:
        return _("Select at least one household.")
    if len(households) != len(set(ids)):
        return _("Some selected households are outside the team's area.")
    member = team.members.filter(pk=int_or_none(request.POST.get("member")) or 0).first()
    if action not in ACTIONS or (member is None and action != "clear"):
        return _("Choose a member and what to do.")
    if action in ("add", "replace"):
        count = services.assignment_bulk(actor=request.user, team=team, households=households, member=member,
                                         replace=action == "replace")
        messages.success(request, _("%(n)s households assigned to %(name)s.") % {"n": count, "name": member})
    else:
        count = services.assignment_remove(actor=request.user, team=team, households=households,
                                           member=member if action == "remove" else None)
        messages.success(request, _("%(n)s assignments removed.") % {"n": count})
    return None


@login_required
@require_http_methods(["GET", "POST"])
def team_assignments(request, team_id: int):
    team = get_object_or_404(scoped(request.user, Team.objects.select_related("unit")), pk=team_id)
    if not rules.can_manage_assignments(request.user, team):
        raise PermissionDenied(_("Only the team leader or an officer can assign households."))
    error = None
    if request.method == "POST":
        try:
            error = _apply(request, team)
        except DomainError as exc:
            forbid_if(exc)
            error = str(exc.message)
        if error is None:
            return redirect(request.get_full_path())
    filters = _filters(request, team)
    households = selectors.assignment_households(
        team, member=filters["member"], village=filters["village"], need_filter=filters["need"], q=filters["q"],
    )
    return render(request, "outreach/assignments.html", {
        "team": team, "page": paginate(request, households, PAGE_SIZE), "coverage": _coverage(team),
        "members": _coverage(team), "error": error, "filters": filters, "member_filter": filters["member"],
        "villages": selectors.team_villages(team), "needs": NEED_CHOICES, "select_all": request.GET.get("all") == "1",
        "query": query_without_page(request), "query_without_all": _query_without(request, "page", "all"),
    })


def _filters(request, team) -> dict:
    """Read the list's filters from the query string (they stay there after saving)."""
    params = request.GET
    need_filter = params.get("need") or ("unassigned" if params.get("unassigned") == "1" else "")
    villages = {v.pk: v for v in selectors.team_villages(team)}
    return {
        "member": team.members.filter(pk=int_or_none(params.get("member")) or 0).first(),
        "village": villages.get(int_or_none(params.get("village"))),
        "need": need_filter if need_filter in selectors.ASSIGNMENT_NEEDS else "",
        "q": (params.get("q") or "").strip()[:100],
    }


def _query_without(request, *names) -> str:
    params = request.GET.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()
