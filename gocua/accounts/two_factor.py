"""Two-factor sign-in (TOTP) for officers and administrators, with django-otp.

Enrolment makes an unconfirmed TOTP device; the first correct code confirms it and makes ten
recovery codes (a static device), shown once. After the password, a user with a confirmed
device is held at the code page until a TOTP or recovery code marks the session verified.
"""

from base64 import b32encode

import segno
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from django_otp import login as otp_login
from django_otp import user_has_device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from gocua.accounts.models import AuditEvent, User
from gocua.accounts.services import audit_record, end_sessions
from gocua.errors import DomainError

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"


def has_two_factor(user: User) -> bool:
    """Return whether `user` has a confirmed authenticator."""
    return user_has_device(user, confirmed=True)


def pending_device(user: User) -> TOTPDevice:
    """Return the unconfirmed TOTP device being enrolled, making one if there is none."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def secret_text(device: TOTPDevice) -> str:
    """Return the secret as the base32 text an authenticator app accepts when typed, in groups of four."""
    raw = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(raw[i : i + 4] for i in range(0, len(raw), 4))


def qr_svg(device: TOTPDevice) -> str:
    """Return the enrolment QR code as inline SVG, drawn here (no external service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=4, border=2)


def _clean(code: str) -> str:
    return "".join((code or "").split()).lower()[:16]


def otp_confirm(*, user: User, code: str, request=None) -> list[str]:
    """Confirm the pending authenticator with a code from it; return the new recovery codes (shown once)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        raise DomainError("otp_no_enrolment", _("Start the set-up again."), field="code")
    if not device.verify_token(_clean(code)):
        raise DomainError("otp_wrong", _("This code is wrong or too old; enter the current one."), field="code")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        StaticDevice.objects.filter(user=user).delete()
        static = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
        codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
        StaticToken.objects.bulk_create([StaticToken(device=static, token=c) for c in codes])
        audit_record(actor=user, action=AuditEvent.Action.TWO_FACTOR_ENABLED, obj=user, request=request)
        # Sessions that logged in with the password alone must now give a code too.
        session = getattr(request, "session", None)
        end_sessions(user, keep=session.session_key if session is not None else None)
    if request is not None:
        from gocua.accounts.middleware import NO_SECOND_FACTOR_KEY

        request.session.pop(NO_SECOND_FACTOR_KEY, None)
        otp_login(request, device)  # the session that just proved the code is verified
    return codes


def otp_check(*, user: User, code: str):
    """Return the confirmed device (authenticator or recovery codes) that accepts `code`, or None."""
    code = _clean(code)
    if not code:
        return None
    for model in (TOTPDevice, StaticDevice):
        for device in model.objects.filter(user=user, confirmed=True):
            # verify_token counts failures per device and refuses while throttled (django-otp).
            if device.verify_token(code):
                return device
    return None


def otp_verify(*, user: User, code: str, request) -> None:
    """Mark the session verified with a TOTP or recovery code; refuse a wrong one (audited)."""
    device = otp_check(user=user, code=code)
    if device is None:
        audit_record(
            actor=user, action=AuditEvent.Action.LOGIN_FAILED, obj=user, detail={"via": "otp"}, request=request
        )
        raise DomainError("otp_wrong", _("This code is wrong or too old; enter the current one."), field="code")
    otp_login(request, device)
    audit_record(actor=user, action=AuditEvent.Action.LOGIN, obj=user, detail={"via": "otp"}, request=request)


def otp_disable(*, actor, user: User, request=None) -> None:
    """Remove a user's authenticator and recovery codes (themselves, or a manager for a lost phone)."""
    from gocua.accounts.permissions import can_manage_user
    from gocua.errors import Forbidden

    if actor.pk != user.pk and not can_manage_user(actor, user):
        raise Forbidden("forbidden", _("You cannot manage this account."))
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        audit_record(actor=actor, action=AuditEvent.Action.TWO_FACTOR_DISABLED, obj=user, request=request)
