"""Record and delete community sessions (group sessions run by a team).

Attending a session changes no indicator: a resident who listened to a talk on scams has
not yet been checked one to one; the team records that with a visit.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent
from gocua.accounts.scope import in_scope, scoped
from gocua.accounts.services import audit_record
from gocua.errors import Conflict, DomainError, Forbidden
from gocua.households.models import Resident
from gocua.indicators.rollups import activity_add
from gocua.outreach import rules
from gocua.outreach.models import CommunitySession
from gocua.outreach.services._common import (
    active_items,
    clean_ids,
    clean_past_date,
    clean_team_members,
    clean_text,
    clean_uuid,
)
from gocua.teams.models import Team

MAX_HEAD_COUNT = 10000


def _require_team_right(actor, team: Team) -> None:
    me = rules.actor_member(actor)
    allowed = in_scope(actor, team) and ((me is not None and me.team_id == team.pk) or rules.is_officer(actor))
    if not allowed:
        raise Forbidden("forbidden", _("You can record sessions of your own team only."))


def _clean_head_count(value) -> int:
    try:
        count = int(value or 0)
    except (TypeError, ValueError):
        count = -1
    if not 0 <= count <= MAX_HEAD_COUNT:
        raise DomainError("head_count_invalid", _("Enter a head count between 0 and 10,000."),
                          field="unregistered_count")
    return count


def _clean_attendees(actor, team: Team, attendee_ids) -> list[Resident]:
    ids = clean_ids(attendee_ids, field="attendees")
    # Neighbours from other villages of the commune may come; people outside the actor's area may not be named.
    residents = list(scoped(actor, Resident.objects.filter(pk__in=ids, commune_code=team.commune_code)))
    if len(residents) != len(ids):
        raise DomainError("attendee_unknown", _("Some attendees are not residents of this commune."),
                          field="attendees")
    return residents


def _count_session(session: CommunitySession, sign: int) -> None:
    activity_add(
        village_code=session.village_code, commune_code=session.commune_code,
        province_code=session.province_code, day=session.held_on, sessions=sign,
    )


def session_record(
    *,
    actor,
    uuid,
    team: Team,
    held_on: dt.date,
    place: str,
    topic_ids,
    member_ids,
    attendee_ids=(),
    unregistered_count: int = 0,
    note: str = "",
) -> CommunitySession:
    """Record a community session; a replayed UUID returns the session recorded first."""
    uuid = clean_uuid(uuid)
    _require_team_right(actor, team)
    existing = CommunitySession.objects.filter(uuid=uuid).first()
    if existing is not None:
        if existing.team_id != team.pk:
            raise Conflict("uuid_taken", _("This form was already used for another team; reload the page."))
        return existing
    held_on = clean_past_date(held_on, field="held_on")
    place = clean_text(place, limit=200, field="place")
    if not place:
        raise DomainError("place_required", _("Enter where the session was held."), field="place")
    topics = list(active_items(clean_ids(topic_ids, field="topics"), field="topics").values())
    if not topics:
        raise DomainError("topics_required", _("Choose at least one topic."), field="topics")
    member_ids = clean_ids(member_ids, field="members")
    if not member_ids:
        raise DomainError("members_required", _("Choose the members who ran the session."), field="members")
    members = clean_team_members(list(team.members.all()), member_ids, on=held_on, field="members")
    attendees = _clean_attendees(actor, team, attendee_ids)
    head_count = _clean_head_count(unregistered_count)
    if not attendees and not head_count:
        raise DomainError("attendance_required", _("Add attendees or a head count."), field="attendees")
    session = CommunitySession(
        uuid=uuid, team=team, held_on=held_on, place=place, unregistered_count=head_count,
        note=clean_text(note, limit=2000, field="note"), entered_by=actor,
        province_code=team.province_code, commune_code=team.commune_code, village_code=team.village_code,
    )
    try:
        with transaction.atomic():
            session.save()
            session.topics.set(topics)
            session.members.set(members)
            session.attendees.set(attendees)
            _count_session(session, +1)
            audit_record(actor=actor, action=AuditEvent.Action.SESSION_RECORDED, obj=session,
                         detail={"team": team.pk, "attendees": len(attendees), "head_count": head_count,
                                 "held_on": held_on.isoformat()})
    except IntegrityError:
        existing = CommunitySession.objects.filter(uuid=uuid, team=team).first()
        if existing is None:
            raise
        return existing
    return session


def session_delete(*, actor, session: CommunitySession, reason: str) -> CommunitySession:
    """Soft-delete a session with a reason (its team's members and leaders, or officers)."""
    _require_team_right(actor, session.team)
    reason = clean_text(reason, limit=300, field="reason")
    if not reason:
        raise DomainError("reason_required", _("Say why this session is being deleted."), field="reason")
    with transaction.atomic():
        updated = CommunitySession.objects.filter(pk=session.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), deleted_by=actor, delete_reason=reason
        )
        if not updated:
            raise DomainError("session_deleted", _("This session has been deleted."))
        _count_session(session, -1)
        audit_record(actor=actor, action=AuditEvent.Action.SESSION_DELETED, obj=session,
                     detail={"team": session.team_id})
    session.refresh_from_db()
    return session
