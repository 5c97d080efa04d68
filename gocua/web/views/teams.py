"""Team pages: a team with its members, create and edit teams, add and edit members."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from gocua.accounts.permissions import can_manage_team, can_see_phone
from gocua.learning import selectors as learning_selectors
from gocua.places.models import Level
from gocua.places.selectors import units_visible
from gocua.teams import services
from gocua.teams.selectors import members_visible, team_members, teams_visible
from gocua.web.forms import MemberForm, TeamForm
from gocua.web.views.common import attempt, form_page, paginate, require, unit_crumbs


def _crumbs(user, team, *, include_self: bool = True):
    crumbs = unit_crumbs(user, team.unit)
    if include_self:
        crumbs.append((team.name, reverse("web:team", args=[team.pk])))
    return crumbs


@login_required
@require_GET
def team_detail(request, pk: int):
    user = request.user
    team = get_object_or_404(teams_visible(user=user), pk=pk)
    context = {
        "team": team,
        "crumbs": _crumbs(user, team, include_self=False),
        "page_obj": paginate(request, team_members(team=team)),
        "can_manage": can_manage_team(user, team),
        "can_see_phone": can_see_phone(user),
    }
    training = learning_selectors.enrolments_of_members(context["page_obj"].object_list)  # members' own courses
    for member in context["page_obj"].object_list:
        member.courses = training.get(member.pk, [])
    return render(request, "web/team.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def team_create(request, code: str):
    user = request.user
    unit = get_object_or_404(
        units_visible(user=user).filter(level__in=[Level.COMMUNE, Level.VILLAGE]), code=code
    )
    require(can_manage_team(user, unit))
    form = TeamForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        team = attempt(
            form,
            lambda: services.team_create(
                actor=user,
                unit=unit,
                name=data["name"],
                founded_on=data["founded_on"],
                is_active=data["is_active"],
            ),
        )
        if not form.errors:
            messages.success(request, _("Team %(name)s created.") % {"name": team.name})
            return redirect("web:team", pk=team.pk)
    return form_page(
        request,
        form,
        title=_("New team in %(unit)s") % {"unit": unit.name},
        crumbs=unit_crumbs(user, unit),
        cancel_url=reverse("web:unit", args=[unit.code]),
        submit=_("Create team"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_edit(request, pk: int):
    user = request.user
    team = get_object_or_404(teams_visible(user=user), pk=pk)
    require(can_manage_team(user, team))
    page = {
        "title": _("Edit %(team)s") % {"team": team.name},
        "crumbs": _crumbs(user, team),
        "cancel_url": reverse("web:team", args=[team.pk]),
        "submit": _("Save"),
    }
    initial = {"name": team.name, "founded_on": team.founded_on, "is_active": team.is_active}
    form = TeamForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attempt(
            form,
            lambda: services.team_update(
                actor=user,
                team=team,
                name=data["name"],
                founded_on=data["founded_on"],
                is_active=data["is_active"],
            ),
        )
        if not form.errors:
            messages.success(request, _("Team saved."))
            return redirect("web:team", pk=team.pk)
    return form_page(request, form, **page)


@login_required
@require_http_methods(["GET", "POST"])
def member_create(request, pk: int):
    user = request.user
    team = get_object_or_404(teams_visible(user=user), pk=pk)
    require(can_manage_team(user, team))
    form = MemberForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        member = attempt(form, lambda: services.member_create(actor=user, team=team, data=form.cleaned_data))
        if not form.errors:
            messages.success(request, _("%(name)s added to the team.") % {"name": member.full_name})
            return redirect("web:team", pk=team.pk)
    return form_page(
        request,
        form,
        title=_("New member of %(team)s") % {"team": team.name},
        crumbs=_crumbs(user, team),
        cancel_url=reverse("web:team", args=[team.pk]),
        submit=_("Add member"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int):
    user = request.user
    member = get_object_or_404(members_visible(user=user), pk=pk)
    team = member.team
    require(can_manage_team(user, team))
    page = {
        "title": _("Edit %(name)s") % {"name": member.full_name},
        "crumbs": _crumbs(user, team),
        "cancel_url": reverse("web:team", args=[team.pk]),
        "submit": _("Save"),
    }
    fields = ("full_name", "phone", "role", "strengths", "joined_on", "left_on")
    form = MemberForm(request.POST or None, initial={f: getattr(member, f) for f in fields})
    if request.method == "POST" and form.is_valid():
        attempt(form, lambda: services.member_update(actor=user, member=member, data=form.cleaned_data))
        if not form.errors:
            messages.success(request, _("Saved."))
            return redirect("web:team", pk=team.pk)
    return form_page(request, form, **page)
