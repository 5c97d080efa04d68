"""Community project pages for teams and officers (login): projects, ledger, photos, statement, XLSX."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gocua.accounts.models import Role
from gocua.accounts.permissions import MANAGERS, leader_team
from gocua.accounts.scope import scoped
from gocua.community import services
from gocua.community.exports import statement
from gocua.community.forms import (
    ContributionForm,
    ExpenseForm,
    PhotoForm,
    ProjectForm,
    ReverseForm,
    StatusForm,
    UnitChoiceForm,
)
from gocua.community.models import LedgerEntry, Project, ProjectPhoto
from gocua.community.rules import can_manage_project, can_manage_projects_at
from gocua.community.selectors import household_for_key, project_entries, projects_visible, with_totals
from gocua.errors import DomainError, Forbidden
from gocua.places.models import Level
from gocua.places.selectors import units_visible
from gocua.teams.models import Team
from gocua.web.views.common import attempt, paginate, require, unit_crumbs


def _crumbs(user, project, *more):
    return [*unit_crumbs(user, project.unit), (_("Community projects"), reverse("community:home")),
            (project.title, reverse("community:project", args=[project.pk])), *more]


def _form_page(request, form, *, title, crumbs, cancel_url, submit="", extra=None):
    status = 400 if request.method == "POST" and form.errors else 200
    context = {"form": form, "title": title, "crumbs": crumbs, "cancel_url": cancel_url, "submit": submit}
    return render(request, "community/form.html", {**context, **(extra or {})}, status=status)


def _managed_project(request, pk: int) -> Project:
    project = get_object_or_404(projects_visible(request.user), pk=pk)
    require(can_manage_project(request.user, project))
    return project


@login_required
@require_GET
def home(request):
    user = request.user
    page = paginate(request, projects_visible(user))
    team = leader_team(user)
    return render(request, "community/home.html", {
        "page_obj": page,
        "projects": with_totals(page.object_list),
        "can_create": user.role in MANAGERS and (team is not None or user.role != Role.TEAM_LEADER),
        "unit_form": UnitChoiceForm(),
    })


def _chosen_unit(request):
    code = (request.GET.get("unit") or "").strip()
    if not code:
        team = leader_team(request.user)
        return team.unit if team is not None else None
    units = units_visible(user=request.user).filter(level__in=(Level.VILLAGE, Level.COMMUNE))
    return get_object_or_404(units, code=code)


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request):
    user = request.user
    unit = _chosen_unit(request)
    if unit is None:
        require(user.role in MANAGERS)
        return render(request, "community/choose_unit.html", {"form": UnitChoiceForm(request.GET or None)})
    require(can_manage_projects_at(user, unit))
    teams = Team.objects.filter(unit=unit, is_active=True).order_by("name")
    team = leader_team(user)
    form = ProjectForm(request.POST or None, teams=teams, initial={"team": team, "kind": Project.Kind.CAMERA})
    if request.method == "POST" and form.is_valid():
        project = attempt(form, lambda: services.project_create(
            actor=user, unit=unit, data=form.cleaned_data, request=request))
        if not form.errors:
            messages.success(request, _("Project created."))
            return redirect("community:project", pk=project.pk)
    crumbs = [*unit_crumbs(user, unit), (_("Community projects"), reverse("community:home"))]
    return _form_page(request, form, title=_("New project in %(unit)s") % {"unit": unit.name}, crumbs=crumbs,
                      cancel_url=reverse("community:home"))


@login_required
@require_GET
def project_detail(request, pk: int):
    user = request.user
    project = get_object_or_404(projects_visible(user), pk=pk)
    [project] = with_totals([project])
    return render(request, "community/project.html", {
        "project": project,
        "entries": project_entries(project),
        "photos": list(project.photos.all()),
        "can_manage": can_manage_project(user, project),
        "status_form": StatusForm(initial={"status": project.status}),
        "crumbs": _crumbs(user, project)[:-1],
    })


@login_required
@require_http_methods(["GET", "POST"])
def project_edit(request, pk: int):
    project = _managed_project(request, pk)
    fields = ("title", "kind", "description", "goal_vnd", "goal_labour_days", "starts_on", "ends_on", "team",
              "responsible_name", "bank_bin", "bank_account", "bank_account_name")
    initial = {name: getattr(project, name) for name in fields}
    teams = Team.objects.filter(unit_id=project.unit_id, is_active=True).order_by("name")
    form = ProjectForm(request.POST or None, teams=teams, initial=initial)
    if request.method == "POST" and form.is_valid():
        attempt(form, lambda: services.project_update(
            actor=request.user, project=project, data=form.cleaned_data, request=request))
        if not form.errors:
            messages.success(request, _("Project saved."))
            return redirect("community:project", pk=project.pk)
    return _form_page(request, form, title=_("Edit project"), crumbs=_crumbs(request.user, project),
                      cancel_url=reverse("community:project", args=[project.pk]))


def _run(request, call, success: str) -> None:
    """Run a one-button service call; its refusal becomes a message (Forbidden: the 403 page)."""
    try:
        call()
    except Forbidden:
        require(False)
    except DomainError as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, success)


@login_required
@require_POST
def project_status(request, pk: int):
    project = _managed_project(request, pk)
    form = StatusForm(request.POST)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    _run(request, lambda: services.project_set_status(
        actor=request.user, project=project, status=status, request=request), _("Status changed."))
    return redirect("community:project", pk=project.pk)


@login_required
@require_http_methods(["GET", "POST"])
def photo_new(request, pk: int):
    project = _managed_project(request, pk)
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        attempt(form, lambda: services.photo_add(
            actor=request.user, project=project, upload=form.cleaned_data["image"],
            caption=form.cleaned_data["caption"], request=request))
        if not form.errors:
            messages.success(request, _("Photo added."))
            return redirect("community:project", pk=project.pk)
    return _form_page(request, form, title=_("Add a photo"), crumbs=_crumbs(request.user, project),
                      cancel_url=reverse("community:project", args=[project.pk]), submit=_("Upload"))


@login_required
@require_POST
def photo_remove(request, photo_id: int):
    photo = get_object_or_404(
        ProjectPhoto.objects.filter(project__in=projects_visible(request.user)).select_related("project"),
        pk=photo_id,
    )
    require(can_manage_project(request.user, photo.project))
    _run(request, lambda: services.photo_remove(actor=request.user, photo=photo, request=request),
         _("Photo removed."))
    return redirect("community:project", pk=photo.project_id)


@login_required
@require_http_methods(["GET", "POST"])
def contribution_new(request, pk: int):
    project = _managed_project(request, pk)
    form = ContributionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def record():
            household = None
            if data["giver"] == LedgerEntry.Giver.HOUSEHOLD and data["household_key"]:
                household = household_for_key(request.user, project, data["household_key"])
            return services.contribution_record(
                actor=request.user, project=project, entry_on=data["entry_on"], giver=data["giver"],
                display=data["display"], giver_name=data["giver_name"], household=household,
                money_vnd=data["money_vnd"], labour_days=data["labour_days"], materials=data["materials"],
                transfer_reference=data["transfer_reference"], request=request,
            )

        attempt(form, record, field_map={"household": "household_key"})
        if not form.errors:
            messages.success(request, _("Contribution recorded."))
            return redirect("community:project", pk=project.pk)
    return _form_page(request, form, title=_("Record a contribution"), crumbs=_crumbs(request.user, project),
                      cancel_url=reverse("community:project", args=[project.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def expense_new(request, pk: int):
    project = _managed_project(request, pk)
    form = ExpenseForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attempt(form, lambda: services.expense_record(
            actor=request.user, project=project, entry_on=data["entry_on"], description=data["description"],
            money_vnd=data["money_vnd"], receipt=data["receipt"] or None, request=request))
        if not form.errors:
            messages.success(request, _("Expense recorded."))
            return redirect("community:project", pk=project.pk)
    return _form_page(request, form, title=_("Record an expense"), crumbs=_crumbs(request.user, project),
                      cancel_url=reverse("community:project", args=[project.pk]))


@login_required
@require_http_methods(["GET", "POST"])
def entry_reverse(request, pk: int, entry_id: int):
    project = _managed_project(request, pk)
    entry = get_object_or_404(scoped(request.user, LedgerEntry.objects.select_related("project")), pk=entry_id)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        attempt(form, lambda: services.entry_reverse(
            actor=request.user, project=project, entry=entry, reason=form.cleaned_data["reason"], request=request))
        if not form.errors:
            messages.success(request, _("Entry reversed."))
            return redirect("community:project", pk=project.pk)
    return _form_page(request, form, title=_("Reverse an entry"), crumbs=_crumbs(request.user, project),
                      cancel_url=reverse("community:project", args=[project.pk]), submit=_("Reverse"),
                      extra={"entry": entry})


@login_required
@require_GET
def receipt(request, entry_id: int):
    entry = get_object_or_404(scoped(request.user, LedgerEntry.objects.exclude(receipt="")), pk=entry_id)
    try:
        handle = entry.receipt.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    return response


@login_required
@require_GET
def statement_page(request, pk: int):
    project = get_object_or_404(projects_visible(request.user), pk=pk)
    return render(request, "community/statement.html", {
        "project": project, "statement": statement(project), "now": timezone.localtime(),
        "crumbs": _crumbs(request.user, project),
    })


@login_required
@require_GET
def ledger_xlsx(request, pk: int):
    project = get_object_or_404(projects_visible(request.user), pk=pk)
    content = services.ledger_export(actor=request.user, project=project, request=request)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="ledger-{project.pk}.xlsx"'
    response["Cache-Control"] = "private, no-store"
    return response
