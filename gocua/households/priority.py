"""Priority groups (đối tượng ưu tiên): a commune's decision to collect each group, the flags, who sees them.

Which group a resident belongs to (a disability, an ethnicity, a poor household, …) is sensitive
personal data under Decree 13/2023/NĐ-CP, so:

- a group is collected only in a commune whose officer switched it on with its lawful basis
  (`priority_setting_set`: what basis, decided by whom, on what date); a flag of a group the
  commune has not switched on is refused (`priority_not_enabled`, 400); switching a group off
  deletes that group's flags in the commune (the purpose has ended);
- each flag says where the fact comes from (`PriorityFlag.basis`);
- only `accounts.permissions.PRIORITY_GROUP_ROLES` (commune officer, team leader, in their area)
  read the groups, through `resident_reveal_priority` or `priority_export_csv`, each an audit event;
  every other role learns only that a household is a priority (`is_priority_q`), never which group;
- the dashboards count each group on read from the flag rows of the unit (no stored counter, so
  no row shared by writers of different communes), through the residents' indexed scope codes.

These functions are the one door to `PriorityGroupSetting` and `PriorityFlag`, like
`households.services` for households and residents.
"""

import csv
import datetime as dt
import io
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gocua.accounts.models import AuditEvent
from gocua.accounts.permissions import can_decide_priority_collection, can_see_priority_groups
from gocua.accounts.scope import in_scope
from gocua.accounts.services import audit_record
from gocua.errors import CommonErrorCode, DomainError, Forbidden
from gocua.households.digital import ESSENTIALS, Tri
from gocua.households.errors import HouseholdErrorCode
from gocua.households.models import PriorityFlag, PriorityGroup, PriorityGroupSetting, Resident
from gocua.lib import cells
from gocua.lib.text import clean_name
from gocua.places.models import Level, Unit, code_field

Action = AuditEvent.Action
GROUPS = [value for value, _label in PriorityGroup.choices]
GROUP_LABELS = dict(PriorityGroup.choices)
TEXT_LIMIT = 300
ADULT_AGE = 15  # the indicators' adults (outreach.need.ADULT_AGE), who the essentials are counted for
EXPORT_LIMIT = 50_000
# What every role without the right sees instead of the group (a household to visit first).
PRIORITY_MARK = gettext_lazy("priority")


def _forbidden() -> Forbidden:
    return Forbidden(CommonErrorCode.FORBIDDEN, _("Your role cannot see or change priority groups."))


def _text(value, limit: int = TEXT_LIMIT) -> str:
    return clean_name(str(value or ""))[:limit]


def _counted(prefix: str = "") -> Q:
    return Q(**{f"{prefix}status__in": Resident.COUNTED_STATUSES})


def _unit_q(unit: Unit, prefix: str = "resident__") -> Q:
    if unit.level == Level.NATION:
        return Q()
    return Q(**{f"{prefix}{code_field(unit.level)}": unit.code})


def commune_of(obj) -> Unit | None:
    """Return the current commune whose code `obj` (a resident, a household, a unit) carries."""
    return Unit.objects.filter(code=obj.commune_code, level=Level.COMMUNE, valid_to__isnull=True).first()


# --- the commune's decisions -------------------------------------------------------------------


def commune_settings(commune: Unit) -> list[tuple[str, str, PriorityGroupSetting | None]]:
    """Return (group, label, setting or None) for every group, in the order of `PriorityGroup`."""
    rows = {s.group: s for s in PriorityGroupSetting.objects.filter(commune=commune)}
    return [(group, GROUP_LABELS[group], rows.get(group)) for group in GROUPS]


def enabled_groups(commune_code: str) -> set[str]:
    """Return the groups collected in the commune with this code (today's commune)."""
    return set(
        PriorityGroupSetting.objects.filter(
            commune_code=commune_code, enabled=True, commune__valid_to__isnull=True
        ).values_list("group", flat=True)
    )


def priority_setting_set(
    *, actor, commune: Unit, group: str, enabled: bool, lawful_basis: str = "", decided_by: str = "",
    decided_on: dt.date | None = None, request=None,
) -> PriorityGroupSetting:
    """Switch the collection of `group` on (with its lawful basis) or off in `commune`.

    Switching off deletes the group's flags in the commune and records how many in the audit event.
    """
    if commune.level != Level.COMMUNE or commune.valid_to is not None:
        raise DomainError(HouseholdErrorCode.NOT_A_COMMUNE, field="commune")
    if not can_decide_priority_collection(actor, commune):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("Only the commune officer decides which priority groups are collected."))
    if group not in GROUP_LABELS:
        raise DomainError(HouseholdErrorCode.PRIORITY_GROUP_UNKNOWN, field="group")
    lawful_basis, decided_by = _text(lawful_basis), _text(decided_by, 200)
    if enabled:
        if not lawful_basis:
            raise DomainError(HouseholdErrorCode.PRIORITY_BASIS_REQUIRED, field="lawful_basis")
        if not decided_by:
            raise DomainError(HouseholdErrorCode.PRIORITY_DECIDED_BY_REQUIRED, field="decided_by")
        if decided_on is None or decided_on > timezone.localdate():
            raise DomainError(HouseholdErrorCode.PRIORITY_DECIDED_ON_REQUIRED, field="decided_on")
    with transaction.atomic():
        setting, _created = PriorityGroupSetting.objects.select_for_update().get_or_create(
            commune=commune, group=group,
            defaults={"province_code": commune.province_code, "commune_code": commune.commune_code},
        )
        was = setting.enabled
        setting.enabled = enabled
        if enabled:
            setting.lawful_basis, setting.decided_by, setting.decided_on = lawful_basis, decided_by, decided_on
        setting.updated_by = actor
        setting.save()
        removed = 0
        if not enabled:
            removed, _by_model = PriorityFlag.objects.filter(
                group=group, resident__commune_code=commune.commune_code
            ).delete()
        audit_record(
            actor=actor, action=Action.PRIORITY_SETTING, obj=setting, unit=commune, request=request,
            detail={"group": group, "changes": {"enabled": [was, enabled]}, "flags_removed": removed,
                    "decided_on": decided_on.isoformat() if enabled and decided_on else ""},
        )
    return setting


# --- flags --------------------------------------------------------------------------------------


def flags_clean(groups) -> dict[str, str]:
    """Return {group: basis} from [{"group", "basis"}] or {group: basis}; raise DomainError on bad input."""
    items = groups.items() if isinstance(groups, dict) else ((g.get("group"), g.get("basis")) for g in groups)
    cleaned: dict[str, str] = {}
    for group, basis in items:
        group = str(group or "").strip()
        if group not in GROUP_LABELS:
            raise DomainError(HouseholdErrorCode.PRIORITY_GROUP_UNKNOWN, field="groups")
        basis = _text(basis)
        if not basis:
            raise DomainError(
                HouseholdErrorCode.PRIORITY_BASIS_REQUIRED,
                _("Say where “%(group)s” comes from (its lawful basis or source).") % {"group": GROUP_LABELS[group]},
                field=f"basis_{group}",
            )
        cleaned[group] = basis
    return cleaned


def _require_enabled(commune_code: str, groups) -> None:
    missing = [g for g in groups if g not in enabled_groups(commune_code)]
    if missing:
        raise DomainError(
            HouseholdErrorCode.PRIORITY_NOT_ENABLED,
            _("This commune has not decided to collect the priority group %(group)s; the commune officer must "
              "switch it on first, with its lawful basis.") % {"group": GROUP_LABELS[missing[0]]},
            field=f"group_{missing[0]}",
        )


def resident_set_priority(*, actor, resident: Resident, groups, request=None) -> list[PriorityFlag]:
    """Make `groups` ({group: basis} or [{"group", "basis"}]) the resident's priority groups.

    Groups not given are removed. Every group kept or added must be collected in the resident's
    commune. The audit event keeps counts only: which group a person is in is itself sensitive.
    """
    if not can_see_priority_groups(actor, resident):
        raise _forbidden()
    cleaned = flags_clean(groups)
    with transaction.atomic():
        current = {f.group: f for f in PriorityFlag.objects.select_for_update().filter(resident=resident)}
        _require_enabled(resident.commune_code, list(cleaned))
        removed = [g for g in current if g not in cleaned]
        PriorityFlag.objects.filter(resident=resident, group__in=removed).delete()
        added = changed = 0
        for group, basis in cleaned.items():
            flag = current.get(group)
            if flag is None:
                PriorityFlag.objects.create(resident=resident, group=group, basis=basis, set_by=actor)
                added += 1
            elif flag.basis != basis:
                flag.basis, flag.set_by = basis, actor
                flag.save(update_fields=["basis", "set_by", "set_at"])
                changed += 1
        if added or changed or removed:
            audit_record(actor=actor, action=Action.PRIORITY_CHANGED, obj=resident, request=request,
                         detail={"added": added, "changed": changed, "removed": len(removed)})
    return list(PriorityFlag.objects.filter(resident=resident).order_by("group"))


def resident_reveal_priority(*, actor, resident: Resident, request=None) -> list[PriorityFlag]:
    """Return the resident's flags after writing who asked to the audit log (403 for other roles)."""
    if not can_see_priority_groups(actor, resident):
        raise _forbidden()
    flags = list(PriorityFlag.objects.filter(resident=resident).select_related("set_by").order_by("group"))
    # Written before the groups are returned: if the audit row fails, nobody sees them.
    audit_record(actor=actor, action=Action.PRIORITY_SHOWN, obj=resident, request=request,
                 detail={"groups": len(flags)})
    return flags


# --- what everyone else sees ------------------------------------------------------------------------


def is_priority_q(household_ref=None) -> Exists:
    """Return Exists(): the household (OuterRef("pk") by default) has a counted resident in a priority group."""
    return Exists(PriorityFlag.objects.filter(
        _counted("resident__"), resident__household=household_ref if household_ref is not None else OuterRef("pk")
    ))


def resident_is_priority(resident: Resident) -> bool:
    return PriorityFlag.objects.filter(resident=resident).exists()


def in_group_q(group: str) -> Exists:
    """Return Exists(): the household has a counted resident flagged in `group` (roles with the right only)."""
    return Exists(PriorityFlag.objects.filter(_counted("resident__"), group=group, resident__household=OuterRef("pk")))


# --- dashboards ---------------------------------------------------------------------------------------


@dataclass
class GroupCoverage:
    group: str
    label: str
    residents: int  # counted residents flagged in the group
    adults: int  # of whom 15 and older: who the essentials are counted for
    with_essentials: int  # adults with every essential at "yes"

    @property
    def percent(self) -> float | None:
        return round(100 * self.with_essentials / self.adults, 1) if self.adults else None


def coverage(unit: Unit, *, today: dt.date | None = None) -> list[GroupCoverage]:
    """Return per group the flagged residents of `unit` and how many adults among them have the essentials.

    One aggregate query over the flags of the unit's residents (joined through the residents'
    indexed scope codes); nothing is stored, so a flag written in one commune touches no shared row.
    """
    year = (today or timezone.localdate()).year
    adult = Q(resident__birth_year__lte=year - ADULT_AGE)
    has_all = adult & Q(**{f"resident__{name}": Tri.YES for name in ESSENTIALS})
    rows = {
        row["group"]: row
        for row in PriorityFlag.objects.filter(_unit_q(unit), _counted("resident__")).order_by().values("group")
        .annotate(residents=Count("pk"), adults=Count("pk", filter=adult), ok=Count("pk", filter=has_all))
    }
    return [
        GroupCoverage(group, GROUP_LABELS[group], rows.get(group, {}).get("residents", 0),
                      rows.get(group, {}).get("adults", 0), rows.get(group, {}).get("ok", 0))
        for group in GROUPS
    ]


# --- export -------------------------------------------------------------------------------------------


def priority_export_csv(*, actor, unit: Unit, request=None) -> str:
    """Return the flagged residents of `unit` (a commune or a village) as CSV text; the export is audited."""
    if unit.level not in (Level.COMMUNE, Level.VILLAGE) or not can_see_priority_groups(actor, unit):
        raise _forbidden()
    flags = (
        PriorityFlag.objects.filter(_unit_q(unit), _counted("resident__"))
        .select_related("resident__household__village")
        .order_by("resident__household__village__name", "resident__household__household_key", "resident_id", "group")
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(cells.csv_row([_("Village"), _("Household key"), _("Full name"), _("Year of birth"),
                                   _("Priority group"), _("Source / lawful basis"), _("Recorded on")]))
    rows = 0
    for flag in flags[:EXPORT_LIMIT].iterator(chunk_size=1000):
        resident = flag.resident
        writer.writerow(cells.csv_row([
            resident.household.village.name, resident.household.household_key, resident.full_name,
            resident.birth_year, str(GROUP_LABELS[flag.group]), flag.basis, timezone.localdate(flag.set_at),
        ]))
        rows += 1
    audit_record(actor=actor, action=Action.EXPORT, object_type="households.priorityflag", unit=unit,
                 request=request, detail={"kind": "priority_groups", "rows": rows, "format": "csv"})
    return out.getvalue()


def visible_commune(user, code: str) -> Unit | None:
    """Return the current commune or village with `code` inside the user's scope, or None."""
    unit = Unit.objects.filter(code=code, valid_to__isnull=True).first()
    return unit if unit is not None and in_scope(user, unit) else None
