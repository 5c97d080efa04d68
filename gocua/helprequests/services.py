"""Every write on help requests: the public submission (with its abuse guards) and the team's actions.

The public form has no account behind it, so the guards live here, before anything is written:
a limit per client address and per phone (`RateCounter`), a honeypot field, a signed
time-to-fill stamp, no links, bounded text. None of them depends on whether the phone is
already known, so the answer never tells a stranger anything about a resident.
"""

import hashlib
import hmac
import re
import secrets
import time

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from gocua.accounts.models import Role
from gocua.accounts.permissions import OFFICERS
from gocua.accounts.scope import in_scope
from gocua.accounts.services import audit_record
from gocua.errors import CommonErrorCode, DomainError, Forbidden, NotFound
from gocua.helprequests.errors import HelpErrorCode
from gocua.helprequests.models import CloseReason, HelpRequest, PreferredTime, RateCounter, SpamMark, Status
from gocua.lib import phone as phones
from gocua.places.models import Level, Unit

NAME_MAX = 80
OTHER_MAX = 300
NOTE_MAX = 300
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud over the phone
CODE_LENGTH = 8
TOKEN_SALT = "gocua.helprequests.form"
TOKEN_MAX_AGE = 24 * 3600  # a form left open overnight must be reloaded
# Web addresses in any form a spammer writes them: a scheme, www., or a name.tld with a common ending.
LINK = re.compile(
    r"(https?://|www\.|\b[\w-]+\.(com|net|org|vn|info|xyz|top|io|me|ly|link|click|site|online|shop)\b)",
    re.IGNORECASE,
)


class TooManyRequests(DomainError):
    status = 429


# --- the form's guards ----------------------------------------------------------------------------


def form_token(now: float | None = None) -> str:
    """Return the signed time stamp the public form carries, so a submission shows when the form was opened."""
    return signing.dumps(int(now if now is not None else time.time()), salt=TOKEN_SALT)


def _check_token(token: str) -> None:
    try:
        opened = signing.loads(token or "", salt=TOKEN_SALT, max_age=TOKEN_MAX_AGE)
    except (signing.BadSignature, TypeError, ValueError):
        raise DomainError(HelpErrorCode.FORM_EXPIRED) from None
    if not isinstance(opened, int) or time.time() - opened < settings.GOCUA_HELP_MIN_FILL_SECONDS:
        raise DomainError(HelpErrorCode.FORM_TOO_FAST)


def _rate_key(kind: str, value: str) -> str:
    # Keyed, so the counter table holds neither addresses nor phones, and cannot be reversed by hashing guesses.
    return hmac.new(settings.SECRET_KEY.encode(), f"help:{kind}:{value}".encode(), hashlib.sha256).hexdigest()


def rate_hit(kind: str, value: str, limit: int) -> bool:
    """Count one request for `value` in this hour's window; return whether it is within `limit`.

    A fixed one-hour window: the row for (key, hour) is created once and then incremented with a
    conditional UPDATE, so concurrent requests each add exactly one.
    """
    key = _rate_key(kind, value)
    window = int(time.time() // 3600)
    with transaction.atomic():
        updated = RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1)
        if not updated:
            try:
                with transaction.atomic():
                    RateCounter.objects.create(key=key, window=window, count=1)
            except IntegrityError:  # another worker created it meanwhile
                RateCounter.objects.filter(key=key, window=window).update(count=F("count") + 1)
        count = RateCounter.objects.filter(key=key, window=window).values_list("count", flat=True).first() or 0
    return count <= limit


def rate_counters_prune(*, keep_hours: int = 48) -> int:
    """Delete counters of windows that ended long ago; return how many."""
    oldest = int(time.time() // 3600) - keep_hours
    return RateCounter.objects.filter(window__lt=oldest).delete()[0]


def _too_many() -> TooManyRequests:
    return TooManyRequests(HelpErrorCode.TOO_MANY)


def _clean_text(value, *, limit: int, field: str) -> str:
    text = " ".join(str(value or "").split())
    if len(text) > limit:
        raise DomainError(CommonErrorCode.TEXT_TOO_LONG, CommonErrorCode.TEXT_TOO_LONG.message % {"n": limit},
                          field=field)
    if LINK.search(text):
        raise DomainError(HelpErrorCode.LINK_NOT_ALLOWED, field=field)
    return text


def _new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def help_village(code: str) -> Unit:
    """Return the current village with this code, or raise NotFound."""
    unit = Unit.objects.filter(code=(code or "")[:20], level=Level.VILLAGE, valid_to__isnull=True).first()
    if unit is None:
        raise NotFound(HelpErrorCode.VILLAGE_UNKNOWN)
    return unit


def help_submit(*, village: Unit, data: dict, client_address: str | None) -> HelpRequest:
    """File a resident's request from the public page; return it (its `code` is the resident's ticket).

    Refused (DomainError, nothing written) for a filled honeypot, a form too fresh or too old,
    links or oversized text, a bad phone; `TooManyRequests` (429) past the limits. A phone
    already known, folded or marked as spam gets exactly the same answer as a new one.
    """
    if not rate_hit("address", client_address or "-", settings.GOCUA_HELP_PER_ADDRESS_PER_HOUR):
        raise _too_many()
    if (data.get("website") or "").strip():
        raise DomainError(HelpErrorCode.HONEYPOT)
    _check_token(data.get("t") or "")
    from gocua.outreach.models import ServiceItem

    service = None
    raw_service = (data.get("service") or "").strip()
    if raw_service != "other":
        service = ServiceItem.objects.filter(code=raw_service[:40], is_active=True).first() if raw_service else None
        if service is None:
            raise DomainError(HelpErrorCode.SERVICE_INVALID, field="service")
    other_text = _clean_text(data.get("other_text"), limit=OTHER_MAX, field="other_text")
    preferred = (data.get("preferred_time") or PreferredTime.ANYTIME).strip()
    if preferred not in PreferredTime.values:
        raise DomainError(HelpErrorCode.TIME_INVALID, field="preferred_time")
    name = _clean_text(data.get("name"), limit=NAME_MAX, field="name")
    if not name:
        raise DomainError(HelpErrorCode.NAME_REQUIRED, field="name")
    raw_phone = str(data.get("phone") or "")
    if len(raw_phone) > 32:
        raise DomainError(CommonErrorCode.PHONE_INVALID, field="phone")
    try:
        phone = phones.normalise(raw_phone)
    except phones.PhoneError:
        raise DomainError(CommonErrorCode.PHONE_INVALID, field="phone") from None
    if not data.get("consent"):
        raise DomainError(HelpErrorCode.CONSENT_REQUIRED, field="consent")
    if not rate_hit("phone", phone, settings.GOCUA_HELP_PER_PHONE_PER_HOUR):
        raise _too_many()
    with transaction.atomic():
        spam = SpamMark.objects.filter(village=village, phone=phone).exists()
        head = (
            HelpRequest.objects.select_for_update()
            .filter(village=village, phone=phone, folded_into__isnull=True)
            .exclude(status=Status.CLOSED).order_by("created_at", "pk").first()
        )
        request = HelpRequest(
            code=_new_code(), village=village, service=service, other_text=other_text, preferred_time=preferred,
            name=name, phone=phone, is_spam=spam or bool(head and head.is_spam), folded_into=head,
        )
        request.set_codes_from(village)
        if head is not None:
            request.status = head.status
        request.save()
        if head is not None:
            HelpRequest.objects.filter(pk=head.pk).update(repeat_count=F("repeat_count") + 1)
    return request


# --- the team's actions ----------------------------------------------------------------------------


def acting_member(actor, request: HelpRequest):
    """Return the actor's current team membership if that team answers for the request's village."""
    member = getattr(actor, "member", None)
    if member is None or member.left_on is not None or not in_scope(actor, request):
        return None
    team = member.team
    if team.village_code:
        return member if team.village_code == request.village_code else None
    return member if team.commune_code == request.commune_code else None


def can_work(actor, request: HelpRequest) -> bool:
    """Return whether the actor may call back, link or close: the village's team, or an officer in scope."""
    if acting_member(actor, request) is not None:
        return True
    return getattr(actor, "role", None) in OFFICERS and in_scope(actor, request)


def sees_phone(actor, request: HelpRequest) -> bool:
    """Return whether the actor sees the resident's phone in full: only the team handling the request."""
    return acting_member(actor, request) is not None


def _head(request: HelpRequest) -> HelpRequest:
    head = request.folded_into if request.folded_into_id else request
    return HelpRequest.objects.select_for_update().get(pk=head.pk)


def _require(actor, request: HelpRequest) -> None:
    if not in_scope(actor, request):
        raise NotFound(CommonErrorCode.NOT_FOUND)
    if not can_work(actor, request):
        raise Forbidden(CommonErrorCode.FORBIDDEN)


def _open(head: HelpRequest) -> None:
    if head.status == Status.CLOSED:
        raise DomainError(HelpErrorCode.ALREADY_CLOSED)


def _audit(actor, action: str, head: HelpRequest, **detail) -> None:
    audit_record(actor=actor, action=action, obj=head, detail={"code": head.code, **detail})


def _group(head: HelpRequest):
    return HelpRequest.objects.filter(pk=head.pk) | HelpRequest.objects.filter(folded_into=head)


def help_claim(*, actor, request: HelpRequest) -> HelpRequest:
    """Take the request as the actor's own (a member of the village team); return the queue entry."""
    _require(actor, request)
    with transaction.atomic():
        head = _head(request)
        _open(head)
        member = acting_member(actor, head)
        if member is None:
            raise Forbidden(HelpErrorCode.NOT_A_MEMBER)
        now = timezone.now()
        head.claimed_by, head.claimed_at, head.last_action_at = member, now, now
        head.status = Status.CLAIMED
        head.save(update_fields=["claimed_by", "claimed_at", "last_action_at", "status"])
        _group(head).exclude(pk=head.pk).update(status=Status.CLAIMED)
        _audit(actor, "help_claimed", head, member=member.pk)
    return head


def help_call(*, actor, request: HelpRequest) -> HelpRequest:
    """Note that the team called the resident back."""
    _require(actor, request)
    with transaction.atomic():
        head = _head(request)
        _open(head)
        now = timezone.now()
        head.called_at = head.last_action_at = now
        head.save(update_fields=["called_at", "last_action_at"])
        _audit(actor, "help_called", head)
    return head


def help_link(*, actor, request: HelpRequest, household) -> HelpRequest:
    """Link the request to a household of its own village (the resident never sees anything of it)."""
    _require(actor, request)
    if household is None or household.village_code != request.village_code or not in_scope(actor, household):
        raise DomainError(HelpErrorCode.HOUSEHOLD_ELSEWHERE, field="household")
    with transaction.atomic():
        head = _head(request)
        _open(head)
        head.household = household
        head.last_action_at = timezone.now()
        head.save(update_fields=["household", "last_action_at"])
        _audit(actor, "help_linked", head, household=household.pk)
    return head


def _close(actor, head: HelpRequest, *, reason: str, note: str = "", visit=None) -> None:
    now = timezone.now()
    _group(head).update(status=Status.CLOSED, closed_at=now, closed_by=actor, close_reason=reason,
                        close_note=note, visit=visit, last_action_at=now)
    _audit(actor, "help_closed", head, reason=reason, **({"visit": visit.pk} if visit is not None else {}))


def help_close(*, actor, request: HelpRequest, reason: str, note: str = "") -> HelpRequest:
    """Close the request (and the ones folded into it) with a reason."""
    _require(actor, request)
    if reason not in CloseReason.values or reason == CloseReason.VISIT:
        raise DomainError(HelpErrorCode.REASON_INVALID, field="reason")
    note = _clean_text(note, limit=NOTE_MAX, field="note") if note else ""
    with transaction.atomic():
        head = _head(request)
        _open(head)
        _close(actor, head, reason=reason, note=note)
    head.refresh_from_db()
    return head


def help_close_by_visits(*, actor, visits) -> int:
    """Close the open requests linked to the households of these visits; return how many entries closed.

    Called by the visit service inside its transaction, so a visit and the request it answers
    are recorded together (web form, API and sync upload alike).
    """
    by_household = {v.household_id: v for v in visits}
    if not by_household:
        return 0
    heads = list(
        HelpRequest.objects.select_for_update()
        .filter(household_id__in=list(by_household), folded_into__isnull=True)
        .exclude(status=Status.CLOSED)
    )
    for head in heads:
        _close(actor, head, reason=CloseReason.VISIT, visit=by_household[head.household_id])
    return len(heads)


def help_mark_spam(*, actor, request: HelpRequest) -> int:
    """Hide every request from this phone in this village (the team or an officer); return how many."""
    _require(actor, request)
    with transaction.atomic():
        SpamMark.objects.get_or_create(
            village_id=request.village_id, phone=request.phone,
            defaults={"marked_by": actor, "province_code": request.province_code,
                      "commune_code": request.commune_code, "village_code": request.village_code},
        )
        hidden = HelpRequest.objects.filter(village_id=request.village_id, phone=request.phone).update(is_spam=True)
        _audit(actor, "help_spam_marked", request, phone=phones.mask(request.phone), hidden=hidden)
    return hidden


def help_unmark_spam(*, actor, request: HelpRequest) -> int:
    """Show this phone's requests again: only the village's leader or an officer in scope; return how many."""
    if not in_scope(actor, request):
        raise NotFound(CommonErrorCode.NOT_FOUND)
    member = acting_member(actor, request)
    leader = member is not None and (actor.role == Role.TEAM_LEADER or member.role == member.Role.LEADER)
    if not (leader or actor.role in OFFICERS):
        raise Forbidden(CommonErrorCode.FORBIDDEN)
    with transaction.atomic():
        SpamMark.objects.filter(village_id=request.village_id, phone=request.phone).delete()
        shown = HelpRequest.objects.filter(village_id=request.village_id, phone=request.phone).update(is_spam=False)
        _audit(actor, "help_spam_unmarked", request, phone=phones.mask(request.phone), shown=shown)
    return shown



