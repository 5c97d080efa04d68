"""Device tokens: issue on log-in (throttled, audited), check on each request, list and revoke.

A token dies with the password: a password change or reset and a deactivation revoke every
token of the user (`tokens_revoke_all`), and reactivation does not bring them back.

A token is `gocua_` + 32 random bytes (URL-safe base64). Only its SHA-256 is stored, so a copy
of the database cannot be replayed as a credential; the secret is shown once, at log-in.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent, User
from gocua.accounts.permissions import can_manage_user
from gocua.accounts.services import audit_record, password_change
from gocua.accounts.throttle import lockout_message, lockout_seconds
from gocua.errors import CommonErrorCode, DomainError, Forbidden, NotFound
from gocua.field.errors import FieldErrorCode
from gocua.field.models import DeviceToken
from gocua.lib.text import clean_name

TOKEN_PREFIX = "gocua_"
# A token's last use is written at most this often, so reads do not each cost a write.
TOUCH_EVERY = dt.timedelta(minutes=5)


class Unauthenticated(DomainError):
    status = 401


class TooManyAttempts(DomainError):
    status = 429

    def __init__(self, retry_after: int):
        super().__init__("too_many_attempts", lockout_message(retry_after))
        self.retry_after = retry_after


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.GOCUA_DEVICE_TOKEN_DAYS)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class Issued:
    token: DeviceToken
    secret: str


# --- throttling: the one log-in limiter (gocua/accounts/throttle.py, django-axes) ---------------------


def _fail(username: str, request) -> None:
    audit_record(
        actor=None, action=AuditEvent.Action.LOGIN_FAILED, username=username, detail={"via": "device_token"},
        request=request,
    )
    if getattr(request, "axes_locked_out", False):
        raise TooManyAttempts(lockout_seconds(request))


# --- issue -------------------------------------------------------------------------------------------


def _bad_credentials() -> Unauthenticated:
    return Unauthenticated(FieldErrorCode.LOGIN_FAILED)


def _require_second_factor(user: User, code: str, request) -> None:
    """Refuse a token to a user who signs in with a one-time code unless the code is right."""
    from gocua.accounts.middleware import two_factor_required
    from gocua.accounts.two_factor import has_two_factor, otp_check

    if has_two_factor(user):
        if not code:
            raise Forbidden("otp_required", _("Enter the code from your authenticator app."), field="otp")
        if otp_check(user=user, code=code) is None:
            _fail(user.get_username(), request)
            raise Unauthenticated("otp_wrong", _("This code is wrong or too old; enter the current one."))
    elif two_factor_required(user):
        raise Forbidden("otp_enrolment_required", _("Set up two-factor sign-in on the web pages first."))


def token_issue(
    *, username: str, password: str, device_name: str, new_password: str = "", otp: str = "", request=None
) -> Issued:
    """Log a device in with a user name and password; return its new token (the secret is shown once).

    A user who must change their password gets `password_change_required` unless `new_password`
    is given, in which case the password is changed first (as the web page would).
    """
    username = (username or "").strip().lower()[:150]
    device_name = clean_name(device_name)[:80]
    if not device_name:
        raise DomainError(FieldErrorCode.DEVICE_NAME_REQUIRED, field="device_name")
    now = timezone.now()
    if request is None:  # called from code (tests, benchmarks): a request with no address
        request = HttpRequest()
    # AxesBackend refuses a locked-out caller before the password is looked at, and counts a failure.
    user = authenticate(request, username=username, password=password or "")
    if user is None:
        _fail(username, request)
        raise _bad_credentials()
    _require_second_factor(user, otp or "", request)
    if user.scope_unit_id is None:
        raise Forbidden(FieldErrorCode.NO_SCOPE)
    if user.must_change_password:
        if not new_password:
            raise Forbidden(FieldErrorCode.PASSWORD_CHANGE_REQUIRED, field="new_password")
        password_change(user=user, old_password=password, new_password=new_password, request=request)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = DeviceToken.objects.create(
            user=user, name=device_name, key_hash=hash_secret(secret), prefix=secret[len(TOKEN_PREFIX):][:8],
            expires_at=now + token_lifetime(),
        )
        audit_record(
            actor=user, action=AuditEvent.Action.LOGIN, obj=user,
            detail={"via": "device_token", "token": token.pk}, request=request,
        )
    # Tells the limiter this address is a known device of the account (axes' AccessLog).
    user_logged_in.send(sender=user.__class__, request=request, user=user)
    return Issued(token, secret)


# --- check (every request) ----------------------------------------------------------------------------


def token_authenticate(secret: str) -> DeviceToken:
    """Return the live token for `secret` with its user; raise Unauthenticated with the reason otherwise."""
    if not secret.startswith(TOKEN_PREFIX) or len(secret) > 100:
        raise Unauthenticated(FieldErrorCode.TOKEN_INVALID)
    token = DeviceToken.objects.select_related("user", "user__scope_unit").filter(key_hash=hash_secret(secret)).first()
    if token is None:
        raise Unauthenticated(FieldErrorCode.TOKEN_INVALID)
    now = timezone.now()
    if token.revoked_at is not None:
        raise Unauthenticated(FieldErrorCode.TOKEN_REVOKED)
    if token.expires_at <= now:
        raise Unauthenticated(FieldErrorCode.TOKEN_EXPIRED)
    if not token.user.is_active:
        raise Unauthenticated(FieldErrorCode.ACCOUNT_INACTIVE)
    if token.user.must_change_password:
        # A manager reset the password (perhaps because the phone was lost): the device waits.
        raise Unauthenticated(FieldErrorCode.PASSWORD_CHANGE_REQUIRED, _("Your password was reset; log in again."))
    if token.last_used_at is None or now - token.last_used_at > TOUCH_EVERY:
        DeviceToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    return token


# --- list and revoke ---------------------------------------------------------------------------------


def can_manage_tokens(actor, owner: User) -> bool:
    return actor.pk == owner.pk or can_manage_user(actor, owner)


def tokens_of(*, actor, owner: User):
    """Return the live and recent tokens of `owner` (the actor themselves or someone they manage)."""
    if not can_manage_tokens(actor, owner):
        raise NotFound(CommonErrorCode.NOT_FOUND)
    return DeviceToken.objects.filter(user=owner).order_by("-created_at", "-id")


def token_revoke(*, actor, token: DeviceToken, request=None) -> DeviceToken:
    """Revoke a token (its owner, or a manager of the owner); the device wipes its data on its next contact."""
    if not can_manage_tokens(actor, token.user):
        raise NotFound(CommonErrorCode.NOT_FOUND)
    with transaction.atomic():
        updated = DeviceToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now(), revoked_by=actor
        )
        if updated:
            audit_record(
                actor=actor, action=AuditEvent.Action.LOGOUT, obj=token.user,
                detail={"via": "device_token", "token": token.pk, "by_manager": actor.pk != token.user_id},
                request=request,
            )
    token.refresh_from_db()
    return token


def tokens_revoke_all(*, actor, owner: User, reason: str, request=None) -> int:
    """Revoke every live token of `owner` (the caller checks who may); audit it once; return how many."""
    with transaction.atomic():
        ids = list(DeviceToken.objects.filter(user=owner, revoked_at__isnull=True).values_list("pk", flat=True))
        if ids:
            DeviceToken.objects.filter(pk__in=ids).update(
                revoked_at=timezone.now(), revoked_by=actor if getattr(actor, "is_authenticated", False) else None
            )
            audit_record(
                actor=actor, action=AuditEvent.Action.DEVICES_REVOKED, obj=owner,
                detail={"tokens": ids, "reason": reason}, request=request,
            )
    return len(ids)


def tokens_revoke_all_of(*, actor, owner: User, request=None) -> int:
    """Log every device of `owner` out (the owner, or someone who manages them)."""
    if not can_manage_tokens(actor, owner):
        raise NotFound("not_found", _("Not found, or outside your area."))
    return tokens_revoke_all(actor=actor, owner=owner, reason="by_owner" if actor.pk == owner.pk else "by_manager",
                             request=request)
