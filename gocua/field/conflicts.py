"""Sync conflicts: who may see and settle them, and settling one."""

import uuid as uuid_lib

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.permissions import MANAGERS
from gocua.accounts.scope import in_scope, scoped
from gocua.errors import CommonErrorCode, DomainError, Forbidden
from gocua.field import merge
from gocua.field.errors import FieldErrorCode
from gocua.field.models import SyncConflict
from gocua.households.models import Household, Resident


def can_settle(user) -> bool:
    """Return whether `user` settles conflicts (leaders and officers, in their area)."""
    return getattr(user, "role", None) in MANAGERS and getattr(user, "is_active", False)


def conflicts_for(user, *, open_only: bool = True):
    """Return the conflicts in the user's area that they may settle (none for members)."""
    if not can_settle(user):
        return SyncConflict.objects.none()
    rows = scoped(user, SyncConflict.objects.select_related("user", "other_user", "settled_by"))
    return rows.filter(settled_at__isnull=True) if open_only else rows


def record_labels(conflicts) -> dict:
    """Return {record uuid: "household key" or "name (household key)"} for a page of conflicts (2 queries)."""
    uuids = {c.record_uuid for c in conflicts}
    labels = {
        h.uuid: h.household_key for h in Household.objects.filter(uuid__in=uuids).only("uuid", "household_key")
    }
    for r in Resident.objects.filter(uuid__in=uuids).select_related("household").only(
        "uuid", "full_name", "household__household_key"
    ):
        labels[r.uuid] = f"{r.full_name} ({r.household.household_key})"
    return labels


def conflict_settle(*, actor, conflict: SyncConflict, keep: str) -> SyncConflict:
    """Settle a conflict: keep the value now on the server ("current") or write the one that lost ("other")."""
    if not can_settle(actor) or not in_scope(actor, conflict):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("Only the team leader or an officer of this area settles conflicts."))
    if keep not in ("current", "other"):
        raise DomainError(FieldErrorCode.KEEP_INVALID, field="keep")
    model = Household if conflict.kind == "household" else Resident
    with transaction.atomic():
        if not SyncConflict.objects.select_for_update().filter(pk=conflict.pk, settled_at__isnull=True).exists():
            raise DomainError(FieldErrorCode.CONFLICT_SETTLED)
        record = merge.fresh(conflict.kind, model.objects.get(uuid=conflict.record_uuid).pk)
        value = merge.current_value(record, conflict.field)
        if keep == "other" and conflict.other_value != value:
            now = timezone.now()
            ctx = merge.EditContext(
                user=actor, device=None, received_at=now, change_uuid=uuid_lib.uuid4(), device_time=now
            )
            merge.write_fields(conflict.kind, record, {conflict.field: conflict.other_value}, ctx)
            value = conflict.other_value
        SyncConflict.objects.filter(pk=conflict.pk).update(
            settled_at=timezone.now(), settled_by=actor, settled_value=value
        )
    conflict.refresh_from_db()
    return conflict
