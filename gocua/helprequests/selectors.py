"""Reads of help requests, every one through the scope rule (`accounts.scope.scoped`)."""

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone

from gocua.accounts.scope import scoped
from gocua.helprequests.models import HelpRequest, Status
from gocua.households.models import Household, Resident

QUEUE_LIMIT = 200


def overdue_since() -> dt.datetime:
    """Return the moment before which an open request nobody acted on is overdue (GOCUA_HELP_OVERDUE_HOURS)."""
    return timezone.now() - dt.timedelta(hours=settings.GOCUA_HELP_OVERDUE_HOURS)


def _entries(user):
    """Return the queue entries (one per phone and village: the head of each fold) the user may see."""
    return scoped(user, HelpRequest.objects.filter(folded_into__isnull=True)).select_related(
        "service", "claimed_by", "household", "village"
    )


def queue(user, *, village_code: str | None = None, closed: bool = False):
    """Return the open (or recently closed) entries of the user's area, oldest open first; spam hidden."""
    rows = _entries(user).filter(is_spam=False)
    if village_code:
        rows = rows.filter(village_code=village_code)
    if closed:
        return rows.filter(status=Status.CLOSED).order_by("-closed_at", "-pk")[:QUEUE_LIMIT]
    return rows.exclude(status=Status.CLOSED).order_by("created_at", "pk")[:QUEUE_LIMIT]


def overdue(user):
    """Return the open entries nobody acted on for GOCUA_HELP_OVERDUE_HOURS (claim, call, link count as acts)."""
    return (
        _entries(user).filter(is_spam=False).exclude(status=Status.CLOSED)
        .annotate(touched=Coalesce("last_action_at", "created_at"))
        .filter(touched__lt=overdue_since()).order_by("touched", "pk")[:QUEUE_LIMIT]
    )


def overdue_by_village(user) -> list[dict]:
    """Return [{village_code, village__name, n}] of overdue entries in the user's area, most first (for the
    leader's team progress and the officer's left-behind page, which show them beside overdue follow-ups)."""
    from django.db.models import Count

    rows = (
        _entries(user).filter(is_spam=False).exclude(status=Status.CLOSED)
        .annotate(touched=Coalesce("last_action_at", "created_at")).filter(touched__lt=overdue_since())
        .values("village_code", "village__name").annotate(n=Count("id")).order_by("-n", "village__name")
    )
    return list(rows)


def hidden_as_spam(user):
    return _entries(user).filter(is_spam=True).order_by("-created_at", "-pk")[:QUEUE_LIMIT]


def entry(user, pk: int) -> HelpRequest | None:
    """Return one request in the user's area (any request of a fold: its head), or None."""
    row = scoped(user, HelpRequest.objects.all()).filter(pk=pk).first()
    if row is not None and row.folded_into_id:
        row = _entries(user).filter(pk=row.folded_into_id).first()
    return row


def is_overdue(request: HelpRequest, since: dt.datetime | None = None) -> bool:
    since = since or overdue_since()
    return request.is_open and not request.is_spam and (request.last_action_at or request.created_at) < since


def household_candidates(user, request: HelpRequest):
    """Return the households of the request's village (only) with a resident of that phone, in the user's area."""
    ids = Resident.objects.filter(village_code=request.village_code, phone=request.phone).values("household_id")
    return scoped(user, Household.objects.filter(village_code=request.village_code, pk__in=ids))[:10]


def by_code(code: str) -> HelpRequest | None:
    """Return the request with this resident's code (its fold's head carries the status), or None."""
    code = "".join(ch for ch in (code or "").upper() if ch.isalnum())[:12]
    if not code:
        return None
    row = HelpRequest.objects.select_related("service", "folded_into", "village").filter(code=code).first()
    return row


def public_status(row: HelpRequest) -> HelpRequest:
    """Return the row whose status the resident sees (the fold's head)."""
    return row.folded_into if row.folded_into_id else row


def field_entries(user, member) -> list[dict]:
    """Return what the offline app holds of the team's queue: open entries and those closed in the last week."""
    if member is None:
        return []
    team = member.team
    area = Q(village_code=team.village_code) if team.village_code else Q(commune_code=team.commune_code)
    week = timezone.now() - dt.timedelta(days=7)
    rows = list(
        _entries(user).filter(area, is_spam=False)
        .filter(~Q(status=Status.CLOSED) | Q(closed_at__gte=week)).order_by("created_at", "pk")[:QUEUE_LIMIT]
    )
    phones = {r.phone for r in rows}
    matches: dict[tuple[str, str], set] = {}
    for village_code, phone, uuid in Resident.objects.filter(
        area, phone__in=phones
    ).values_list("village_code", "phone", "household__uuid"):
        matches.setdefault((village_code, phone), set()).add(str(uuid))
    since = overdue_since()
    return [
        {
            "id": r.pk, "code": r.code, "village_code": r.village_code, "village_name": r.village.name,
            "service": r.service.code if r.service else "other",
            "service_name": r.service.name if r.service else "", "other_text": r.other_text,
            "preferred_time": r.preferred_time, "name": r.name, "phone": r.phone, "count": r.repeat_count,
            "status": r.status, "claimed_by": r.claimed_by.full_name if r.claimed_by else None,
            "mine": r.claimed_by_id == member.pk, "household": str(r.household.uuid) if r.household else None,
            "candidates": sorted(matches.get((r.village_code, r.phone), ())),
            "created_at": r.created_at.isoformat(), "overdue": is_overdue(r, since),
            "close_reason": r.close_reason,
        }
        for r in rows
    ]
