"""Every write to households, residents and indicators goes through these public functions.

Each one checks the actor's rights, validates, writes in one transaction (`track()` keeps the
rollups in it) and appends an audit event through `accounts.services.audit_record` with the
changes as "field: [old, new]", personal values masked (phones, citizen IDs) or shortened
(names). `resident_set_indicators_many` is the batch form for the visit batch of a sync upload;
its caller (the visit services) audits the batch. The bulk importer may use the public
cleaners below (`resident_clean`, `resident_apply_citizen_id`, `indicators_clean`).
"""

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent
from gocua.accounts.permissions import can_edit_registry
from gocua.accounts.services import audit_record
from gocua.errors import DomainError, Forbidden
from gocua.households import pii
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.households.models import (
    Household,
    HouseholdMove,
    IndicatorChange,
    Resident,
    ResidentMove,
)
from gocua.indicators.rollups import track
from gocua.lib import citizen_id, phone
from gocua.lib.bulk import insert_rows
from gocua.lib.text import clean_name, fold, short_name
from gocua.places.models import Level, Unit

RESIDENT_FIELDS = ("full_name", "birth_year", "birth_date", "gender", "relation", "phone", "status")
MIN_BIRTH_YEAR = 1900
# Checked once per resident of a 100,000-row import: Django rebuilds `Choices.values` on every access.
_GENDERS = frozenset(Resident.Gender.values)
_RELATIONS = frozenset(Resident.Relation.values)
_STATUSES = frozenset(Resident.Status.values)
Action = AuditEvent.Action


def _shown(field: str, value) -> Any:
    """Return what the audit log may keep of a value: phones masked, names shortened."""
    if value in (None, ""):
        return ""
    if field == "phone":
        return phone.mask(value)
    if field in ("full_name", "head"):
        return short_name(value)
    return value.isoformat() if isinstance(value, dt.date) else value


def _changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list]:
    """Return {field: [old, new]} of what differs, as the audit log may keep it."""
    return {
        field: [_shown(field, before.get(field)), _shown(field, after[field])]
        for field in after
        if before.get(field) != after[field]
    }


def _require_village(actor, village: Unit) -> None:
    if village.level != Level.VILLAGE or village.valid_to is not None:
        raise DomainError("not_a_village", _("Choose a current village."), field="village")
    if not can_edit_registry(actor, village):
        raise Forbidden("forbidden", _("This village is outside your area."))


def household_search_text(household: Household, head_name: str = "") -> str:
    """Return the folded text a household is found by: its key, its head's name, its address."""
    return " ".join(filter(None, [fold(household.household_key), fold(head_name), fold(household.address_line)]))[
        :400
    ]


def household_create(*, actor, village: Unit, household_key: str, address_line: str = "") -> Household:
    """Register a household in `village`; its key must be new in that village."""
    _require_village(actor, village)
    household_key = clean_name(household_key)
    if not household_key:
        raise DomainError("household_key_required", _("Enter the household key."), field="household_key")
    household = Household(
        village=village, household_key=household_key, address_line=clean_name(address_line), created_by=actor
    )
    household.set_codes_from(village)
    household.search_folded = household_search_text(household)
    try:
        with track() as tracker:
            household.save()
            tracker.add(household.pk)
            audit_record(actor=actor, action=Action.HOUSEHOLD_CREATED, obj=household,
                         detail={"household_key": household.household_key})
    except IntegrityError:
        raise DomainError(
            "household_key_taken", _("This village already has a household with this key."), field="household_key"
        ) from None
    return household


def household_update(*, actor, household: Household, household_key: str, address_line: str) -> Household:
    """Change a household's key or address."""
    if not can_edit_registry(actor, household):
        raise Forbidden("forbidden", _("This household is outside your area."))
    household_key = clean_name(household_key)
    if not household_key:
        raise DomainError("household_key_required", _("Enter the household key."), field="household_key")
    before = {"household_key": household.household_key, "address_line": household.address_line}
    household.household_key = household_key
    household.address_line = clean_name(address_line)
    household.search_folded = household_search_text(household, household.head.full_name if household.head else "")
    changes = _changes(before, {"household_key": household.household_key, "address_line": household.address_line})
    try:
        with transaction.atomic():
            household.save(update_fields=["household_key", "address_line", "search_folded", "updated_at"])
            if changes:
                audit_record(actor=actor, action=Action.HOUSEHOLD_CHANGED, obj=household, detail={"changes": changes})
    except IntegrityError:
        raise DomainError(
            "household_key_taken", _("This village already has a household with this key."), field="household_key"
        ) from None
    return household


def household_move(*, actor, household: Household, to_village: Unit, moved_on: dt.date) -> Household:
    """Move a household (and its residents) to another village, keeping the date of the move."""
    if not can_edit_registry(actor, household):
        raise Forbidden("forbidden", _("This household is outside your area."))
    _require_village(actor, to_village)
    if to_village.pk == household.village_id:
        raise DomainError("same_village", _("The household is already in this village."), field="village")
    if moved_on > timezone.localdate():
        raise DomainError("date_in_future", _("The date of the move cannot be in the future."), field="moved_on")
    with track([household.pk]):
        if Household.objects.filter(village=to_village, household_key=household.household_key).exists():
            raise DomainError(
                "household_key_taken",
                _("The new village already has a household with this key; change the key first."),
                field="village",
            )
        from_code = household.village_code
        HouseholdMove.objects.create(
            household=household,
            from_village_id=household.village_id,
            to_village=to_village,
            moved_on=moved_on,
            recorded_by=actor,
        )
        household.village = to_village
        household.set_codes_from(to_village)
        household.save(update_fields=["village", "province_code", "commune_code", "village_code", "updated_at"])
        Resident.objects.filter(household=household).update(
            province_code=household.province_code,
            commune_code=household.commune_code,
            village_code=household.village_code,
        )
        IndicatorChange.objects.filter(resident__household=household).update(province_code=household.province_code)
        audit_record(actor=actor, action=Action.HOUSEHOLD_MOVED, obj=household,
                     detail={"from": from_code, "to": household.village_code, "moved_on": moved_on.isoformat()})
    return household


_household_search = household_search_text  # old private name, still imported by bulk writers

# --- residents --------------------------------------------------------------------------------


def resident_clean(data: dict[str, Any], *, today: dt.date | None = None) -> dict[str, Any]:
    """Return validated resident fields; raise DomainError naming the first bad field (writes nothing).

    `today`: the local date, passed by a caller that checks many residents at once (an import).
    """
    out = dict(data)
    out["full_name"] = clean_name(out.get("full_name"))
    if not out["full_name"]:
        raise DomainError("name_required", _("Enter the full name."), field="full_name")
    birth_date = out.get("birth_date")
    birth_year = out.get("birth_year")
    if birth_date and not birth_year:
        birth_year = birth_date.year
    try:
        birth_year = int(birth_year)
    except (TypeError, ValueError):
        raise DomainError("birth_year_required", _("Enter the year of birth."), field="birth_year") from None
    today = today or timezone.localdate()
    this_year = today.year
    if not MIN_BIRTH_YEAR <= birth_year <= this_year:
        raise DomainError(
            "birth_year_impossible",
            _("The year of birth must be between %(low)s and %(high)s.") % {"low": MIN_BIRTH_YEAR, "high": this_year},
            field="birth_year",
        )
    if birth_date and (birth_date.year != birth_year or birth_date > today):
        raise DomainError(
            "birth_date_mismatch", _("The date of birth does not match the year of birth."), field="birth_date"
        )
    out["birth_year"] = birth_year
    if out.get("gender") not in _GENDERS:
        raise DomainError("gender_required", _("Choose male or female."), field="gender")
    if out.get("relation") not in _RELATIONS:
        raise DomainError("relation_required", _("Choose the relation to the head of household."), field="relation")
    status = out.get("status") or Resident.Status.LIVING
    if status not in _STATUSES:
        raise DomainError("status_invalid", _("Choose a valid status."), field="status")
    out["status"] = status
    raw_phone = (out.get("phone") or "").strip()
    if raw_phone:
        try:
            out["phone"] = phone.normalise(raw_phone)
        except phone.PhoneError:
            raise DomainError(
                "phone_invalid", _("This is not a valid Vietnamese phone number."), field="phone"
            ) from None
    else:
        out["phone"] = ""
    return out


CITIZEN_ID_MESSAGES = {
    "citizen_id_digits": _("The citizen ID may contain digits only."),
    "citizen_id_length": _("The citizen ID must have exactly 12 digits."),
    "citizen_id_province": _("The first three digits of the citizen ID are not a province code."),
    "citizen_id_gender_century": _("The 4th digit of the citizen ID does not match the gender and year of birth."),
    "citizen_id_birth_year": _("Digits 5–6 of the citizen ID do not match the year of birth."),
    "citizen_id_year": _("The year of birth is outside what a citizen ID can encode."),
}


def resident_apply_citizen_id(resident: Resident, raw: str | None) -> None:
    """Set (or clear) the resident's encrypted, hashed and masked citizen ID from `raw` (not saved)."""
    raw = (raw or "").strip()
    if not raw:
        resident.citizen_id_encrypted = ""
        resident.citizen_id_hash = None
        resident.citizen_id_masked = ""
        return
    try:
        number = citizen_id.validate(raw, gender=resident.gender, birth_year=resident.birth_year)
    except citizen_id.CitizenIdError as exc:
        raise DomainError(exc.code, CITIZEN_ID_MESSAGES[exc.code], field="citizen_id") from None
    resident.citizen_id_encrypted = pii.encrypt(number)
    resident.citizen_id_hash = pii.keyed_hash(number)
    resident.citizen_id_masked = citizen_id.mask(number)


def _duplicate_citizen_id() -> DomainError:
    # Deliberately says nothing about where the other record is.
    return DomainError("citizen_id_taken", _("This citizen ID is already registered."), field="citizen_id")


def _record_changes(
    resident: Resident, changes: dict[str, tuple[int, int]], *, actor, source: str, source_ref: str = "", at=None
) -> list[IndicatorChange]:
    at = at or timezone.now()
    rows = [
        IndicatorChange(
            resident=resident,
            province_code=resident.province_code,
            indicator=name,
            old_value=old,
            new_value=new,
            changed_at=at,
            changed_by=actor,
            source=source,
            source_ref=source_ref,
        )
        for name, (old, new) in changes.items()
    ]
    IndicatorChange.objects.bulk_create(rows)
    return rows


TRI_VALUES = frozenset(Tri.values)  # Choices.values builds a new list on every call (a sync batch: ~1,500)


def indicators_clean(values: dict[str, Any] | None) -> dict[str, int]:
    """Return {indicator: Tri value} from names and values; raise DomainError on an unknown one."""
    cleaned = {}
    for name, value in (values or {}).items():
        if name not in INDICATOR_NAMES:
            raise DomainError("indicator_unknown", _("Unknown indicator: %(name)s") % {"name": name}, field=name)
        try:
            value = int(value)
        except (TypeError, ValueError):
            value = -1
        if value not in TRI_VALUES:
            raise DomainError("indicator_value", _("Indicators are yes, no or unknown."), field=name)
        cleaned[name] = value
    return cleaned


def resident_create(
    *,
    actor,
    household: Household,
    data: dict[str, Any],
    citizen_id_number: str | None = None,
    indicators: dict[str, Any] | None = None,
    source: str = IndicatorChange.Source.CREATE,
) -> Resident:
    """Register a resident in `household`; the first head of household becomes its head."""
    if not can_edit_registry(actor, household):
        raise Forbidden("forbidden", _("This household is outside your area."))
    cleaned = resident_clean(data)
    values = indicators_clean(indicators)
    resident = Resident(household=household, created_by=actor, **{k: cleaned.get(k) for k in RESIDENT_FIELDS})
    resident.name_folded = fold(resident.full_name)
    resident.set_codes_from(household)
    resident_apply_citizen_id(resident, citizen_id_number)
    for name, value in values.items():
        setattr(resident, name, value)
    try:
        with track([household.pk]):
            resident.save()
            changes = {n: (Tri.UNKNOWN, v) for n, v in values.items() if v != Tri.UNKNOWN}
            _record_changes(resident, changes, actor=actor, source=source)
            if resident.relation == Resident.Relation.HEAD and household.head_id is None:
                household.head = resident
                household.search_folded = household_search_text(household, resident.full_name)
                household.save(update_fields=["head", "search_folded", "updated_at"])
            audit_record(actor=actor, action=Action.RESIDENT_CREATED, obj=resident,
                         detail={"household": household.pk, "indicators": len(changes)})
    except IntegrityError:
        raise _duplicate_citizen_id() from None
    return resident


def resident_update(
    *, actor, resident: Resident, data: dict[str, Any], citizen_id_number: str | None = None, keep_citizen_id=True
) -> Resident:
    """Change a resident's personal fields; the citizen ID is replaced only when a new one is given."""
    if not can_edit_registry(actor, resident):
        raise Forbidden("forbidden", _("This resident is outside your area."))
    cleaned = resident_clean(data)
    before = {field: getattr(resident, field) for field in RESIDENT_FIELDS}
    before["citizen_id"] = resident.citizen_id_masked
    was_counted = resident.status in Resident.COUNTED_STATUSES
    for field in RESIDENT_FIELDS:
        setattr(resident, field, cleaned.get(field))
    resident.name_folded = fold(resident.full_name)
    if citizen_id_number or not keep_citizen_id:
        resident_apply_citizen_id(resident, citizen_id_number)
    elif resident.citizen_id_encrypted:
        # Gender or birth year may have changed: the stored ID must still agree with them.
        resident_apply_citizen_id(resident, pii.decrypt(resident.citizen_id_encrypted))
    try:
        with track([resident.household_id]):
            resident.save()
            household = resident.household
            if household.head_id == resident.pk:
                household.search_folded = household_search_text(household, resident.full_name)
                household.save(update_fields=["search_folded", "updated_at"])
            after = {field: getattr(resident, field) for field in RESIDENT_FIELDS}
            after["citizen_id"] = resident.citizen_id_masked  # only the masked form is ever compared or kept
            changes = _changes(before, after)
            if changes:
                removed = was_counted and resident.status not in Resident.COUNTED_STATUSES
                audit_record(actor=actor, action=Action.RESIDENT_REMOVED if removed else Action.RESIDENT_CHANGED,
                             obj=resident, detail={"changes": changes})
    except IntegrityError:
        raise _duplicate_citizen_id() from None
    return resident


def resident_set_indicators(
    *, actor, resident: Resident, values: dict[str, Any], source: str = IndicatorChange.Source.EDIT, source_ref=""
) -> dict[str, tuple[int, int]]:
    """Set indicators on a resident and write one history row per value that changed."""
    if not can_edit_registry(actor, resident):
        raise Forbidden("forbidden", _("This resident is outside your area."))
    cleaned = indicators_clean(values)
    with track([resident.household_id]):
        locked = Resident.objects.select_for_update().get(pk=resident.pk)
        changes = {
            name: (getattr(locked, name), value) for name, value in cleaned.items() if getattr(locked, name) != value
        }
        if changes:
            for name, (_old, new) in changes.items():
                setattr(locked, name, new)
                setattr(resident, name, new)
            locked.save(update_fields=[*changes, "updated_at"])
            _record_changes(locked, changes, actor=actor, source=source, source_ref=source_ref)
            if source != IndicatorChange.Source.VISIT:  # a visit's own event says what it set
                audit_record(actor=actor, action=Action.INDICATORS_CHANGED, obj=locked,
                             detail={"changes": {n: [old, new] for n, (old, new) in changes.items()},
                                     "source": str(source)})
    return changes


def resident_set_indicators_many(*, actor, changes, source: str = IndicatorChange.Source.VISIT) -> int:
    """Apply [(resident, {indicator: value}, source_ref), …] in order; return the number of history rows.

    The batch form of `resident_set_indicators` for the visit batch of a sync upload: the same
    changes it would make call after call (two sets on one resident see each other's changes),
    written with one UPDATE per distinct set of final values and one insert of the history. The
    residents must be locked by the caller (select_for_update) inside its `track()`; the caller
    audits the batch (one event per visit).
    """
    now = timezone.now()
    history, final = [], {}
    for resident, values, source_ref in changes:
        if not can_edit_registry(actor, resident):
            raise Forbidden("forbidden", _("This resident is outside your area."))
        for name, value in sorted(indicators_clean(values).items()):
            old = getattr(resident, name)
            if old == value:
                continue
            setattr(resident, name, value)
            final.setdefault(resident.pk, {})[name] = value
            history.append({
                "resident_id": resident.pk, "province_code": resident.province_code, "indicator": name,
                "old_value": int(old), "new_value": int(value), "changed_at": now, "changed_by_id": actor.pk,
                "source": str(source), "source_ref": str(source_ref),
            })
    groups: dict[frozenset, list[int]] = {}
    for resident_id, values in final.items():
        groups.setdefault(frozenset(values.items()), []).append(resident_id)
    for values, ids in groups.items():
        Resident.objects.filter(pk__in=ids).update(**dict(values), updated_at=now)
    insert_rows(IndicatorChange, history)
    return len(history)


def resident_move(*, actor, resident: Resident, to_household: Household, moved_on: dt.date) -> Resident:
    """Move a resident to another household (possibly in another village), keeping the date."""
    if not can_edit_registry(actor, resident) or not can_edit_registry(actor, to_household):
        raise Forbidden("forbidden", _("This resident or household is outside your area."))
    if to_household.pk == resident.household_id:
        raise DomainError("same_household", _("The resident is already in this household."), field="household")
    if moved_on > timezone.localdate():
        raise DomainError("date_in_future", _("The date of the move cannot be in the future."), field="moved_on")
    with track([resident.household_id, to_household.pk]):
        old = resident.household
        from_code = resident.village_code
        ResidentMove.objects.create(
            resident=resident, from_household=old, to_household=to_household, moved_on=moved_on, recorded_by=actor
        )
        resident.household = to_household
        resident.set_codes_from(to_household)
        if resident.relation == Resident.Relation.HEAD:
            resident.relation = Resident.Relation.OTHER
        resident.save(update_fields=["household", "province_code", "commune_code", "village_code", "relation"])
        if old.head_id == resident.pk:
            old.head = None
            old.search_folded = household_search_text(old)
            old.save(update_fields=["head", "search_folded", "updated_at"])
        IndicatorChange.objects.filter(resident=resident).update(province_code=resident.province_code)
        audit_record(actor=actor, action=Action.RESIDENT_MOVED, obj=resident,
                     detail={"from_household": old.pk, "to_household": to_household.pk, "from": from_code,
                             "to": resident.village_code, "moved_on": moved_on.isoformat()})
    return resident


def household_set_head(*, actor, household: Household, resident: Resident) -> Household:
    """Make `resident` (who must live in the household) its head."""
    if not can_edit_registry(actor, household):
        raise Forbidden("forbidden", _("This household is outside your area."))
    if resident.household_id != household.pk:
        raise DomainError("resident_not_in_household", _("This person is not in this household."), field="head")
    old_head = household.head.full_name if household.head_id else ""
    household.head = resident
    household.search_folded = household_search_text(household, resident.full_name)
    with transaction.atomic():
        household.save(update_fields=["head", "search_folded", "updated_at"])
        audit_record(actor=actor, action=Action.HOUSEHOLD_CHANGED, obj=household,
                     detail={"changes": _changes({"head": old_head}, {"head": resident.full_name})})
    return household
