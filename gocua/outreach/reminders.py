"""Reminders: each member's daily digest of follow-ups, and the outbound channels that carry it.

The digest is what the member's work list puts first (overdue, then due this week). A channel
sends its one-line Vietnamese text; the default channel only logs it, so a province plugs in its
SMS or Zalo OA gateway by naming its own class in `GOCUA_REMINDER_CHANNEL`. The text names
households by their key and counts: never a resident's name, citizen ID or phone.
"""

import datetime as dt
import logging
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings
from django.utils import timezone, translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from gocua.outreach import selectors
from gocua.teams.models import Member

log = logging.getLogger(__name__)
DEFAULT_CHANNEL = "gocua.outreach.reminders.LoggingChannel"
KEYS_IN_TEXT = 5  # an SMS is short: name the first few households, count the rest


@dataclass
class Digest:
    member: Member
    today: dt.date
    overdue: list = field(default_factory=list)  # WorkRows, oldest due date first
    due: list = field(default_factory=list)  # WorkRows due within a week

    @property
    def is_empty(self) -> bool:
        return not self.overdue and not self.due


def digest_for(member: Member, *, today: dt.date | None = None) -> Digest:
    """Return the member's follow-ups overdue and due within a week (a fixed number of queries)."""
    today = today or timezone.localdate()
    households = selectors.work_list_queryset(member, today=today).filter(
        need__in=[selectors.OVERDUE, selectors.DUE_SOON]
    )
    rows = selectors.work_rows(households, today=today)
    return Digest(
        member=member, today=today,
        overdue=[r for r in rows if r.need == selectors.OVERDUE],
        due=[r for r in rows if r.need == selectors.DUE_SOON],
    )


def digest_text(digest: Digest) -> str:
    """Return the digest as one short line in the default language (Vietnamese), without personal data."""
    with translation.override(settings.LANGUAGE_CODE):
        rows = digest.overdue + digest.due
        keys = ", ".join(r.household.household_key for r in rows[:KEYS_IN_TEXT])
        if len(rows) > KEYS_IN_TEXT:
            keys += " …"
        return _("GõCửa: %(overdue)s, %(due)s. Households: %(keys)s.") % {
            "overdue": ngettext("%(n)d follow-up overdue", "%(n)d follow-ups overdue", len(digest.overdue))
            % {"n": len(digest.overdue)},
            "due": ngettext("%(n)d due this week", "%(n)d due this week", len(digest.due)) % {"n": len(digest.due)},
            "keys": keys,
        }


class Channel(Protocol):
    """An outbound channel (SMS gateway, Zalo OA, …): deliver one text to one member."""

    def send(self, *, member: Member, text: str) -> None: ...


class LoggingChannel:
    """The default channel: write the text to the log (it carries no personal data) and send nothing."""

    def send(self, *, member: Member, text: str) -> None:
        log.info("reminder for member %s: %s", member.pk, text)


def channel() -> Channel:
    return import_string(getattr(settings, "GOCUA_REMINDER_CHANNEL", DEFAULT_CHANNEL))()


def reminders_send(*, members, today: dt.date | None = None, via: Channel | None = None) -> int:
    """Send each member with something due or overdue their digest; return how many were sent."""
    via = via or channel()
    sent = 0
    for member in members:
        digest = digest_for(member, today=today)
        if not digest.is_empty:
            via.send(member=member, text=digest_text(digest))
            sent += 1
    return sent
