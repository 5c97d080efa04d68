"""Priority groups: a resident's groups (shown on request, audited), the commune's decisions, the export."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from gocua.accounts.permissions import can_decide_priority_collection, can_see_priority_groups
from gocua.errors import DomainError, Forbidden
from gocua.households import priority
from gocua.households.selectors import residents_visible
from gocua.places.models import Level
from gocua.web.views.common import unit_crumbs


def _resident_page(request, resident, flags, *, errors=None, posted=None, status=200):
    enabled = priority.enabled_groups(resident.commune_code)
    current = {f.group: f for f in flags}
    rows = []
    for group, label in priority.GROUP_LABELS.items():
        flag = current.get(group)
        checked = (group in posted) if posted is not None else flag is not None
        basis = posted.get(group, "") if posted is not None else (flag.basis if flag else "")
        rows.append({"group": group, "label": label, "enabled": group in enabled, "checked": checked,
                     "basis": basis, "flag": flag})
    crumbs = unit_crumbs(request.user, resident.household.village)
    crumbs.append((resident.household.household_key, reverse("web:household", args=[resident.household_id])))
    crumbs.append((resident.full_name, reverse("web:resident", args=[resident.pk])))
    return render(request, "web/resident_priority.html", {
        "resident": resident, "rows": rows, "errors": errors or [], "crumbs": crumbs, "any_enabled": bool(enabled),
    }, status=status)


def _posted_groups(post) -> dict[str, str]:
    """Return {group: basis} of the ticked groups (unknown group names kept, for the service to refuse)."""
    return {g: post.get(f"basis_{g}", "") for g in post.getlist("group")}


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def resident_priority(request, pk: int):
    """Show a resident's priority groups (an audited view) and let the officer or leader change them."""
    user = request.user
    resident = get_object_or_404(residents_visible(user=user).select_related("household__village"), pk=pk)
    if not can_see_priority_groups(user, resident):
        raise PermissionDenied
    if request.method == "POST":
        posted = _posted_groups(request.POST)
        try:
            priority.resident_set_priority(actor=user, resident=resident, groups=posted, request=request)
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            flags = list(resident.priority_flags.order_by("group"))
            return _resident_page(request, resident, flags, errors=[exc.message], posted=posted, status=400)
        messages.success(request, _("Priority groups saved."))
        return redirect("web:resident", pk=resident.pk)
    flags = priority.resident_reveal_priority(actor=user, resident=resident, request=request)
    return _resident_page(request, resident, flags)


def _commune(request, code: str):
    unit = priority.visible_commune(request.user, code.strip())
    if unit is None or unit.level != Level.COMMUNE:
        raise Http404
    return unit


def _date(value: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat((value or "").strip())
    except ValueError:
        return None


@login_required
@require_http_methods(["GET", "POST"])
def commune_priority(request, code: str):
    """The commune's decisions: which priority groups it collects, on what lawful basis."""
    user = request.user
    commune = _commune(request, code)
    can_decide = can_decide_priority_collection(user, commune)
    if not (can_decide or can_see_priority_groups(user, commune)):
        raise PermissionDenied
    errors, status = {}, 200
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        group = request.POST.get("group", "")
        try:
            priority.priority_setting_set(
                actor=user, commune=commune, group=group, enabled=request.POST.get("enabled") == "on",
                lawful_basis=request.POST.get("lawful_basis", ""), decided_by=request.POST.get("decided_by", ""),
                decided_on=_date(request.POST.get("decided_on", "")), request=request,
            )
        except Forbidden:
            raise PermissionDenied from None
        except DomainError as exc:
            errors[group], status = exc.message, 400
        else:
            messages.success(request, _("Decision saved."))
            return redirect("web:commune_priority", code=commune.code)
    rows = [{"group": g, "label": label, "setting": s, "error": errors.get(g)}
            for g, label, s in priority.commune_settings(commune)]
    return render(request, "web/commune_priority.html", {
        "commune": commune, "rows": rows, "can_decide": can_decide, "errors": errors,
        "crumbs": unit_crumbs(user, commune), "coverage": priority.coverage(commune),
        "today": timezone.localdate().isoformat(),
    }, status=status)


@login_required
@require_GET
def priority_export(request, code: str):
    """Send the flagged residents of a commune or village as CSV (audited)."""
    unit = priority.visible_commune(request.user, code.strip())
    if unit is None:
        raise Http404
    try:
        text = priority.priority_export_csv(actor=request.user, unit=unit, request=request)
    except Forbidden:
        raise PermissionDenied from None
    response = HttpResponse("\ufeff" + text, content_type="text/csv; charset=utf-8")  # BOM: Excel reads UTF-8
    response["Content-Disposition"] = f'attachment; filename="nhom-uu-tien-{unit.code}.csv"'
    return response
