"""Field-level merge of offline edits, and the versions it is computed from.

A household's or resident's *version* is the id of its latest `FieldChange` (0 when sync never
changed it). A device edits a record "at" the version it downloaded. For each field of the edit:

- another device changed the same field since that version (a `FieldChange` with a higher id,
  from another device) to a different value, or the value on the server differs from the value
  the device held before its edit (`base`: catches changes made in the web pages or by a visit);
- then it is a real conflict: the later device time wins (device clocks are clamped to when the
  server received the upload, since phone clocks are unreliable; web and visit changes carry
  server time) and a `SyncConflict` keeps both values for the leader to settle;
- otherwise the field merges without conflict.

Every value written goes through the registry services, so history and rollups stay right.
"""

import datetime as dt
import uuid as uuid_lib
from dataclasses import dataclass

from django.db.models import Max
from django.utils import timezone

from gocua.api.schemas import TRI_NAMES, TRI_VALUES
from gocua.field.models import FieldChange, SyncConflict
from gocua.households import services as household_services
from gocua.households.digital import INDICATOR_NAMES
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.lib import phone as phones
from gocua.lib.text import clean_name

HOUSEHOLD_FIELDS = ("household_key", "address_line")
RESIDENT_FIELDS = ("full_name", "birth_year", "gender", "relation", "status", "phone")
_TEXT_FIELDS = {"household_key", "address_line", "full_name"}


@dataclass
class FieldConflict:
    field: str
    server_value: object
    device_value: object
    winner: str
    other_time: dt.datetime
    other_user_id: int | None

    def out(self) -> dict:
        return {
            "field": self.field, "server_value": self.server_value, "device_value": self.device_value,
            "winner": self.winner,
        }


@dataclass
class EditContext:
    user: object
    device: object | None
    received_at: dt.datetime
    change_uuid: uuid_lib.UUID
    device_time: dt.datetime


def clamp(device_time: dt.datetime | None, received_at: dt.datetime) -> dt.datetime:
    """Return the device's time, never later than when the server received it."""
    if device_time is None:
        return received_at
    if timezone.is_naive(device_time):
        device_time = timezone.make_aware(device_time)
    return min(device_time, received_at)


def normal(field: str, value):
    """Return `value` as the service would store it, so equal values compare equal."""
    if value is None:
        return None
    if field in _TEXT_FIELDS:
        return clean_name(value)
    if field == "phone":
        raw = (value or "").strip()
        try:
            return phones.normalise(raw) if raw else ""
        except phones.PhoneError:
            return raw  # the service refuses it with its own message
    return value


def current_value(obj, field: str):
    value = getattr(obj, field)
    return TRI_NAMES[value] if field in INDICATOR_NAMES else value


def versions(kind: str, record_uuids) -> dict:
    """Return {record uuid: version} for the records (absent: version 0)."""
    rows = (
        FieldChange.objects.filter(kind=kind, record_uuid__in=list(record_uuids))
        .values("record_uuid").annotate(v=Max("id")).values_list("record_uuid", "v")
    )
    return dict(rows)


def _others_since(kind: str, obj, fields, base_version: int, ctx: EditContext) -> dict[str, FieldChange]:
    rows = FieldChange.objects.filter(kind=kind, record_uuid=obj.uuid, field__in=list(fields), id__gt=base_version)
    # The device's own earlier edits of the same field are not a conflict with itself.
    rows = rows.exclude(device=ctx.device) if ctx.device is not None else rows.exclude(user=ctx.user)
    latest = {}
    for change in rows.order_by("id"):
        latest[change.field] = change
    return latest


def _outside_change(obj, field: str) -> tuple[dt.datetime, int | None]:
    """Return when and by whom `field` was last changed outside sync (web pages, visits)."""
    if field in INDICATOR_NAMES:
        change = (
            IndicatorChange.objects.filter(resident_id=obj.pk, indicator=field)
            .order_by("-changed_at", "-id").values_list("changed_at", "changed_by_id").first()
        )
        if change is not None:
            return change
    return obj.updated_at, None


def merge(kind: str, obj, changes: dict, base: dict | None, base_version: int, ctx: EditContext):
    """Return (fields to apply, conflicts) for an edit of `obj`; see the module docstring."""
    changes = {field: normal(field, value) for field, value in changes.items() if value is not None}
    base = {field: normal(field, value) for field, value in (base or {}).items() if value is not None}
    others = _others_since(kind, obj, changes, base_version, ctx)
    applied, conflicts = {}, []
    for field, new in changes.items():
        current = current_value(obj, field)
        if new == current:
            continue
        other = others.get(field)
        if other is not None and normal(field, other.value) != new:
            other_time, other_user = other.device_time, other.user_id
        elif other is None and field in base and base[field] != current:
            other_time, other_user = _outside_change(obj, field)
        else:
            applied[field] = new
            continue
        winner = SyncConflict.Winner.DEVICE if ctx.device_time >= other_time else SyncConflict.Winner.SERVER
        conflicts.append(FieldConflict(field, current, new, winner, other_time, other_user))
        if winner == SyncConflict.Winner.DEVICE:
            applied[field] = new
    return applied, conflicts


# --- writing ---------------------------------------------------------------------------------------


def write_fields(kind: str, obj, values: dict, ctx: EditContext):
    """Write `values` to the household or resident through its services and log each field; return obj."""
    if not values:
        return obj
    if kind == "household":
        household_services.household_update(
            actor=ctx.user, household=obj,
            household_key=values.get("household_key", obj.household_key),
            address_line=values.get("address_line", obj.address_line),
        )
    else:
        personal = {f: v for f, v in values.items() if f in RESIDENT_FIELDS}
        indicators = {f: TRI_VALUES[v] for f, v in values.items() if f in INDICATOR_NAMES}
        if personal:
            data = {f: getattr(obj, f) for f in household_services.RESIDENT_FIELDS} | personal
            household_services.resident_update(actor=ctx.user, resident=obj, data=data)
        if indicators:
            household_services.resident_set_indicators(
                actor=ctx.user, resident=obj, values=indicators, source=IndicatorChange.Source.SYNC,
                source_ref=str(ctx.change_uuid),
            )
    FieldChange.objects.bulk_create([
        FieldChange(
            kind=kind, record_uuid=obj.uuid, field=field, value=value, device_time=ctx.device_time,
            user=ctx.user, device=ctx.device, change_uuid=ctx.change_uuid,
        )
        for field, value in values.items()
    ])
    return obj


def record_conflicts(kind: str, obj, conflicts: list[FieldConflict], ctx: EditContext) -> None:
    SyncConflict.objects.bulk_create([
        SyncConflict(
            kind=kind, record_uuid=obj.uuid, field=c.field, server_value=c.server_value,
            device_value=c.device_value, winner=c.winner, device_time=ctx.device_time, other_time=c.other_time,
            user=ctx.user, other_user_id=c.other_user_id, change_uuid=ctx.change_uuid,
            province_code=obj.province_code, commune_code=obj.commune_code, village_code=obj.village_code,
        )
        for c in conflicts
    ])


def edit_apply(kind: str, obj, changes: dict, base: dict | None, base_version: int, ctx: EditContext) -> dict:
    """Merge and write one edit; return the record result (status, version, conflicts)."""
    applied, conflicts = merge(kind, obj, changes, base, base_version, ctx)
    write_fields(kind, obj, applied, ctx)
    record_conflicts(kind, obj, conflicts, ctx)
    result = {"version": versions(kind, [obj.uuid]).get(obj.uuid, 0)}
    if conflicts:
        result |= {
            "status": "conflict", "code": "field_conflict", "conflicts": [c.out() for c in conflicts],
        }
    return result


def fresh(kind: str, pk: int):
    """Return the record re-read (and locked) from the database: edits never write a stale copy."""
    model = Household if kind == "household" else Resident
    related = "household" if kind == "resident" else "head"
    # `of`: PostgreSQL cannot lock the nullable side of the outer join to the head.
    return model.objects.select_for_update(of=("self",)).select_related(related).get(pk=pk)
