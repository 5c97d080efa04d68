"""Community endpoints under /api/v1/: projects, their ledger, and the per-unit figures.

Scoped like the pages: lists show only the caller's area; a project outside it is 404;
writes by roles that may not manage the project are 403. Errors are `{"code", "message"}`.
"""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from ninja import Query, Router, Status

from gocua.accounts.scope import scoped
from gocua.api.auth import api_user
from gocua.api.pagination import PageParams, paged, paginate
from gocua.api.schemas import ERROR_RESPONSES, Code, Id
from gocua.community import schemas as s
from gocua.community import services
from gocua.community.models import LedgerEntry, Project
from gocua.community.selectors import (
    project_entries,
    projects_visible,
    public_label,
    unit_contributions,
    with_totals,
)
from gocua.households.models import Household
from gocua.places.models import Level, code_field
from gocua.places.selectors import units_visible
from gocua.teams.models import Team

router = Router(tags=["community"])


def _responses(ok: int, schema) -> dict:
    return {ok: schema, **ERROR_RESPONSES, 409: ERROR_RESPONSES[400]}


def _project_out(project: Project, request=None, *, detail: bool = False) -> dict:
    totals = project.totals
    out = {
        "id": project.pk, "title": project.title, "kind": project.kind, "status": project.status,
        "unit_code": project.unit.code, "unit_name": project.unit.name, "goal_vnd": project.goal_vnd,
        "goal_labour_days": project.goal_labour_days, "starts_on": project.starts_on, "ends_on": project.ends_on,
        "team_id": project.team_id, "responsible_name": project.responsible_name,
        "totals": {"collected_vnd": totals.collected_vnd, "spent_vnd": totals.spent_vnd,
                   "balance_vnd": totals.balance_vnd, "labour_days": totals.labour_days,
                   "corrections": totals.corrections},
        "progress_percent": project.progress, "updated_at": project.updated_at,
    }
    if detail:
        out["description"] = project.description
        out["photos"] = [
            {"id": p.pk, "caption": p.caption, "width": p.width, "height": p.height,
             "url": reverse("community:photo", args=[p.pk]), "thumb_url": reverse("community:photo_thumb", args=[p.pk])}
            for p in project.photos.all()
        ]
        out["public_url"] = request.build_absolute_uri(reverse("community:public", args=[project.unit.code]))
    return out


def _project(user, project_id: int) -> Project:
    return get_object_or_404(projects_visible(user), pk=project_id)


def _detail(request, project_id: int) -> dict:
    [project] = with_totals([_project(api_user(request), project_id)])
    return _project_out(project, request, detail=True)


@router.get("/projects", response=_responses(200, paged(s.ProjectOut)), summary="Community projects")
def project_list(request, filters: Query[s.ProjectFilters], paging: Query[PageParams]):
    user = api_user(request)
    projects = projects_visible(user)
    if filters.unit:
        unit = get_object_or_404(units_visible(user=user), code=filters.unit)
        field = code_field(unit.level)
        projects = projects.filter(**{field: unit.code}) if field else projects
    if filters.status:
        projects = projects.filter(status=filters.status)
    page = paginate(projects, paging, order=("-created_at", "-id"))
    page["items"] = [_project_out(p) for p in with_totals(page["items"])]
    return page


@router.post("/projects", response=_responses(201, s.ProjectDetailOut), summary="Create a project")
def project_create(request, payload: s.ProjectIn):
    user = api_user(request)
    unit = get_object_or_404(units_visible(user=user).filter(level__in=(Level.VILLAGE, Level.COMMUNE)),
                             code=payload.unit)
    data = payload.model_dump(exclude={"unit", "team"})
    if payload.team is not None:
        data["team"] = _team(user, payload.team)
    project = services.project_create(actor=user, unit=unit, data=data, request=request)
    return Status(201, _detail(request, project.pk))


def _team(user, team_id: int) -> Team:
    return get_object_or_404(scoped(user, Team.objects.all()), pk=team_id)


@router.get("/projects/{id}", response=_responses(200, s.ProjectDetailOut), summary="A project and its totals")
def project_detail(request, id: Id):
    return _detail(request, id)


@router.patch("/projects/{id}", response=_responses(200, s.ProjectDetailOut), summary="Change a project")
def project_update(request, id: Id, payload: s.ProjectPatchIn):
    user = api_user(request)
    project = _project(user, id)
    data = payload.model_dump(exclude_unset=True, exclude={"team"})
    if "team" in payload.model_fields_set:
        data["team"] = _team(user, payload.team) if payload.team is not None else None
    services.project_update(actor=user, project=project, data=data, request=request)
    return _detail(request, id)


@router.post("/projects/{id}/status", response=_responses(200, s.ProjectDetailOut), summary="Set the status")
def project_status(request, id: Id, payload: s.ProjectStatusIn):
    user = api_user(request)
    services.project_set_status(actor=user, project=_project(user, id), status=payload.status, request=request)
    return _detail(request, id)


def _entry_out(entry: LedgerEntry) -> dict:
    return {
        "id": entry.pk, "number": entry.number, "kind": entry.kind, "entry_on": entry.entry_on,
        "money_vnd": entry.money_vnd, "labour_days": entry.labour_days, "materials": entry.materials,
        "description": entry.description, "giver": entry.giver, "giver_name": entry.giver_name,
        "household_id": entry.household_id,
        "household_key": entry.household.household_key if entry.household_id else None,
        "display": entry.display, "public_label": public_label(entry), "reverses": entry.reverses_id,
        "reversed_by": entry.reversal.pk if entry.is_reversed else None, "reason": entry.reason,
        "has_receipt": bool(entry.receipt), "recorded_by": entry.recorded_by.username,
        "created_at": entry.created_at,
    }


@router.get("/projects/{id}/entries", response=_responses(200, paged(s.LedgerEntryOut)), summary="A project's ledger")
def entry_list(request, id: Id, paging: Query[PageParams]):
    entries = project_entries(_project(api_user(request), id))
    start = (paging.page - 1) * paging.page_size
    return {
        "items": [_entry_out(e) for e in entries[start : start + paging.page_size]],
        "count": len(entries), "page": paging.page, "page_size": paging.page_size,
        "pages": -(-len(entries) // paging.page_size),
    }


def _entry_detail(project: Project, entry_id: int) -> dict:
    entry = next(e for e in project_entries(project) if e.pk == entry_id)
    return _entry_out(entry)


@router.post("/projects/{id}/contributions", response=_responses(201, s.LedgerEntryOut), summary="Record a contribution")
def contribution_create(request, id: Id, payload: s.ContributionIn):
    user = api_user(request)
    project = _project(user, id)
    household = None
    if payload.household is not None:
        household = get_object_or_404(scoped(user, Household.objects.all()), pk=payload.household)
    entry = services.contribution_record(
        actor=user, project=project, entry_on=payload.entry_on, giver=payload.giver, display=payload.display,
        giver_name=payload.giver_name, household=household, money_vnd=payload.money_vnd,
        labour_days=payload.labour_days, materials=payload.materials, request=request,
    )
    return Status(201, _entry_detail(project, entry.pk))


@router.post("/projects/{id}/expenses", response=_responses(201, s.LedgerEntryOut), summary="Record an expense")
def expense_create(request, id: Id, payload: s.ExpenseIn):
    """Record an expense (a receipt photo can be added from the web page)."""
    user = api_user(request)
    project = _project(user, id)
    entry = services.expense_record(
        actor=user, project=project, entry_on=payload.entry_on, description=payload.description,
        money_vnd=payload.money_vnd, request=request,
    )
    return Status(201, _entry_detail(project, entry.pk))


@router.post("/projects/{id}/entries/{entry_id}/reverse", response=_responses(201, s.LedgerEntryOut),
             summary="Reverse an entry")
def entry_reverse(request, id: Id, entry_id: Id, payload: s.LedgerReverseIn):
    """Cancel an entry with a reversing entry; the original stays in the ledger. Only once per entry."""
    user = api_user(request)
    project = _project(user, id)
    entry = get_object_or_404(scoped(user, LedgerEntry.objects.all()), pk=entry_id)
    reversal = services.entry_reverse(actor=user, project=project, entry=entry, reason=payload.reason,
                                      request=request)
    return Status(201, _entry_detail(project, reversal.pk))


@router.get("/community/contributions", response=_responses(200, list[s.UnitContributionOut]),
            summary="Contributions per unit")
def contributions(request, units: Query[list[Code]] = None):
    """Return money, labour days, contributing households and projects done for units in your area."""
    user = api_user(request)
    codes = list(dict.fromkeys(units or [user.scope_unit.code if user.scope_unit else "VN"]))[:100]
    visible = set(units_visible(user=user).filter(code__in=codes).values_list("code", flat=True))
    figures = unit_contributions([c for c in codes if c in visible])
    return [{"unit_code": code, **values} for code, values in figures.items()]
