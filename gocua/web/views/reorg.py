"""The officer's page for changing the map: choose, preview what would move, confirm.

Village changes are made on a commune's page by its officers (or above); commune changes on a
province's page by national administrators. Every change goes through gocua.places.reorg.
"""

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from gocua.accounts.models import Role
from gocua.accounts.permissions import can_manage_villages
from gocua.errors import DomainError
from gocua.households.models import Household
from gocua.places import reorg
from gocua.places.forms import ReorgForm
from gocua.places.models import Level, Reorganisation, Unit
from gocua.places.selectors import reorganisations_visible, unit_children, units_visible
from gocua.places.sheets import commune_split_parts, commune_split_rows, split_parts, split_rows
from gocua.web.views.common import attempt, require, unit_crumbs

Op = Reorganisation.Operation
MOVED_LABELS = {
    "households": gettext_lazy("Households"), "residents": gettext_lazy("Residents"),
    "teams": gettext_lazy("Teams"), "members": gettext_lazy("Team members"),
    "users": gettext_lazy("User accounts"), "projects": gettext_lazy("Community projects"),
    "follow_ups": gettext_lazy("Open follow-ups"),
}


def _may_open(user, unit) -> bool:
    if unit.level == Level.COMMUNE:
        return can_manage_villages(user, unit)
    return unit.level == Level.PROVINCE and user.role == Role.NATIONAL_ADMIN


def _one(units: list[Unit]) -> Unit:
    if len(units) != 1:
        raise DomainError("choose_one", _("Choose exactly one unit for this change."), field="units")
    return units[0]


def _split_parts(data, files, village: Unit) -> list[dict]:
    if data.get("parts_json"):
        try:
            return json.loads(data["parts_json"])
        except ValueError:
            raise DomainError("parts_invalid", _("Read the sheet again."), field="split_sheet") from None
    keys = set(Household.objects.filter(village=village).values_list("household_key", flat=True))
    if files.get("split_sheet"):
        pairs = split_rows(files["split_sheet"].read())
    else:
        pairs = [tuple((line.split(",", 1) + [""])[:2]) for line in (data.get("split_list") or "").splitlines()
                 if line.strip()]
        pairs = [(k.strip(), n.strip()) for k, n in pairs]
    if not pairs:
        raise DomainError("split_list_required", _("Upload the sheet or list the households."), field="split_list")
    return split_parts(pairs, keys)


def _commune_split_parts(data, commune: Unit) -> list[dict]:
    if data.get("parts_json"):
        try:
            return json.loads(data["parts_json"])
        except ValueError:
            raise DomainError("parts_invalid", _("Read the sheet again."), field="commune_split_list") from None
    text = (data.get("commune_split_list") or "").encode()
    rows = commune_split_rows(text, text=True)
    if not rows:
        raise DomainError("commune_split_list_required", _("List each village with its new commune."),
                          field="commune_split_list")
    return commune_split_parts(rows, commune.children.filter(valid_to__isnull=True))


def _run(user, unit: Unit, data: dict, files, *, dry_run: bool) -> tuple[Reorganisation, list | None]:
    """Call the service the form names; return the change and the split parts (kept for the confirmation)."""
    op = data["operation"]
    chosen = list(Unit.objects.filter(parent=unit, code__in=data["units"], valid_to__isnull=True).order_by("code"))
    into = Unit.objects.filter(parent=unit, code=data.get("into") or "", valid_to__isnull=True).first()
    common = {"actor": user, "effective_on": data["effective_on"], "dry_run": dry_run,
              "decision": reorg.Decision(data["decision_number"], data["decision_date"], data["decision_issuer"])}
    if op in (Op.VILLAGE_ABSORB, Op.COMMUNE_ABSORB) and into is None:
        raise DomainError("into_required", _("Choose the unit that absorbs the others."), field="into")
    parts = None
    if op == Op.VILLAGE_MERGE:
        change = reorg.village_merge(villages=chosen, name=data["name"], kind=data.get("kind") or None, **common)
    elif op == Op.VILLAGE_ABSORB:
        change = reorg.village_absorb(villages=chosen, into=into, **common)
    elif op == Op.VILLAGE_SPLIT:
        village = _one(chosen)
        parts = _split_parts(data, files, village)
        change = reorg.village_split(village=village, parts=parts, teams_to=(data.get("teams_to") or 1) - 1, **common)
    elif op == Op.VILLAGE_MOVE:
        target = units_visible(user=user).filter(code=(data.get("to_commune") or "").strip(), level=Level.COMMUNE).first()
        if target is None:
            raise DomainError("to_commune_unknown", _("There is no commune with this code in your area."),
                              field="to_commune")
        change = reorg.village_move(village=_one(chosen), to_commune=target, **common)
    elif op == Op.VILLAGE_RENAME:
        change = reorg.village_rename_decided(village=_one(chosen), name=data["name"], **common)
    elif op == Op.VILLAGE_RETIRE:
        change = reorg.village_retire(village=_one(chosen), **common)
    elif op == Op.COMMUNE_MERGE:
        change = reorg.commune_merge(communes=chosen, code=data.get("code") or "", name=data["name"],
                                     kind=data.get("kind") or "xa", **common)
    elif op == Op.COMMUNE_ABSORB:
        change = reorg.commune_absorb(communes=chosen, into=into, **common)
    elif op == Op.COMMUNE_SPLIT:
        commune = _one(chosen)
        parts = _commune_split_parts(data, commune)
        change = reorg.commune_split(commune=commune, parts=parts, teams_to=(data.get("teams_to") or 1) - 1, **common)
    elif op == Op.COMMUNE_MOVE:
        target = Unit.objects.filter(code=(data.get("to_province") or "").strip(), level=Level.PROVINCE,
                                     valid_to__isnull=True).first()
        if target is None:
            raise DomainError("to_province_unknown", _("There is no such province on the current map."),
                              field="to_province")
        change = reorg.commune_move(commune=_one(chosen), to_province=target, code=data.get("code") or "",
                                    name=data.get("name") or "", **common)
    elif op == Op.COMMUNE_RENAME:
        change = reorg.commune_rename(commune=_one(chosen), name=data["name"], **common)
    else:
        change = reorg.commune_retire(commune=_one(chosen), **common)
    return change, parts


@login_required
@require_http_methods(["GET", "POST"])
def reorg_page(request, code: str):
    """Show the map-change form; POST previews (nothing written) until `confirm` is sent."""
    user = request.user
    unit = get_object_or_404(units_visible(user=user).filter(level__in=[Level.PROVINCE, Level.COMMUNE]), code=code)
    require(_may_open(user, unit))
    children = list(unit_children(user=user, unit=unit))
    form = ReorgForm(request.POST or None, request.FILES or None, level=unit.level, children=children)
    preview = None
    if request.method == "POST" and form.is_valid():
        confirm = request.POST.get("confirm") == "1"
        result = attempt(form, lambda: _run(user, unit, form.cleaned_data, request.FILES, dry_run=not confirm))
        if result and not form.errors:
            change, parts = result
            if confirm:
                if change.status == Reorganisation.Status.SCHEDULED:
                    messages.success(request, _("The change is scheduled for %(date)s.") % {
                        "date": change.effective_on.strftime("%d/%m/%Y")})
                else:
                    messages.success(request, _("The change is applied."))
                return redirect("web:reorg", code=unit.code)
            preview = change
            data = request.POST.copy()
            data["parts_json"] = json.dumps(parts, ensure_ascii=False) if parts else ""
            form = ReorgForm(data, level=unit.level, children=children)
            form.is_valid()
    status = 400 if request.method == "POST" and form.errors else 200
    history = reorganisations_visible(user=user).filter(
        **({"commune_code": unit.code} if unit.level == Level.COMMUNE else {"province_code": unit.code}))[:50]
    return render(request, "web/reorg_page.html", {
        "unit": unit, "form": form, "preview": preview, "history": history, "today": timezone.localdate(),
        "moved": [(MOVED_LABELS.get(k, k), n, k) for k, n in (preview.result.get("moved", {}) if preview else {}).items()],
        "crumbs": unit_crumbs(user, unit), "title": _("Change the map of %(unit)s") % {"unit": unit.name},
    }, status=status)
