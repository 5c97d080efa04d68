"""Accounts in the field and the audit log."""

import csv
import io

from django.contrib.auth import authenticate, password_validation
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.client_ip import client_ip  # noqa: F401 — also imported from here by older callers
from gocua.accounts.errors import AccountErrorCode
from gocua.accounts.models import AuditEvent, Role, User, UserSession
from gocua.accounts.permissions import can_browse_audit, can_manage_account, can_manage_user, leader_team
from gocua.errors import CommonErrorCode, DomainError, Forbidden
from gocua.lib import cells
from gocua.lib.bulk import insert_rows

SCOPE_CODES = ("province_code", "commune_code", "village_code")


def _unit_codes(obj, unit) -> dict[str, str]:
    """Return the event's unit code and scope codes, from `unit` or else from `obj`'s own codes."""
    source = unit if unit is not None else obj
    codes = {name: getattr(source, name, "") or "" for name in SCOPE_CODES}
    if unit is not None:
        codes["unit_code"] = unit.code
    else:
        codes["unit_code"] = codes["village_code"] or codes["commune_code"] or codes["province_code"]
    return codes


def _event(*, actor, action, obj, object_type, object_id, detail, request, username, unit) -> AuditEvent:
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    return AuditEvent(
        actor=actor_obj,
        actor_username=actor_obj.username if actor_obj else username[:150],
        action=action,
        object_type=object_type,
        object_id=object_id,
        detail=detail or {},
        ip=client_ip(request),
        **_unit_codes(obj, unit),
    )


def audit_record(
    *, actor, action: str, obj=None, object_type: str = "", object_id: str = "", detail=None, request=None,
    username="", unit=None,
) -> AuditEvent:
    """Append one event to the audit log; `detail` must never hold personal data unmasked.

    The event's unit is `unit` (a Unit) or else `obj`'s own scope codes (households, residents,
    visits, … carry them), so that the log is scoped and filtered by unit.
    """
    event = _event(actor=actor, action=action, obj=obj, object_type=object_type, object_id=object_id,
                   detail=detail, request=request, username=username, unit=unit)
    event.save()
    return event


def audit_record_many(*, actor, action: str, objects, details=None, request=None) -> int:
    """Append one event per object of a batch (a sync upload's visits) with one INSERT; see audit_record.

    The same rows as `audit_record` would write, as plain rows (`gocua.lib.bulk.insert_rows`): a
    model instance per event was a fifth of a sync batch's server time. Return how many.
    """
    actor_obj = actor if getattr(actor, "is_authenticated", False) else None
    ip = client_ip(request)
    constant = {
        "actor_id": actor_obj.pk if actor_obj else None,
        "actor_username": actor_obj.username if actor_obj else "",
        "action": action,
        "ip": AuditEvent._meta.get_field("ip").get_db_prep_save(ip, connection) if ip else None,
    }
    rows = []
    for i, obj in enumerate(objects):
        detail = details[i] if details is not None else None
        rows.append({
            **constant, "object_type": obj._meta.label_lower, "object_id": str(obj.pk), "detail": detail or {},
            **_unit_codes(obj, None),
        })
    return insert_rows(AuditEvent, rows)


def _validate_password(password: str, user: User | None = None) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(CommonErrorCode.PASSWORD_WEAK, " ".join(exc.messages), field="password") from None


def account_create(
    *, actor, username: str, password: str, role: str, scope_unit, full_name: str = "", member=None, request=None
) -> User:
    """Create an account below the actor's role, inside their scope; it must change its password."""
    username = (username or "").strip()
    if not username:
        raise DomainError(AccountErrorCode.USERNAME_REQUIRED, field="username")
    if role not in Role.values:
        raise DomainError(CommonErrorCode.ROLE_INVALID, field="role")
    _require_current(scope_unit)
    if not can_manage_account(actor, role=role, scope_unit=scope_unit):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot create an account with this role here."))
    if actor.role == Role.TEAM_LEADER:
        team = leader_team(actor)
        if member is None or team is None or member.team_id != team.pk:
            raise DomainError(AccountErrorCode.MEMBER_REQUIRED, field="member")
    if member is not None and role not in (Role.TEAM_LEADER, Role.TEAM_MEMBER):
        raise DomainError(AccountErrorCode.MEMBER_ROLE, field="member")
    if member is not None:
        if member.team.unit_id != scope_unit.pk:
            raise DomainError(AccountErrorCode.MEMBER_SCOPE, field="member")
        if member.user_id is not None:
            raise DomainError(AccountErrorCode.MEMBER_HAS_ACCOUNT, field="member")
    user = User(username=username, role=role, scope_unit=scope_unit, full_name=full_name, must_change_password=True)
    _validate_password(password, user)
    user.set_password(password)
    user.is_staff = user.is_superuser = role == Role.NATIONAL_ADMIN
    try:
        with transaction.atomic():
            user.save()
            if member is not None:
                member.user = user
                member.save(update_fields=["user"])
            audit_record(
                actor=actor,
                action=AuditEvent.Action.ACCOUNT_CREATED,
                obj=user,
                detail={"role": role, "scope": scope_unit.code},
                request=request,
            )
    except IntegrityError:
        raise DomainError(AccountErrorCode.USERNAME_TAKEN, field="username") from None
    return user


def _require_current(scope_unit) -> None:
    if scope_unit is None:
        raise DomainError(AccountErrorCode.SCOPE_REQUIRED, field="scope_unit")
    if scope_unit.valid_to is not None:
        raise DomainError(AccountErrorCode.UNIT_CLOSED, field="scope_unit")


def _require_manager(actor, user: User) -> None:
    if not can_manage_user(actor, user):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot manage this account."))


def end_sessions(user: User, *, keep: str | None = None) -> int:
    """Delete every log-in session of `user` recorded by `login_record` (except the session `keep`)."""
    rows = UserSession.objects.filter(user=user).exclude(session_key=keep or "")
    keys = list(rows.values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    rows.delete()
    return len(keys)


def _revoke_devices(*, actor, user: User, reason: str, request=None) -> int:
    # field imports this module at load time; importing it back here at the top would be a cycle.
    from gocua.field.tokens import tokens_revoke_all

    return tokens_revoke_all(actor=actor, owner=user, reason=reason, request=request)


def session_track(*, user: User, request) -> None:
    """Remember the current session of `user` (after log-in or a session key change)."""
    if request.session.session_key:
        UserSession.objects.get_or_create(user=user, session_key=request.session.session_key)


def _forget_dead_sessions(user: User) -> None:
    # Sessions expire without logging out; drop their rows so the table stays small.
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    live = Session.objects.filter(session_key__in=keys, expire_date__gt=timezone.now()).values_list(
        "session_key", flat=True
    )
    dead = set(keys) - set(live)
    if dead:
        UserSession.objects.filter(user=user, session_key__in=dead).delete()


def login_record(*, user: User, request) -> None:
    """Remember the new session of `user` and write the log-in to the audit log."""
    _forget_dead_sessions(user)
    session_track(user=user, request=request)
    audit_record(actor=user, action=AuditEvent.Action.LOGIN, obj=user, request=request)


def logout_record(*, user: User, request, reason: str = "") -> None:
    """Forget the session being ended and write the log-out to the audit log."""
    if not getattr(user, "is_authenticated", False):
        return
    if request.session.session_key:
        UserSession.objects.filter(user=user, session_key=request.session.session_key).delete()
    detail = {"reason": reason} if reason else None
    audit_record(actor=user, action=AuditEvent.Action.LOGOUT, obj=user, detail=detail, request=request)


def login_failed_record(*, username: str, request) -> None:
    """Write a failed log-in (the user name typed, never the password) to the audit log."""
    audit_record(actor=None, action=AuditEvent.Action.LOGIN_FAILED, username=username or "", request=request)


def account_set_active(*, actor, user: User, active: bool, request=None) -> User:
    """Deactivate (ending all sessions) or reactivate an account."""
    _require_manager(actor, user)
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        if not active:
            end_sessions(user)
            # Reactivation does not bring these back: the person logs each device in again.
            _revoke_devices(actor=actor, user=user, reason="deactivated", request=request)
        action = AuditEvent.Action.ACCOUNT_REACTIVATED if active else AuditEvent.Action.ACCOUNT_DEACTIVATED
        audit_record(actor=actor, action=action, obj=user, request=request)
    return user


def account_reset_password(*, actor, user: User, new_password: str, request=None) -> User:
    """Set a temporary password that the user must change at next log-in."""
    _require_manager(actor, user)
    _validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        end_sessions(user)
        _revoke_devices(actor=actor, user=user, reason="password_reset", request=request)
        audit_record(actor=actor, action=AuditEvent.Action.PASSWORD_RESET, obj=user, request=request)
    return user


def account_change_role(*, actor, user: User, role: str, scope_unit, request=None) -> User:
    """Change an account's role or scope (both old and new must be within the actor's reach)."""
    _require_manager(actor, user)
    if role not in Role.values:
        raise DomainError(CommonErrorCode.ROLE_INVALID, field="role")
    _require_current(scope_unit)
    if not can_manage_account(actor, role=role, scope_unit=scope_unit):
        raise Forbidden(CommonErrorCode.FORBIDDEN, _("You cannot give this role here."))
    with transaction.atomic():
        before = {"role": user.role, "scope": user.scope_unit.code if user.scope_unit else None}
        user.role, user.scope_unit = role, scope_unit
        user.is_staff = user.is_superuser = role == Role.NATIONAL_ADMIN
        user.save(update_fields=["role", "scope_unit", "is_staff", "is_superuser"])
        audit_record(
            actor=actor,
            action=AuditEvent.Action.ROLE_CHANGED,
            obj=user,
            detail={"before": before, "after": {"role": role, "scope": scope_unit.code}},
            request=request,
        )
    return user


def _old_password_ok(user: User, password: str, request) -> bool:
    if request is None:  # called from code, not from a person at a door: nothing to throttle
        return user.check_password(password)
    # Through authenticate(), so the log-in limiter counts and refuses guesses here as on /login/.
    found = authenticate(request, username=user.get_username(), password=password)
    return found is not None and found.pk == user.pk


def password_change(*, user: User, old_password: str, new_password: str, request=None) -> User:
    """Change one's own password: log out every other session and device (clears the must-change flag)."""
    if not _old_password_ok(user, old_password or "", request):
        if getattr(request, "axes_locked_out", False):
            from gocua.accounts.throttle import lockout_message, lockout_seconds

            raise DomainError("too_many_attempts", lockout_message(lockout_seconds(request)), field="old_password")
        raise DomainError(AccountErrorCode.PASSWORD_WRONG, field="old_password")
    if old_password == new_password:
        raise DomainError(AccountErrorCode.PASSWORD_SAME, field="new_password")
    _validate_password(new_password, user)
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        session = getattr(request, "session", None)
        end_sessions(user, keep=session.session_key if session is not None else None)
        _revoke_devices(actor=user, user=user, reason="password_changed", request=request)
        audit_record(actor=user, action=AuditEvent.Action.PASSWORD_CHANGED, obj=user, request=request)
    return user


AUDIT_EXPORT_LIMIT = 50_000  # rows per file: a wider export is a narrower filter away


def audit_log_export(*, actor, events, filters: dict, request=None) -> str:
    """Return the filtered audit log as CSV text (readable lines, masked changes); the export is audited."""
    # Imported here: audit_text reads the registry models, whose services import this module.
    from gocua.accounts.audit_text import audit_rows

    if not can_browse_audit(actor):
        raise Forbidden("forbidden", _("Your role cannot read the audit log."))
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(cells.csv_row([_("When"), _("Who"), _("Action"), _("Description"), _("Unit"), _("Changes"),
                                   _("IP address")]))
    rows = 0
    chunk = []
    for event in events[:AUDIT_EXPORT_LIMIT].iterator(chunk_size=1000):
        chunk.append(event)
        if len(chunk) == 1000:
            rows += _write_audit_rows(writer, chunk, audit_rows)
            chunk = []
    rows += _write_audit_rows(writer, chunk, audit_rows)
    with transaction.atomic():
        audit_record(actor=actor, action=AuditEvent.Action.EXPORT, object_type="accounts.auditevent",
                     detail={"kind": "audit_log", "rows": rows, "format": "csv",
                             "filters": {k: str(v) for k, v in filters.items() if v}}, request=request)
    return out.getvalue()


def _write_audit_rows(writer, events, audit_rows) -> int:
    for row in audit_rows(events):
        event = row.event
        # A failed log-in keeps the user name as typed: "=HYPERLINK(…)" must stay text in Excel.
        writer.writerow(cells.csv_row([
            timezone.localtime(event.at).strftime("%d/%m/%Y %H:%M:%S"), event.actor_username,
            event.get_action_display(), row.line, row.unit_name, "; ".join(row.changes), event.ip or "",
        ]))
    return len(events)
