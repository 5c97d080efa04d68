"""Publish, change and withdraw alerts (officers, inside their own area); every write audited.

The households warned are written by the visit services through the extension in `warnings.py`.
"""

import datetime as dt
import unicodedata

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.permissions import OFFICERS
from gocua.accounts.scope import in_scope
from gocua.accounts.services import audit_record
from gocua.alerts.errors import AlertErrorCode
from gocua.alerts.models import Alert
from gocua.community.images import clean_image
from gocua.errors import CommonErrorCode, Conflict, DomainError, Forbidden
from gocua.lib.text import clean_name
from gocua.places.models import Level, Unit

PUBLISHED, CHANGED, WITHDRAWN = "alert_published", "alert_changed", "alert_withdrawn"
# Sent after an alert is published and committed (`alert=`). The field app connects its Web Push
# to it (field/apps.py): this app sits below the field app and does not import it.
alert_published = Signal()
AUDIT_LABELS = {
    PUBLISHED: _("Scam alert published"),
    CHANGED: _("Scam alert changed"),
    WITHDRAWN: _("Scam alert withdrawn"),
}
TITLE_MAX, TEXT_MAX = 160, 2000
MAX_DAYS = 366
TARGET_LEVELS = (Level.NATION, Level.PROVINCE, Level.COMMUNE)


def _require_officer(actor) -> None:
    if getattr(actor, "role", None) not in OFFICERS:
        raise Forbidden(AlertErrorCode.NOT_OFFICER)


def _text(value, *, limit: int, field: str, required: bool = False) -> str:
    """Return multi-line text in NFC with trimmed lines (line breaks kept), or raise."""
    if value is not None and not isinstance(value, str):
        if required:
            raise DomainError(AlertErrorCode.BODY_REQUIRED, field=field)
        raise DomainError(AlertErrorCode.ALERT_TEXT_INVALID, field=field)
    lines = [" ".join(line.split()) for line in unicodedata.normalize("NFC", value or "").splitlines()]
    text = "\n".join(lines).strip()
    while "\n\n\n" in text:
        text = text.replace("\n\n\n", "\n\n")
    if required and not text:
        raise DomainError(AlertErrorCode.BODY_REQUIRED, field=field)
    if len(text) > limit:
        raise DomainError(CommonErrorCode.TEXT_TOO_LONG, CommonErrorCode.TEXT_TOO_LONG.message % {"n": limit},
                          field=field)
    return text


def _title(value) -> str:
    if value is not None and not isinstance(value, str):
        raise DomainError(AlertErrorCode.ALERT_TITLE_REQUIRED, field="title")
    title = clean_name(value)
    if not title:
        raise DomainError(AlertErrorCode.ALERT_TITLE_REQUIRED, field="title")
    if len(title) > TITLE_MAX:
        raise DomainError(CommonErrorCode.TEXT_TOO_LONG, CommonErrorCode.TEXT_TOO_LONG.message % {"n": TITLE_MAX},
                          field="title")
    return title


def clean_expiry(value) -> dt.date:
    """Return the alert's last day from a date, "dd/mm/yyyy" or "yyyy-mm-dd"; today up to a year ahead."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, str):
        text = value.strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d"):
            try:
                value = dt.datetime.strptime(text, pattern).date()
                break
            except ValueError:
                continue
    if not isinstance(value, dt.date):
        raise DomainError(AlertErrorCode.EXPIRY_INVALID, field="expires_on")
    today = timezone.localdate()
    if value < today:
        raise DomainError(AlertErrorCode.EXPIRY_PAST, field="expires_on")
    if value > today + dt.timedelta(days=MAX_DAYS):
        raise DomainError(AlertErrorCode.EXPIRY_TOO_FAR, field="expires_on")
    return value


def _severity(value) -> str:
    if value not in Alert.Severity.values:
        raise DomainError(AlertErrorCode.SEVERITY_INVALID, field="severity")
    return value


def _target(actor, unit) -> Unit:
    """Return the area the alert is for; never outside the actor's own area (403)."""
    if not isinstance(unit, Unit) or unit.valid_to is not None or unit.level not in TARGET_LEVELS:
        raise DomainError(AlertErrorCode.AREA_REQUIRED, field="unit")
    if not in_scope(actor, unit):
        raise Forbidden(AlertErrorCode.AREA_OUTSIDE, field="unit")
    return unit


def _detail(alert: Alert, **extra) -> dict:
    return {"title": alert.title, "area": alert.unit.code, "severity": alert.severity,
            "expires_on": alert.expires_on.isoformat(), **extra}


def _attach(alert: Alert, upload) -> list[str]:
    """Store the cleaned image files on `alert` (not saved); return the names of the files replaced."""
    old = [name for name in (alert.image.name, alert.thumb.name) if name]
    image = clean_image(upload, field="image")
    alert.image.save(image.full.name, image.full, save=False)
    alert.thumb.save(image.thumb.name, image.thumb, save=False)
    return old


def _delete_files(names) -> None:
    storage = Alert._meta.get_field("image").storage
    for name in names:
        if name:
            storage.delete(name)


def alert_publish(*, actor, unit, title, looks_like, what_to_do="", severity=Alert.Severity.WARNING,
                  expires_on, image=None, request=None) -> Alert:
    """Publish an alert for every team of `unit` (a commune, province or the nation inside the actor's area)."""
    _require_officer(actor)
    alert = Alert(
        title=_title(title),
        looks_like=_text(looks_like, limit=TEXT_MAX, field="looks_like", required=True),
        what_to_do=_text(what_to_do, limit=TEXT_MAX, field="what_to_do"),
        severity=_severity(severity), expires_on=clean_expiry(expires_on), created_by=actor,
    )
    alert.set_target(_target(actor, unit))
    if image:
        _attach(alert, image)
    try:
        with transaction.atomic():
            alert.save()
            audit_record(actor=actor, action=PUBLISHED, obj=alert, detail=_detail(alert), request=request,
                         unit=alert.unit)
            # Listeners above this app (the field app's Web Push) act once the alert is committed.
            transaction.on_commit(lambda: alert_published.send(sender=Alert, alert=alert))
    except Exception:
        _delete_files([alert.image.name, alert.thumb.name])
        raise
    return alert


def _require_manager(actor, alert: Alert) -> None:
    _require_officer(actor)
    if not in_scope(actor, alert):
        raise Forbidden(AlertErrorCode.AREA_OUTSIDE)


def alert_update(*, actor, alert: Alert, values: dict, image=None, remove_image=False, request=None) -> Alert:
    """Change an alert's text, severity, area or last day; `values` holds only the fields to change."""
    _require_manager(actor, alert)
    if alert.withdrawn_at is not None:
        raise Conflict(AlertErrorCode.ALERT_WITHDRAWN)
    cleaners = {
        "title": _title,
        "looks_like": lambda v: _text(v, limit=TEXT_MAX, field="looks_like", required=True),
        "what_to_do": lambda v: _text(v, limit=TEXT_MAX, field="what_to_do"),
        "severity": _severity,
        "expires_on": clean_expiry,
    }
    changes = {}
    for name, value in values.items():
        if name == "unit":
            target = _target(actor, value)
            if target.pk != alert.unit_id:
                changes["unit"] = [alert.unit.code, target.code]
                alert.set_target(target)
            continue
        if name not in cleaners:
            raise DomainError(AlertErrorCode.ALERT_FIELD_UNKNOWN, field=str(name)[:40])
        new = cleaners[name](value)
        if new != getattr(alert, name):
            old = getattr(alert, name)
            changes[name] = [str(old)[:60], str(new)[:60]]
            setattr(alert, name, new)
    replaced = []
    if image:
        replaced = _attach(alert, image)
        changes["image"] = ["", "new"]
    elif remove_image and alert.image:
        replaced = [alert.image.name, alert.thumb.name]
        alert.image, alert.thumb = "", ""
        changes["image"] = ["old", ""]
    if not changes:
        return alert
    alert.updated_at = timezone.now()
    with transaction.atomic():
        alert.save()
        audit_record(actor=actor, action=CHANGED, obj=alert, detail=_detail(alert, changes=changes), request=request,
                     unit=alert.unit)
        transaction.on_commit(lambda: _delete_files(replaced))
    return alert


def alert_withdraw(*, actor, alert: Alert, request=None) -> Alert:
    """Withdraw an alert: it leaves the banners, the visit checklist and the public page at once."""
    _require_manager(actor, alert)
    with transaction.atomic():
        changed = Alert.objects.filter(pk=alert.pk, withdrawn_at__isnull=True).update(
            withdrawn_at=timezone.now(), updated_at=timezone.now())
        if not changed:
            raise Conflict(AlertErrorCode.ALERT_WITHDRAWN)
        alert.refresh_from_db()
        audit_record(actor=actor, action=WITHDRAWN, obj=alert, detail=_detail(alert), request=request, unit=alert.unit)
    return alert
