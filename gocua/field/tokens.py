"""Device tokens: issue on log-in (throttled, audited), check on each request, list and revoke.

A token is `gocua_` + 32 random bytes (URL-safe base64). Only its SHA-256 is stored, so a copy
of the database cannot be replayed as a credential; the secret is shown once, at log-in.
"""

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import authenticate
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent, User
from gocua.accounts.permissions import can_manage_user
from gocua.accounts.services import audit_record, client_ip, password_change
from gocua.errors import CommonErrorCode, DomainError, Forbidden, NotFound
from gocua.field.errors import FieldErrorCode
from gocua.field.models import DeviceToken, LoginFailure
from gocua.lib.text import clean_name

TOKEN_PREFIX = "gocua_"
# Throttling: this many failures in the window lock the account (or the address) until the
# oldest failure leaves the window. Per address is higher: a commune office shares one address.
FAIL_WINDOW = dt.timedelta(minutes=15)
MAX_FAILURES_PER_ACCOUNT = 5
MAX_FAILURES_PER_ADDRESS = 30
# A token's last use is written at most this often, so reads do not each cost a write.
TOUCH_EVERY = dt.timedelta(minutes=5)


class Unauthenticated(DomainError):
    status = 401


class TooManyAttempts(DomainError):
    status = 429

    def __init__(self, retry_after: int):
        super().__init__(
            "too_many_attempts", _("Too many failed log-ins; wait %(minutes)s minutes and try again.")
            % {"minutes": max(1, -(-retry_after // 60))},
        )
        self.retry_after = retry_after


def token_lifetime() -> dt.timedelta:
    return dt.timedelta(days=settings.GOCUA_DEVICE_TOKEN_DAYS)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass
class Issued:
    token: DeviceToken
    secret: str


# --- throttling -----------------------------------------------------------------------------------


def _retry_after(username: str, ip: str | None, now: dt.datetime) -> int:
    """Return the seconds until this account and address may try again (0: now)."""
    since = now - FAIL_WINDOW
    limits = [({"username": username}, MAX_FAILURES_PER_ACCOUNT)]
    if ip is not None:
        limits.append(({"ip": ip}, MAX_FAILURES_PER_ADDRESS))
    waits = []
    for filters, limit in limits:
        recent = LoginFailure.objects.filter(at__gt=since, **filters).order_by("-at").values_list("at", flat=True)
        times = list(recent[:limit])
        if len(times) >= limit:
            # Locked until the oldest of the last `limit` failures leaves the window.
            waits.append(int((times[-1] + FAIL_WINDOW - now).total_seconds()) + 1)
    return max(waits, default=0)


def _fail(username: str, ip: str | None, now: dt.datetime, request) -> None:
    LoginFailure.objects.create(username=username, ip=ip, at=now)
    LoginFailure.objects.filter(at__lt=now - FAIL_WINDOW).delete()
    audit_record(
        actor=None, action=AuditEvent.Action.LOGIN_FAILED, username=username, detail={"via": "device_token"},
        request=request,
    )


# --- issue -------------------------------------------------------------------------------------------


def _bad_credentials() -> Unauthenticated:
    return Unauthenticated(FieldErrorCode.LOGIN_FAILED)


def token_issue(*, username: str, password: str, device_name: str, new_password: str = "", request=None) -> Issued:
    """Log a device in with a user name and password; return its new token (the secret is shown once).

    A user who must change their password gets `password_change_required` unless `new_password`
    is given, in which case the password is changed first (as the web page would).
    """
    username = (username or "").strip().lower()[:150]
    device_name = clean_name(device_name)[:80]
    if not device_name:
        raise DomainError(FieldErrorCode.DEVICE_NAME_REQUIRED, field="device_name")
    ip, now = client_ip(request), timezone.now()
    wait = _retry_after(username, ip, now)
    if wait:
        raise TooManyAttempts(wait)
    user = authenticate(request, username=username, password=password or "")
    if user is None:
        _fail(username, ip, now, request)
        raise _bad_credentials()
    if user.scope_unit_id is None:
        raise Forbidden(FieldErrorCode.NO_SCOPE)
    if user.must_change_password:
        if not new_password:
            raise Forbidden(FieldErrorCode.PASSWORD_CHANGE_REQUIRED, field="new_password")
        password_change(user=user, old_password=password, new_password=new_password, request=request)
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        LoginFailure.objects.filter(username=username).delete()
        token = DeviceToken.objects.create(
            user=user, name=device_name, key_hash=hash_secret(secret), prefix=secret[len(TOKEN_PREFIX):][:8],
            expires_at=now + token_lifetime(),
        )
        audit_record(
            actor=user, action=AuditEvent.Action.LOGIN, obj=user,
            detail={"via": "device_token", "token": token.pk}, request=request,
        )
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
