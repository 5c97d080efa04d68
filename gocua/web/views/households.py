"""Household pages: the household with its residents' indicators, create, edit, move, set head."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gocua.accounts.permissions import can_edit_registry, can_see_phone
from gocua.households import services
from gocua.households.selectors import (
    household_assignments,
    household_moves,
    household_residents,
    households_visible,
    indicator_rows,
    latest_indicator_changes,
)
from gocua.outreach import rules as outreach_rules
from gocua.outreach.selectors import household_history
from gocua.places.selectors import villages_visible
from gocua.web.forms import HouseholdForm, HouseholdHeadForm, HouseholdMoveForm
from gocua.web.views.common import attempt, form_page, paginate, require, unit_crumbs


def _crumbs(user, household, *, include_self: bool = False):
    crumbs = unit_crumbs(user, household.village)
    if include_self:
        crumbs.append((household.household_key, reverse("web:household", args=[household.pk])))
    return crumbs


@login_required
@require_GET
def household_detail(request, pk: int):
    user = request.user
    household = get_object_or_404(households_visible(user=user), pk=pk)
    page = paginate(request, household_residents(user=user, household=household))
    residents = list(page)
    changes = latest_indicator_changes(resident_ids=[r.pk for r in residents])
    can_edit = can_edit_registry(user, household)
    context = {
        "household": household,
        "crumbs": _crumbs(user, household),
        "page_obj": page,
        "residents": [(r, indicator_rows(r, changes)) for r in residents],
        "assignments": household_assignments(household=household),
        "moves": household_moves(household=household),
        "can_edit": can_edit,
        "can_see_phone": can_see_phone(user),
        "can_record_visit": outreach_rules.actor_member(user) is not None or outreach_rules.is_officer(user),
        "visits": household_history(user, household),
        "head_form": HouseholdHeadForm(residents=residents, initial={"head": household.head_id})
        if can_edit
        else None,
    }
    return render(request, "web/household.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def household_create(request, code: str):
    user = request.user
    village = get_object_or_404(villages_visible(user=user), code=code)
    require(can_edit_registry(user, village))
    form = HouseholdForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        household = attempt(
            form,
            lambda: services.household_create(
                actor=user,
                village=village,
                household_key=data["household_key"],
                address_line=data["address_line"],
            ),
        )
        if not form.errors:
            messages.success(request, _("Household %(key)s registered.") % {"key": household.household_key})
            return redirect("web:household", pk=household.pk)
    return form_page(
        request,
        form,
        title=_("New household in %(village)s") % {"village": village.name},
        crumbs=unit_crumbs(user, village),
        cancel_url=reverse("web:unit", args=[village.code]),
        submit=_("Register household"),
    )


@login_required
@require_http_methods(["GET", "POST"])
def household_edit(request, pk: int):
    user = request.user
    household = get_object_or_404(households_visible(user=user), pk=pk)
    require(can_edit_registry(user, household))
    # Built before the service runs: on a refused change the instance holds the refused values.
    page = {
        "title": _("Edit household %(key)s") % {"key": household.household_key},
        "crumbs": _crumbs(user, household, include_self=True),
        "cancel_url": reverse("web:household", args=[household.pk]),
        "submit": _("Save"),
    }
    initial = {"household_key": household.household_key, "address_line": household.address_line}
    form = HouseholdForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        attempt(
            form,
            lambda: services.household_update(
                actor=user,
                household=household,
                household_key=data["household_key"],
                address_line=data["address_line"],
            ),
        )
        if not form.errors:
            messages.success(request, _("Household saved."))
            return redirect("web:household", pk=household.pk)
    return form_page(request, form, **page)


def village_datalist(user, commune_id: int) -> list:
    """Return the villages of one commune the user may see, offered as suggestions for a code field."""
    villages = villages_visible(user=user).select_related(None).filter(parent_id=commune_id)
    return list(villages.order_by("name_folded").only("code", "name"))


def resolve_village(user, form, field: str = "village"):
    """Return the current village in scope whose code the form holds, or add an error and return None."""
    village = villages_visible(user=user).filter(code=form.cleaned_data[field].strip()).first()
    if village is None:
        form.add_error(field, _("No village with this code in your area."))
    return village


@login_required
@require_http_methods(["GET", "POST"])
def household_move(request, pk: int):
    user = request.user
    household = get_object_or_404(households_visible(user=user), pk=pk)
    require(can_edit_registry(user, household))
    page = {
        "title": _("Move household %(key)s to another village") % {"key": household.household_key},
        "crumbs": _crumbs(user, household, include_self=True),
        "cancel_url": reverse("web:household", args=[household.pk]),
        "submit": _("Move"),
        "extra": {"village_choices": village_datalist(user, household.village.parent_id)},
    }
    form = HouseholdMoveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        village = resolve_village(user, form)
        if village is not None:
            attempt(
                form,
                lambda: services.household_move(
                    actor=user,
                    household=household,
                    to_village=village,
                    moved_on=form.cleaned_data["moved_on"],
                ),
            )
        if not form.errors:
            messages.success(request, _("Household moved to %(village)s.") % {"village": village.name})
            return redirect("web:household", pk=household.pk)
    return form_page(request, form, **page)


@login_required
@require_POST
def household_set_head(request, pk: int):
    user = request.user
    household = get_object_or_404(households_visible(user=user), pk=pk)
    require(can_edit_registry(user, household))
    residents = list(household_residents(user=user, household=household))
    form = HouseholdHeadForm(request.POST, residents=residents)
    if form.is_valid():
        head = next(r for r in residents if r.pk == form.cleaned_data["head"])
        attempt(form, lambda: services.household_set_head(actor=user, household=household, resident=head))
    if form.errors:
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
    else:
        messages.success(request, _("%(name)s is now the head of household.") % {"name": head.full_name})
    return redirect("web:household", pk=household.pk)
