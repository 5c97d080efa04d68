"""Community sessions: list, record (with diacritic-insensitive attendee search), detail, delete."""

import uuid as uuid_lib

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from gocua.accounts.scope import scoped
from gocua.errors import DomainError
from gocua.households.models import Resident
from gocua.outreach import rules, selectors
from gocua.outreach.models import CommunitySession, ServiceItem
from gocua.outreach.services import sessions as services
from gocua.outreach.views._common import forbid_if, int_or_none, paginate, parse_day
from gocua.teams.models import Team


def _sessions(user):
    return scoped(user, CommunitySession.objects.live()).select_related("team").prefetch_related("topics")


@login_required
def session_list(request):
    me = rules.actor_member(request.user)
    return render(request, "outreach/session_list.html", {
        "page": paginate(request, _sessions(request.user)), "can_record": me is not None or rules.is_officer(request.user),
    })


@login_required
def session_new(request):
    me = rules.actor_member(request.user)
    if me is not None:
        return redirect("outreach:team_session_new", team_id=me.team_id)
    teams = scoped(request.user, Team.objects.filter(is_active=True)).select_related("unit").order_by("name")
    return render(request, "outreach/team_choose.html",
                  {"page": paginate(request, teams), "target": "outreach:team_session_new"})


def _ids(values) -> list[int]:
    return [i for i in (int_or_none(v) for v in values) if i is not None]


def _form_context(request, team, data, error=None):
    chosen_ids = _ids(data.getlist("attendees")) if data else []
    chosen = list(scoped(request.user, Resident.objects.filter(pk__in=chosen_ids)).select_related("household"))
    query = (data.get("q") or "").strip() if data else ""
    found = [r for r in selectors.resident_search(request.user, query, commune_code=team.commune_code)
             if r.pk not in set(chosen_ids)] if query else []
    me = rules.actor_member(request.user)
    return {
        "team": team, "error": error, "query": query, "chosen": chosen, "found": found,
        "items": ServiceItem.objects.filter(is_active=True),
        "members": team.members.filter(left_on__isnull=True).order_by("full_name"),
        "topic_ids": set(_ids(data.getlist("topics"))) if data else set(),
        "member_ids": set(_ids(data.getlist("members"))) if data else ({me.pk} if me else set()),
        "values": {
            "uuid": (data.get("uuid") if data else None) or str(uuid_lib.uuid4()),
            "held_on": (data.get("held_on") if data else None) or timezone.localdate().isoformat(),
            "place": data.get("place", "") if data else "",
            "unregistered_count": data.get("unregistered_count", "0") if data else "0",
            "note": data.get("note", "") if data else "",
        },
    }


@login_required
@require_http_methods(["GET", "POST"])
def team_session_new(request, team_id: int):
    team = get_object_or_404(scoped(request.user, Team.objects.filter(is_active=True)), pk=team_id)
    if request.method == "GET" or request.POST.get("action") == "search":
        return render(request, "outreach/session_form.html",
                      _form_context(request, team, request.POST if request.method == "POST" else None))
    data = request.POST
    try:
        session = services.session_record(
            actor=request.user, uuid=data.get("uuid"), team=team, held_on=parse_day(data.get("held_on")),
            place=data.get("place", ""), topic_ids=data.getlist("topics"), member_ids=data.getlist("members"),
            attendee_ids=data.getlist("attendees"), unregistered_count=data.get("unregistered_count") or 0,
            note=data.get("note", ""),
        )
    except DomainError as exc:
        forbid_if(exc)
        return render(request, "outreach/session_form.html", _form_context(request, team, data, exc.message))
    messages.success(request, _("Session saved."))
    return redirect("outreach:session", uuid=session.uuid)


@login_required
def session_detail(request, uuid):
    session = get_object_or_404(
        scoped(request.user, CommunitySession.objects.select_related("team", "entered_by")).prefetch_related(
            "topics", "members", "attendees__household"
        ),
        uuid=uuid,
    )
    return render(request, "outreach/session_detail.html", {"session": session})


@login_required
@require_POST
def session_delete(request, uuid):
    session = get_object_or_404(scoped(request.user, CommunitySession.objects.select_related("team")), uuid=uuid)
    try:
        services.session_delete(actor=request.user, session=session, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        forbid_if(exc)
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("Session deleted."))
    return redirect("outreach:session", uuid=session.uuid)
