"""Outreach endpoints (visits, sessions, assignments, work lists) under /api/v1/outreach/.

Scoped like the pages: lists show only the caller's area; a detail outside it is 404; a
visit to a household outside it is 403. Errors are the API's `{"code", "message"}`.
"""

from uuid import UUID

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Status

from gocua.accounts.permissions import can_see_priority_groups
from gocua.accounts.scope import in_scope, scoped
from gocua.api.auth import api_user
from gocua.api.pagination import PageParams, paged, paginate
from gocua.api.schemas import ERROR_RESPONSES, Id, text
from gocua.errors import CommonErrorCode, Forbidden
from gocua.households.models import Assignment, Household
from gocua.outreach import rules, selectors
from gocua.outreach import schemas as s
from gocua.outreach.models import CommunitySession, ServiceItem
from gocua.outreach.services import assignments as assignment_services
from gocua.outreach.services import sessions as session_services
from gocua.outreach.services import visits as visit_services
from gocua.places.models import Level, Unit
from gocua.teams.models import Member, Team

router = Router(tags=["outreach"])
NEED_NAMES = {
    selectors.OVERDUE: "follow_up_overdue",
    selectors.DUE_SOON: "follow_up_due_soon",
    selectors.NEVER_VISITED: "never_visited",
    selectors.LACKING: "lacking",
    selectors.THE_REST: "the_rest",
}


def _responses(ok, schema, *more) -> dict:
    return {ok: schema, **{code: schema for code in more}, **ERROR_RESPONSES, 409: ERROR_RESPONSES[400]}


def _person(obj) -> dict:
    return {"id": obj.pk, "full_name": obj.full_name}


# --- catalogue --------------------------------------------------------------------------------------


def _item_out(item) -> dict:
    return {
        "id": item.pk, "code": item.code, "name": item.name, "name_vi": item.name_vi, "name_en": item.name_en,
        "howto_steps": item.howto_steps(), "indicators": item.indicators, "is_active": item.is_active,
        "retired_at": item.retired_at,
    }


@router.get("/outreach/catalogue", response=_responses(200, list[s.ServiceItemOut]), summary="Service catalogue")
def catalogue(request, include_retired: bool = False):
    items = ServiceItem.objects.all() if include_retired else ServiceItem.objects.filter(is_active=True)
    return [_item_out(item) for item in items]


# --- visits -------------------------------------------------------------------------------------------


def _visit_out(visit) -> dict:
    return {
        "uuid": visit.uuid, "household": visit.household_id, "household_key": visit.household.household_key,
        "team": visit.team_id, "visited_on": visit.visited_on,
        "members": [_person(m) for m in visit.members.all()],
        "entered_by": visit.entered_by.username if visit.entered_by else None,
        "on_behalf": rules.entered_on_behalf(visit), "from_paper": visit.from_paper,
        "follow_up_on": visit.follow_up_on, "created_at": visit.created_at, "deleted": visit.deleted_at is not None,
    }


def _visit_detail_out(visit) -> dict:
    out = _visit_out(visit)
    out.update(
        note=visit.note, deleted_at=visit.deleted_at, delete_reason=visit.delete_reason,
        residents=[
            {
                "resident": vr.resident_id, "full_name": vr.resident.full_name, "present": vr.present,
                "note": vr.note,
                "outcomes": [
                    {"item": o.item_id, "item_code": o.item.code, "outcome": o.outcome, "note": o.note,
                     "follow_up_on": o.follow_up_on}
                    for o in vr.outcomes.all()
                ],
            }
            for vr in visit.visit_residents.all()
        ],
        revisions=[
            {"revised_at": r.revised_at, "revised_by": r.revised_by.username if r.revised_by else None,
             "reason": r.reason, "previous": r.previous}
            for r in visit.revisions.all()
        ],
    )
    return out


def _visit_detail(user, uuid) -> dict:
    return _visit_detail_out(get_object_or_404(selectors.visit_detail_queryset(user), uuid=uuid))


def _residents_in(payload) -> list[dict]:
    return [
        {"resident_id": r.resident, "present": r.present, "note": r.note,
         "outcomes": [{"item_id": o.item, "outcome": o.outcome, "note": o.note, "follow_up_on": o.follow_up_on}
                      for o in r.outcomes]}
        for r in payload.residents
    ]


@router.get("/outreach/visits", response=_responses(200, paged(s.VisitOut)), summary="Visits in your area")
def visit_list(request, filters: Query[s.VisitFilters], paging: Query[PageParams]):
    user = api_user(request)
    household = member = None
    if filters.household:
        household = get_object_or_404(scoped(user, Household.objects.all()), pk=filters.household)
    if filters.member:
        member = get_object_or_404(Member.objects.filter(team__in=scoped(user, Team.objects.all())), pk=filters.member)
    visits = selectors.visits_in_scope(user, household=household, member=member, since=filters.since,
                                       until=filters.until)
    page = paginate(visits, paging, order=("-visited_on", "-id"))
    page["items"] = [_visit_out(v) for v in page["items"]]
    return page


@router.post("/outreach/visits", response=_responses(201, s.VisitDetailOut, 200), summary="Record a visit")
def visit_create(request, payload: s.VisitIn):
    """Record a visit; "done" outcomes set the item's indicators to yes. A replayed UUID answers 200."""
    user = api_user(request)
    # Scoped lookup: a household outside the caller's area is "not found", like a missing one, so
    # the answer does not confirm that the id exists.
    household = get_object_or_404(scoped(user, Household.objects.all()), pk=payload.household)
    visit = visit_services.visit_record(
        actor=user, uuid=payload.uuid, household=household, visited_on=payload.visited_on,
        member_ids=payload.members, residents=_residents_in(payload), note=payload.note,
        from_paper=payload.from_paper,
    )
    return Status(201 if visit.created else 200, _visit_detail(user, visit.uuid))


@router.get("/outreach/visits/{uuid}", response=_responses(200, s.VisitDetailOut), summary="A visit")
def visit_detail(request, uuid: UUID):
    return _visit_detail(api_user(request), uuid)


@router.put("/outreach/visits/{uuid}", response=_responses(200, s.VisitDetailOut), summary="Correct a visit")
def visit_correct(request, uuid: UUID, payload: s.VisitCorrectIn):
    """Correct a visit (its author or the team leader, within 7 days); the old content is kept as a revision."""
    user = api_user(request)
    visit = get_object_or_404(selectors.visit_detail_queryset(user), uuid=uuid)
    visit_services.visit_correct(
        actor=user, visit=visit, visited_on=payload.visited_on, member_ids=payload.members,
        residents=_residents_in(payload), note=payload.note, reason=payload.reason,
    )
    return _visit_detail(user, uuid)


@router.delete("/outreach/visits/{uuid}", response=_responses(200, s.VisitDetailOut), summary="Delete a visit")
def visit_delete(request, uuid: UUID, reason: text(300)):
    """Soft-delete a visit with a reason; indicators only it had set go back."""
    user = api_user(request)
    visit = get_object_or_404(selectors.visit_detail_queryset(user), uuid=uuid)
    visit_services.visit_delete(actor=user, visit=visit, reason=reason)
    return _visit_detail(user, uuid)


# --- sessions ------------------------------------------------------------------------------------------


def _session_out(session) -> dict:
    return {
        "uuid": session.uuid, "team": session.team_id, "held_on": session.held_on, "place": session.place,
        "topics": [t.pk for t in session.topics.all()], "members": [_person(m) for m in session.members.all()],
        "attendees": [_person(r) for r in session.attendees.all()],
        "unregistered_count": session.unregistered_count, "note": session.note,
        "deleted": session.deleted_at is not None,
    }


def _sessions(user):
    return scoped(user, CommunitySession.objects.all()).prefetch_related("topics", "members", "attendees")


@router.get("/outreach/sessions", response=_responses(200, paged(s.SessionOut)), summary="Community sessions")
def session_list(request, paging: Query[PageParams], team: Id | None = None):
    sessions = _sessions(api_user(request)).filter(deleted_at__isnull=True)
    if team:
        sessions = sessions.filter(team_id=team)
    page = paginate(sessions, paging, order=("-held_on", "-id"))
    page["items"] = [_session_out(x) for x in page["items"]]
    return page


@router.post("/outreach/sessions", response=_responses(201, s.SessionOut, 200), summary="Record a session")
def session_create(request, payload: s.SessionIn):
    user = api_user(request)
    team = get_object_or_404(scoped(user, Team.objects.all()), pk=payload.team)
    existed = CommunitySession.objects.filter(uuid=payload.uuid).exists()
    session = session_services.session_record(
        actor=user, uuid=payload.uuid, team=team, held_on=payload.held_on, place=payload.place,
        topic_ids=payload.topics, member_ids=payload.members, attendee_ids=payload.attendees,
        unregistered_count=payload.unregistered_count, note=payload.note,
    )
    return Status(200 if existed else 201, _session_out(_sessions(user).get(pk=session.pk)))


@router.get("/outreach/sessions/{uuid}", response=_responses(200, s.SessionOut), summary="A community session")
def session_detail(request, uuid: UUID):
    return _session_out(get_object_or_404(_sessions(api_user(request)), uuid=uuid))


@router.delete("/outreach/sessions/{uuid}", response=_responses(200, s.SessionOut), summary="Delete a session")
def session_delete(request, uuid: UUID, reason: text(300)):
    user = api_user(request)
    session = get_object_or_404(_sessions(user).select_related("team"), uuid=uuid)
    session_services.session_delete(actor=user, session=session, reason=reason)
    return _session_out(_sessions(user).get(pk=session.pk))


# --- assignments ----------------------------------------------------------------------------------------


def _team(user, team_id) -> Team:
    return get_object_or_404(scoped(user, Team.objects.all()), pk=team_id)


def _team_households(team, ids) -> list[Household]:
    households = list(selectors.team_households(team).filter(pk__in=ids))
    if len(households) != len(set(ids)):
        raise Http404
    return households


@router.get("/outreach/assignments", response=_responses(200, paged(s.AssignmentOut)),
            summary="Who covers which household")
def assignment_list(request, filters: Query[s.AssignmentFilters], paging: Query[PageParams]):
    team = _team(api_user(request), filters.team)
    rows = Assignment.objects.filter(member__team=team).select_related("household", "member")
    if filters.household:
        rows = rows.filter(household_id=filters.household)
    if filters.member:
        rows = rows.filter(member_id=filters.member)
    page = paginate(rows, paging, order=("household__household_key", "member__full_name", "pk"))
    page["items"] = [
        {"household": a.household_id, "household_key": a.household.household_key, "member": a.member_id,
         "member_name": a.member.full_name, "assigned_at": a.assigned_at}
        for a in page["items"]
    ]
    return page


@router.post("/outreach/assignments", response=_responses(200, s.CountOut), summary="Assign households to a member")
def assignment_bulk(request, payload: s.AssignmentBulkIn):
    """Assign the households (leader or officer); returns the number of new assignments."""
    user = api_user(request)
    team = _team(user, payload.team)
    member = get_object_or_404(team.members.all(), pk=payload.member)
    count = assignment_services.assignment_bulk(
        actor=user, team=team, households=_team_households(team, payload.households), member=member,
        replace=payload.replace,
    )
    return {"count": count}


@router.post("/outreach/assignments/remove", response=_responses(200, s.CountOut), summary="Unassign households")
def assignment_remove(request, payload: s.AssignmentRemoveIn):
    user = api_user(request)
    team = _team(user, payload.team)
    member = get_object_or_404(team.members.all(), pk=payload.member) if payload.member else None
    count = assignment_services.assignment_remove(
        actor=user, team=team, households=_team_households(team, payload.households), member=member
    )
    return {"count": count}


@router.put("/outreach/households/{id}/assignments", response=_responses(200, list[s.AssignmentOut]),
            summary="Set the members covering a household")
def assignment_set(request, id: Id, payload: s.AssignmentSetIn):
    user = api_user(request)
    team = _team(user, payload.team)
    household = _team_households(team, [id])[0]
    members = list(team.members.filter(pk__in=payload.members))
    if len(members) != len(set(payload.members)):
        raise Http404
    rows = assignment_services.assignment_set(actor=user, team=team, household=household, members=members)
    return [{"household": a.household_id, "household_key": household.household_key, "member": a.member_id,
             "member_name": a.member.full_name, "assigned_at": a.assigned_at} for a in rows]


# --- work list, left behind, progress ------------------------------------------------------------------------


def _row_out(row) -> dict:
    h = row.household
    return {
        "household": h.pk, "household_key": h.household_key, "address_line": h.address_line,
        "village": h.village.name, "head_name": h.head.full_name if h.head else None,
        "need": NEED_NAMES[row.need], "reasons": row.reasons, "last_visit_on": h.last_visit_on,
        "follow_up_on": getattr(h, "open_follow_up_on", None), "priority": row.priority,
    }


@router.get("/outreach/work-list", response=_responses(200, s.WorkListPage), summary="A member's work list")
def work_list(request, paging: Query[PageParams], member: Id | None = None, priority_first: bool = False):
    """Return the households of a member (default: you) ordered by need (priority households first if asked)."""
    user = api_user(request)
    if member:
        owner = get_object_or_404(Member.objects.filter(team__in=scoped(user, Team.objects.all())), pk=member)
    else:
        owner = rules.actor_member(user)
        if owner is None:
            raise Http404
    page = paginate(selectors.work_list_queryset(owner, priority_first=priority_first), paging)
    page["items"] = [_row_out(row) for row in selectors.work_rows(page["items"])]
    return page


def _left_behind_filters(user, params: s.LeftBehindFilterIn) -> selectors.LeftBehindFilters:
    unit = user.scope_unit
    if unit is None:
        raise Http404
    if params.unit:
        unit = Unit.objects.filter(code=params.unit, valid_to__isnull=True).first()
        if unit is None or not in_scope(user, unit):
            raise Http404
    filters = selectors.LeftBehindFilters(unit=unit, indicator=params.indicator or "",
                                          age_band=params.age_band or "", days=params.days)
    if params.village:
        filters.village = get_object_or_404(
            Unit.objects.filter(level=Level.VILLAGE, valid_to__isnull=True), pk=params.village
        )
        if not (in_scope(user, filters.village) and selectors.unit_contains(unit, filters.village)):
            raise Http404
    if params.member:
        filters.member = get_object_or_404(
            Member.objects.filter(team__in=scoped(user, Team.objects.all())), pk=params.member
        )
    if params.priority and params.priority != selectors.PRIORITY_ANY and not can_see_priority_groups(user, unit):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("Your role cannot filter by priority group."))
    filters.priority = params.priority or ""
    return filters


@router.get("/outreach/left-behind", response=_responses(200, s.LeftBehindPage), summary="The left-behind list")
def left_behind(request, filters: Query[s.LeftBehindFilterIn], paging: Query[PageParams]):
    """Return households in your area lacking the essentials with no visit in the last N days, and counts."""
    user = api_user(request)
    chosen = _left_behind_filters(user, filters)
    households = selectors.left_behind_queryset(user, chosen)
    counts = selectors.left_behind_counts(households, chosen)
    counts["by_village"] = [
        {"village": v["village_id"], "name": v["village__name"], "households": v["n"]} for v in counts["by_village"]
    ]
    page = paginate(selectors.left_behind_ordered(households), paging, count=counts["households"])
    rows = selectors.left_behind_rows(page["items"])
    page["items"] = [
        {
            **_row_out(row),
            "assigned": [_person(a.member) for a in row.household.current_assignments],
            "residents_lacking": [
                {"id": r.pk, "full_name": r.full_name, "birth_year": r.birth_year, "lacks": lacks}
                for r, _needs, lacks in row.residents if lacks
            ],
        }
        for row in rows
    ]
    page["counts"] = counts
    return page


@router.get("/outreach/teams/{id}/progress", response=_responses(200, s.TeamProgressOut), summary="Team progress")
def team_progress(request, id: Id):
    team = _team(api_user(request), id)
    figures = selectors.team_progress(team)
    figures["members"] = [
        {"id": m.pk, "full_name": m.full_name, "visits_week": m.visits_week, "visits_month": m.visits_month,
         "households_assigned": m.households_assigned}
        for m in figures["members"]
    ]
    figures.pop("overdue_households")
    return {"team": team.pk, **figures}
