"""The unit browser (nation → province → commune → village) and village create/rename."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from gocua.accounts.permissions import can_edit_registry, can_manage_team, can_manage_villages, can_see_phone
from gocua.households.selectors import household_list, unit_child_counts
from gocua.imports.services import can_export, can_import
from gocua.outreach.rules import can_manage_assignments
from gocua.outreach.selectors import village_coverage
from gocua.places import services as place_services
from gocua.places.models import Level
from gocua.places.selectors import unit_children, units_visible
from gocua.teams.selectors import teams_of_unit
from gocua.web.forms import VillageForm, VillageRenameForm
from gocua.web.views.common import attempt, form_page, paginate, require, unit_crumbs

CHILDREN_TITLE = {
    Level.NATION: gettext_lazy("Provinces"),
    Level.PROVINCE: gettext_lazy("Communes"),
    Level.COMMUNE: gettext_lazy("Villages"),
}


@login_required
@require_GET
def unit_detail(request, code: str):
    user = request.user
    unit = get_object_or_404(units_visible(user=user), code=code)
    context = {
        "unit": unit,
        "crumbs": unit_crumbs(user, unit, include_self=False),
        "can_import": unit.level == Level.COMMUNE and can_import(user, unit),
        "can_export": unit.level >= Level.COMMUNE and can_export(user, unit),
    }
    if unit.is_village:
        context.update(_village_context(request, unit))
    else:
        context.update(_parent_context(request, unit))
    return render(request, "web/unit.html", context)


def _parent_context(request, unit) -> dict:
    user = request.user
    page = paginate(request, unit_children(user=user, unit=unit))
    counts = unit_child_counts(user=user, unit=unit, codes=[child.code for child in page])
    context = {
        "children": [(child, counts[child.code]) for child in page],
        "children_title": CHILDREN_TITLE[unit.level],
        "page_obj": page,
    }
    if unit.is_commune:
        teams = teams_of_unit(user=user, unit=unit)
        context.update(
            teams=teams,
            can_create_village=can_manage_villages(user, unit),
            can_create_team=can_manage_team(user, unit),
        )
    return context


def _village_context(request, village) -> dict:
    user = request.user
    teams = teams_of_unit(user=user, unit=village)
    for team in teams:
        team.can_manage = can_manage_team(user, team)
        team.can_assign = can_manage_assignments(user, team)
    return {
        "teams": teams,
        "coverage": village_coverage(village),
        "page_obj": paginate(request, household_list(user=user, village=village)),
        "can_see_phone": can_see_phone(user),
        "can_create_household": can_edit_registry(user, village),
        "can_create_team": can_manage_team(user, village),
        "can_rename": can_manage_villages(user, village.parent),
    }


@login_required
@require_http_methods(["GET", "POST"])
def village_create(request, code: str):
    user = request.user
    commune = get_object_or_404(units_visible(user=user).filter(level=Level.COMMUNE), code=code)
    require(can_manage_villages(user, commune))
    form = VillageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        village = attempt(
            form,
            lambda: place_services.village_create(
                actor=user, commune=commune, name=data["name"], kind=data["kind"]
            ),
        )
        if not form.errors:
            messages.success(request, _("Village %(name)s created.") % {"name": village.name})
            return redirect("web:unit", code=village.code)
    return form_page(
        request,
        form,
        title=_("New village in %(commune)s") % {"commune": commune.name},
        crumbs=unit_crumbs(user, commune),
        cancel_url=reverse("web:unit", args=[commune.code]),
        submit=_("Create village"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def village_rename(request, code: str):
    user = request.user
    village = get_object_or_404(units_visible(user=user).filter(level=Level.VILLAGE), code=code)
    require(can_manage_villages(user, village.parent))
    form = VillageRenameForm(request.POST or None, initial={"name": village.name})
    if request.method == "POST" and form.is_valid():
        attempt(
            form,
            lambda: place_services.village_rename(
                actor=user, village=village, name=form.cleaned_data["name"]
            ),
        )
        if not form.errors:
            messages.success(request, _("Village renamed."))
            return redirect("web:unit", code=village.code)
    return form_page(
        request,
        form,
        title=_("Rename %(village)s") % {"village": village.name},
        crumbs=unit_crumbs(user, village),
        cancel_url=reverse("web:unit", args=[village.code]),
        submit=_("Save"),
    )
