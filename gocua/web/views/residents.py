"""Resident pages: details with indicators, create, edit, indicators, move, audited citizen-ID reveal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from gocua.accounts.permissions import (
    can_edit_registry,
    can_see_citizen_id,
    can_see_phone,
    can_see_priority_groups,
)
from gocua.errors import DomainError, Forbidden
from gocua.households import priority, services
from gocua.households.models import Household
from gocua.households.reveal import resident_reveal_citizen_id
from gocua.households.selectors import (
    households_visible,
    indicator_rows,
    latest_indicator_changes,
    resident_moves,
    residents_visible,
)
from gocua.web.forms import IndicatorsForm, ResidentEditForm, ResidentForm, ResidentMoveForm
from gocua.web.views.common import attempt, form_page, require, unit_crumbs
from gocua.web.views.households import resolve_village, village_datalist


def _crumbs(user, resident, *, include_self: bool = False):
    household = resident.household
    crumbs = unit_crumbs(user, household.village)
    crumbs.append((household.household_key, reverse("web:household", args=[household.pk])))
    if include_self:
        crumbs.append((resident.full_name, reverse("web:resident", args=[resident.pk])))
    return crumbs


def _detail(request, resident, *, revealed: str = "", status: int = 200):
    user = request.user
    changes = latest_indicator_changes(resident_ids=[resident.pk])
    context = {
        "resident": resident,
        "household": resident.household,
        "crumbs": _crumbs(user, resident),
        "indicators": indicator_rows(resident, changes),
        "moves": resident_moves(resident=resident),
        "can_edit": can_edit_registry(user, resident),
        "can_see_phone": can_see_phone(user),
        "can_reveal": can_see_citizen_id(user) and bool(resident.citizen_id_encrypted),
        "revealed_citizen_id": revealed,
        "can_see_priority": can_see_priority_groups(user, resident),
        "is_priority": priority.resident_is_priority(resident),
    }
    return render(request, "web/resident.html", context, status=status)


@login_required
@require_GET
def resident_detail(request, pk: int):
    return _detail(request, get_object_or_404(residents_visible(user=request.user), pk=pk))


@never_cache
@login_required
@require_POST
def resident_reveal(request, pk: int):
    """Show the citizen ID once, in this response only; the service writes the audit event."""
    user = request.user
    resident = get_object_or_404(residents_visible(user=user), pk=pk)
    try:
        number = resident_reveal_citizen_id(actor=user, resident=resident, request=request)
    except Forbidden:
        raise PermissionDenied from None
    except DomainError as exc:
        messages.error(request, str(exc.message))
        return redirect("web:resident", pk=resident.pk)
    return _detail(request, resident, revealed=number)


def _citizen_id(form) -> str | None:
    return (form.cleaned_data.get("citizen_id") or "").strip() or None


@sensitive_post_parameters("citizen_id")
@login_required
@require_http_methods(["GET", "POST"])
def resident_create(request, pk: int):
    user = request.user
    household = get_object_or_404(households_visible(user=user), pk=pk)
    require(can_edit_registry(user, household))
    form = ResidentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        resident = attempt(
            form,
            lambda: services.resident_create(
                actor=user, household=household, data=form.service_data(), citizen_id_number=_citizen_id(form)
            ),
        )
        if not form.errors:
            messages.success(request, _("%(name)s registered.") % {"name": resident.full_name})
            return redirect("web:household", pk=household.pk)
    crumbs = unit_crumbs(user, household.village)
    crumbs.append((household.household_key, reverse("web:household", args=[household.pk])))
    return form_page(
        request,
        form,
        title=_("New person in household %(key)s") % {"key": household.household_key},
        crumbs=crumbs,
        cancel_url=reverse("web:household", args=[household.pk]),
        submit=_("Register person"),
    )


def _initial(resident) -> dict:
    fields = ("full_name", "birth_year", "birth_date", "gender", "relation", "phone", "status")
    return {name: getattr(resident, name) for name in fields}


@sensitive_post_parameters("citizen_id")
@login_required
@require_http_methods(["GET", "POST"])
def resident_edit(request, pk: int):
    user = request.user
    resident = get_object_or_404(residents_visible(user=user), pk=pk)
    require(can_edit_registry(user, resident))
    page = {
        "title": _("Edit %(name)s") % {"name": resident.full_name},
        "crumbs": _crumbs(user, resident, include_self=True),
        "cancel_url": reverse("web:resident", args=[resident.pk]),
        "submit": _("Save"),
    }
    form = ResidentEditForm(
        request.POST or None, initial=_initial(resident), masked=resident.citizen_id_masked
    )
    if request.method == "POST" and form.is_valid():
        keep = not form.cleaned_data.get("clear_citizen_id")
        attempt(
            form,
            lambda: services.resident_update(
                actor=user,
                resident=resident,
                data=form.service_data(),
                citizen_id_number=_citizen_id(form),
                keep_citizen_id=keep,
            ),
        )
        if not form.errors:
            messages.success(request, _("Saved."))
            return redirect("web:resident", pk=resident.pk)
    return form_page(request, form, **page)


@login_required
@require_http_methods(["GET", "POST"])
def resident_indicators(request, pk: int):
    user = request.user
    resident = get_object_or_404(residents_visible(user=user), pk=pk)
    require(can_edit_registry(user, resident))
    form = IndicatorsForm(request.POST or None, initial=resident.indicator_values())
    if request.method == "POST" and form.is_valid():
        changes = attempt(
            form,
            lambda: services.resident_set_indicators(actor=user, resident=resident, values=form.cleaned_data),
        )
        if not form.errors:
            count = len(changes)
            messages.success(
                request,
                ngettext("%(count)d indicator changed.", "%(count)d indicators changed.", count)
                % {"count": count},
            )
            return redirect("web:resident", pk=resident.pk)
    context = {"form": form, "resident": resident, "crumbs": _crumbs(user, resident, include_self=True)}
    status = 400 if form.errors else 200
    return render(request, "web/resident_indicators.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def resident_move(request, pk: int):
    user = request.user
    resident = get_object_or_404(residents_visible(user=user), pk=pk)
    require(can_edit_registry(user, resident))
    page = {
        "title": _("Move %(name)s to another household") % {"name": resident.full_name},
        "crumbs": _crumbs(user, resident, include_self=True),
        "cancel_url": reverse("web:resident", args=[resident.pk]),
        "submit": _("Move"),
        "extra": {"village_choices": village_datalist(user, resident.household.village.parent_id)},
    }
    form = ResidentMoveForm(request.POST or None, initial={"village": resident.village_code})
    if request.method == "POST" and form.is_valid():
        target = _resolve_household(user, form)
        if target is not None:
            attempt(
                form,
                lambda: services.resident_move(
                    actor=user, resident=resident, to_household=target, moved_on=form.cleaned_data["moved_on"]
                ),
                field_map={"household": "household_key"},
            )
        if not form.errors:
            messages.success(request, _("Moved to household %(key)s.") % {"key": target.household_key})
            return redirect("web:resident", pk=resident.pk)
    return form_page(request, form, **page)


def _resolve_household(user, form) -> Household | None:
    village = resolve_village(user, form)
    if village is None:
        return None
    key = form.cleaned_data["household_key"].strip()
    household = households_visible(user=user).filter(village=village, household_key=key).first()
    if household is None:
        form.add_error("household_key", _("This village has no household with this key."))
    return household
