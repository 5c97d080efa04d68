"""Correct or delete a visit, keeping the previous content as a VisitRevision."""

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent
from gocua.accounts.services import audit_record
from gocua.errors import DomainError, Forbidden
from gocua.indicators.rollups import track
from gocua.outreach import rules
from gocua.outreach.models import Visit, VisitResident, VisitRevision
from gocua.outreach.services._common import clean_text
from gocua.outreach.services.visits import extensions
from gocua.outreach.services.visits.cleaning import clean_content, clean_members, clean_visit_date
from gocua.outreach.services.visits.content import snapshot, stored_entries, stored_snapshot, write_entries
from gocua.outreach.services.visits.follow_ups import earliest_follow_up
from gocua.outreach.services.visits.outcomes import done_pairs, set_done, undo_done, visit_audit_detail

REFUSALS = {
    "visit_deleted": (DomainError, _("This visit has been deleted.")),
    "forbidden": (Forbidden, _("This visit is outside your area.")),
    "visit_not_yours": (Forbidden, _("Only the member who recorded this visit or the team leader can change it.")),
    "visit_locked": (Forbidden, _("A visit can be corrected or deleted only within 7 days of being recorded.")),
}


def _households_of(visit: Visit) -> set[int]:
    """Return the visit's household and the current households of the residents it checked.

    A resident may have moved to another household since the visit; correcting or deleting the
    visit changes whether that resident counts as checked, in the new household's figures.
    """
    moved = VisitResident.objects.filter(visit=visit).values_list("resident__household_id", flat=True)
    return {visit.household_id, *moved}


def _require_change_right(actor, visit: Visit) -> None:
    refusal = rules.visit_change_refusal(actor, visit)
    if refusal is not None:
        error_class, message = REFUSALS[refusal]
        raise error_class(refusal, message)


def visit_correct(
    *,
    actor,
    visit: Visit,
    visited_on: dt.date,
    member_ids,
    residents: list[dict[str, Any]],
    note: str = "",
    reason: str = "",
) -> Visit:
    """Correct a visit (author or team leader, within 7 days), keeping the previous content as a revision."""
    _require_change_right(actor, visit)
    household = visit.household
    visited_on = clean_visit_date(household, visited_on)
    members = clean_members(actor, household, member_ids, visited_on)
    if members[0].team_id != visit.team_id:
        raise DomainError("members_one_team", _("The members must belong to the visit's team."), field="members")
    note = clean_text(note, limit=2000, field="note")
    reason = clean_text(reason, limit=300, field="reason")
    with track(_households_of(visit)):
        # Two corrections at once would each keep a revision of the same old content: queue them.
        if not Visit.objects.select_for_update().filter(pk=visit.pk, deleted_at__isnull=True).exists():
            raise DomainError("visit_deleted", _("This visit has been deleted."))
        old_entries = stored_entries(visit)
        entries = clean_content(
            household, residents, visited_on,
            known=[e["resident"].pk for e in old_entries],
            allowed_retired={o["item"].pk for e in old_entries for o in e["outcomes"]},
        )
        previous = stored_snapshot(visit, old_entries)
        new = snapshot(visited_on=visited_on, member_ids=[m.pk for m in members], note=note,
                       from_paper=visit.from_paper, entries=entries)
        if new == previous:
            return visit
        VisitRevision.objects.create(visit=visit, revised_by=actor, reason=reason, previous=previous)
        VisitResident.objects.filter(visit=visit).delete()
        visit.visited_on, visit.note = visited_on, note
        visit.follow_up_on = earliest_follow_up(entries, visited_on)
        visit.save(update_fields=["visited_on", "note", "follow_up_on", "updated_at"])
        # Written after the new date is set: the outcomes carry it (and land in its month on PostgreSQL).
        write_entries(visit, entries)
        visit.members.set(members)
        new_done, old_done = done_pairs(entries), done_pairs(old_entries)
        set_done(actor, visit, entries)
        undo_done(actor, visit, {rid: names - new_done.get(rid, set()) for rid, names in old_done.items()})
        audit_record(actor=actor, action=AuditEvent.Action.VISIT_EDITED, obj=visit,
                     detail=visit_audit_detail(visit, entries))
    return visit


def visit_delete(*, actor, visit: Visit, reason: str) -> Visit:
    """Soft-delete a visit with a reason (author or team leader, within 7 days) and undo what only it set."""
    _require_change_right(actor, visit)
    reason = clean_text(reason, limit=300, field="reason")
    if not reason:
        raise DomainError("reason_required", _("Say why this visit is being deleted."), field="reason")
    old_entries = stored_entries(visit)
    with track(_households_of(visit)):
        updated = Visit.objects.filter(pk=visit.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), deleted_by=actor, delete_reason=reason
        )
        if not updated:  # someone else deleted it a moment ago
            raise DomainError("visit_deleted", _("This visit has been deleted."))
        VisitRevision.objects.create(
            visit=visit, revised_by=actor, reason=reason, previous=stored_snapshot(visit, old_entries)
        )
        undo_done(actor, visit, done_pairs(old_entries))
        extensions.visit_deleted(actor, visit)
        audit_record(actor=actor, action=AuditEvent.Action.VISIT_DELETED, obj=visit,
                     detail=visit_audit_detail(visit, old_entries))
    visit.refresh_from_db()
    return visit
