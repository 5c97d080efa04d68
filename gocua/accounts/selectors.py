"""Reads for the account pages: which accounts, units, members and audit events a user may see."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from gocua.accounts.models import AuditEvent, Role, User
from gocua.accounts.permissions import LEVELS_OF_ROLE, leader_team, manageable_roles
from gocua.accounts.scope import scoped
from gocua.places.models import Unit
from gocua.teams.models import Member


def accounts_visible(viewer) -> QuerySet[User]:
    """Return the accounts in the viewer's scope with a role below theirs (every one for national admins)."""
    roles = manageable_roles(viewer)
    if not roles:
        return User.objects.none()
    accounts = scoped(viewer, User.objects.all(), via="scope_unit__")
    if viewer.role != Role.NATIONAL_ADMIN:
        accounts = accounts.filter(role__in=roles)
    return accounts.select_related("scope_unit")


def units_for_role(viewer, roles) -> QuerySet[Unit]:
    """Return the current units in the viewer's scope at which accounts with one of `roles` may live."""
    levels = {level for role in roles for level in LEVELS_OF_ROLE.get(role, ())}
    units = scoped(viewer, Unit.objects.filter(level__in=levels, valid_to__isnull=True))
    if getattr(viewer, "role", None) == Role.TEAM_LEADER:
        team = leader_team(viewer)
        units = units.filter(pk=team.unit_id if team else None)
    return units.order_by("level", "province_code", "commune_code", "name_folded")


def members_linkable(viewer) -> QuerySet[Member]:
    """Return current members without an account in teams the viewer may give accounts to."""
    members = scoped(viewer, Member.objects.filter(user__isnull=True, left_on__isnull=True), via="team__")
    if getattr(viewer, "role", None) == Role.TEAM_LEADER:
        team = leader_team(viewer)
        members = members.filter(team_id=team.pk if team else None)
    return members.select_related("team", "team__unit").order_by("team__unit__name_folded", "team__name", "name_folded")


@dataclass(frozen=True)
class AuditFilter:
    action: str = ""
    username: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    object_type: str = ""
    object_id: str = ""
    unit: str = ""  # a unit code: events in that unit or below


def _start_of(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def audit_events(flt: AuditFilter, viewer=None) -> QuerySet[AuditEvent]:
    """Return the audit events matching `flt` (in `viewer`'s scope when given), newest first (insertion order)."""
    events = AuditEvent.objects.select_related("actor", "actor__member")
    if viewer is not None:
        events = scoped(viewer, events)
    if flt.unit:
        # Codes differ in shape per level (01, 09784, 09784-001), so one code names one unit.
        events = events.filter(
            Q(unit_code=flt.unit) | Q(province_code=flt.unit) | Q(commune_code=flt.unit) | Q(village_code=flt.unit)
        )
    if flt.action:
        events = events.filter(action=flt.action)
    if flt.username:
        events = events.filter(actor_username=flt.username)
    if flt.date_from:
        events = events.filter(at__gte=_start_of(flt.date_from))
    if flt.date_to:
        events = events.filter(at__lt=_start_of(flt.date_to + dt.timedelta(days=1)))
    if flt.object_type:
        events = events.filter(object_type=flt.object_type)
    if flt.object_id:
        events = events.filter(object_id=flt.object_id)
    return events.order_by("-id")


@dataclass
class KeysetPage:
    rows: list
    newer: int | None  # pass as ?after= to see the page before this one
    older: int | None  # pass as ?before= to see the page after this one


def keyset_page(queryset: QuerySet, *, size: int, before: int | None = None, after: int | None = None) -> KeysetPage:
    """Return one page of `queryset` by id, newest first, without counting the whole table."""
    if after is not None:
        rows = list(queryset.filter(pk__gt=after).order_by("pk")[: size + 1])
        if not rows:  # nothing newer any more: show the newest page
            return keyset_page(queryset, size=size)
        has_newer = len(rows) > size
        rows = rows[:size][::-1]
        has_older = True
    else:
        if before is not None:
            queryset = queryset.filter(pk__lt=before)
        rows = list(queryset.order_by("-pk")[: size + 1])
        has_older = len(rows) > size
        rows = rows[:size]
        has_newer = before is not None
    if not rows:
        return KeysetPage(rows, None, None)
    return KeysetPage(rows, rows[0].pk if has_newer else None, rows[-1].pk if has_older else None)
