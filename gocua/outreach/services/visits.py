"""Record, correct and delete visits; every indicator change goes through households.services.

A visit's content is a list of residents checked, each with the services guided and the
outcome. An outcome "done" sets the item's indicators (outreach.catalogue) to yes through
`resident_set_indicators`, which writes the indicator history with source "visit" and the
visit's UUID as reference. Other outcomes change no indicator. A correction or a deletion
first stores the previous content in a VisitRevision, then puts back the indicators that
only this visit had set (when nothing changed them since), again through the history.
"""

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import IntegrityError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.scope import in_scope
from gocua.errors import Conflict, DomainError, Forbidden
from gocua.households.indicators import Tri
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.households.services import resident_set_indicators
from gocua.indicators.rollups import track
from gocua.outreach import rules
from gocua.outreach.models import Outcome, Visit, VisitOutcome, VisitResident, VisitRevision
from gocua.outreach.services._common import (
    active_items,
    clean_ids,
    clean_past_date,
    clean_team_members,
    clean_text,
    clean_uuid,
)
from gocua.teams.models import Member

MAX_MEMBERS = 2
REFUSALS = {
    "visit_deleted": (DomainError, _("This visit has been deleted.")),
    "forbidden": (Forbidden, _("This visit is outside your area.")),
    "visit_not_yours": (Forbidden, _("Only the member who recorded this visit or the team leader can change it.")),
    "visit_locked": (Forbidden, _("A visit can be corrected or deleted only within 7 days of being recorded.")),
}


# --- cleaning ---------------------------------------------------------------------------------


def _clean_visit_date(household: Household, visited_on) -> dt.date:
    visited_on = clean_past_date(visited_on, field="visited_on")
    registered_on = timezone.localdate(household.created_at)
    if visited_on < registered_on:
        raise DomainError(
            "date_before_household",
            _("The household was registered on %(date)s; the visit cannot be earlier.")
            % {"date": registered_on.strftime("%d/%m/%Y")},
            field="visited_on",
        )
    return visited_on


def _clean_members(actor, household: Household, member_ids, visited_on: dt.date) -> list[Member]:
    ids = clean_ids(member_ids, field="members")
    if not 1 <= len(ids) <= MAX_MEMBERS:
        raise DomainError("members_count", _("Choose one or two members who made the visit."), field="members")
    members = list(Member.objects.select_related("team").filter(pk__in=ids))
    if len(members) != len(ids):
        raise DomainError("member_unknown", _("Choose members of the team."), field="members")
    team = members[0].team
    if any(m.team_id != team.pk for m in members):
        raise DomainError("members_one_team", _("The members of a visit must belong to one team."), field="members")
    if not rules.team_covers(team, household):
        raise DomainError("team_area", _("This household is outside the team's area."), field="members")
    me = rules.actor_member(actor)
    if (me is None and not rules.is_officer(actor)) or (me is not None and me.team_id != team.pk):
        raise Forbidden("other_team", _("You can record visits of your own team only."))
    return clean_team_members(members, ids, on=visited_on, field="members")


def _clean_outcome(raw: dict[str, Any], items, visited_on: dt.date) -> dict[str, Any]:
    outcome = raw.get("outcome")
    if outcome not in Outcome.values:
        raise DomainError("outcome_invalid", _("Choose an outcome for each service guided."), field="outcomes")
    follow_up_on = raw.get("follow_up_on") or None
    if follow_up_on is not None:
        if isinstance(follow_up_on, dt.datetime) or not isinstance(follow_up_on, dt.date):
            raise DomainError("date_required", _("Enter a date."), field="follow_up_on")
        if follow_up_on < visited_on:
            raise DomainError(
                "follow_up_before_visit", _("The follow-up date cannot be before the visit."), field="follow_up_on"
            )
    return {
        "item": items[int(raw["item_id"])],
        "outcome": outcome,
        "note": clean_text(raw.get("note"), limit=500, field="note"),
        "follow_up_on": follow_up_on,
    }


def _clean_content(household: Household, residents, visited_on: dt.date, *, known=(), allowed_retired=()):
    """Return the cleaned residents and outcomes; `known` residents may have moved out since."""
    if not residents:
        raise DomainError("no_residents", _("Tick at least one resident who was checked."), field="residents")
    ids = clean_ids([r.get("resident_id") for r in residents], field="residents")
    if len(ids) != len(residents):
        raise DomainError("resident_twice", _("A resident appears twice."), field="residents")
    found = {
        r.pk: r
        for r in Resident.objects.filter(pk__in=ids)
        if r.household_id == household.pk or r.pk in set(known)
    }
    if len(found) != len(ids):
        raise DomainError("resident_not_in_household", _("This person is not in this household."), field="residents")
    item_ids = clean_ids([o.get("item_id") for r in residents for o in r.get("outcomes") or []], field="outcomes")
    items = active_items(item_ids, allowed_retired=set(allowed_retired), field="outcomes")
    cleaned = []
    for raw, resident_id in zip(residents, ids, strict=True):
        outcomes = [_clean_outcome(o, items, visited_on) for o in raw.get("outcomes") or []]
        if len({o["item"].pk for o in outcomes}) != len(outcomes):
            raise DomainError("service_twice", _("A service appears twice for one resident."), field="outcomes")
        cleaned.append({
            "resident": found[resident_id],
            "present": bool(raw.get("present", True)),
            "note": clean_text(raw.get("note"), limit=500, field="note"),
            "outcomes": outcomes,
        })
    return cleaned


def _follow_up_on(entries, visited_on: dt.date) -> dt.date | None:
    """Return the earliest follow-up date; "needs follow-up" without a date is due at once."""
    dates = [
        o["follow_up_on"] or visited_on
        for e in entries
        for o in e["outcomes"]
        if o["follow_up_on"] or o["outcome"] == Outcome.FOLLOW_UP
    ]
    return min(dates, default=None)


# --- content, snapshots and indicators ---------------------------------------------------------


def _content(*, visited_on, member_ids, note, from_paper, entries) -> dict[str, Any]:
    """Return a visit's content as JSON-ready data (what a VisitRevision keeps)."""
    return {
        "visited_on": visited_on.isoformat(),
        "member_ids": sorted(member_ids),
        "note": note,
        "from_paper": from_paper,
        "residents": sorted(
            (
                {
                    "resident_id": e["resident"].pk,
                    "present": e["present"],
                    "note": e["note"],
                    "outcomes": sorted(
                        (
                            {
                                "item_id": o["item"].pk,
                                "item_code": o["item"].code,
                                "outcome": o["outcome"],
                                "note": o["note"],
                                "follow_up_on": o["follow_up_on"].isoformat() if o["follow_up_on"] else None,
                            }
                            for o in e["outcomes"]
                        ),
                        key=lambda o: o["item_id"],
                    ),
                }
                for e in entries
            ),
            key=lambda r: r["resident_id"],
        ),
    }


def _stored_entries(visit: Visit) -> list[dict[str, Any]]:
    rows = VisitResident.objects.filter(visit=visit).select_related("resident").prefetch_related("outcomes__item")
    return [
        {
            "resident": vr.resident,
            "present": vr.present,
            "note": vr.note,
            "outcomes": [
                {"item": o.item, "outcome": o.outcome, "note": o.note, "follow_up_on": o.follow_up_on}
                for o in vr.outcomes.all()
            ],
        }
        for vr in rows
    ]


def _stored_content(visit: Visit, entries) -> dict[str, Any]:
    return _content(
        visited_on=visit.visited_on,
        member_ids=[m.pk for m in visit.members.all()],
        note=visit.note,
        from_paper=visit.from_paper,
        entries=entries,
    )


def _write_entries(visit: Visit, entries) -> None:
    outcomes = []
    for entry in entries:
        row = VisitResident.objects.create(
            visit=visit, resident=entry["resident"], present=entry["present"], note=entry["note"]
        )
        outcomes += [VisitOutcome(visit_resident=row, **o) for o in entry["outcomes"]]
    VisitOutcome.objects.bulk_create(outcomes)


def _done_pairs(entries) -> dict[int, set[str]]:
    """Return {resident id: indicators} that the "done" outcomes of `entries` set to yes."""
    done = defaultdict(set)
    for entry in entries:
        for o in entry["outcomes"]:
            if o["outcome"] == Outcome.DONE:
                done[entry["resident"].pk].update(o["item"].indicators)
    return done


def _set_done(actor, visit: Visit, entries) -> None:
    residents = {e["resident"].pk: e["resident"] for e in entries}
    for resident_id, names in _done_pairs(entries).items():
        resident_set_indicators(
            actor=actor,
            resident=residents[resident_id],
            values=dict.fromkeys(names, Tri.YES),
            source=IndicatorChange.Source.VISIT,
            source_ref=str(visit.uuid),
        )


def _undo_done(actor, visit: Visit, removed: dict[int, set[str]]) -> None:
    """Put back indicators this visit set to yes, unless changed since or backed by another live visit."""
    removed = {rid: names for rid, names in removed.items() if names}
    if not removed:
        return
    ref = str(visit.uuid)
    all_names = set().union(*removed.values())
    latest = {}
    for change in IndicatorChange.objects.filter(resident_id__in=removed, indicator__in=all_names).order_by(
        "-changed_at", "-id"
    ):
        latest.setdefault((change.resident_id, change.indicator), change)
    backed = set()
    others = VisitOutcome.objects.filter(
        outcome=Outcome.DONE,
        visit_resident__resident_id__in=removed,
        visit_resident__visit__deleted_at__isnull=True,
    ).exclude(visit_resident__visit=visit)
    for resident_id, indicators in others.values_list("visit_resident__resident_id", "item__indicators"):
        backed.update((resident_id, name) for name in indicators or [])
    residents = Resident.objects.in_bulk(list(removed))
    for resident_id, names in removed.items():
        values = {}
        for name in names:
            change = latest.get((resident_id, name))
            if (resident_id, name) in backed or change is None:
                continue
            if change.source_ref == ref and change.new_value == Tri.YES:
                values[name] = change.old_value
        if values:
            resident_set_indicators(
                actor=actor, resident=residents[resident_id], values=values,
                source=IndicatorChange.Source.VISIT, source_ref=ref,
            )


# --- the three services -------------------------------------------------------------------------


def _replayed(uuid, household: Household) -> Visit | None:
    """Return the visit already recorded with this UUID (a double submission), or None."""
    visit = Visit.objects.filter(uuid=uuid).first()
    if visit is None:
        return None
    if visit.household_id != household.pk:
        raise Conflict("uuid_taken", _("This form was already used for another household; reload the page."))
    visit.created = False
    return visit


def visit_check_start(*, actor, household: Household, visited_on, member_ids) -> None:
    """Raise the error that recording a visit would meet on its household, date or members (writes nothing)."""
    if not in_scope(actor, household):
        raise Forbidden("forbidden", _("This household is outside your area."))
    _clean_members(actor, household, member_ids, _clean_visit_date(household, visited_on))


def visit_record(
    *,
    actor,
    uuid,
    household: Household,
    visited_on: dt.date,
    member_ids,
    residents: list[dict[str, Any]],
    note: str = "",
    from_paper: bool = False,
) -> Visit:
    """Record a visit and set the indicators its "done" outcomes reach; a replayed UUID returns the first visit.

    `residents` is a list of {"resident_id", "present", "note", "outcomes": [{"item_id",
    "outcome", "note", "follow_up_on"}]}. The returned visit has `created` False on a replay.
    """
    uuid = clean_uuid(uuid)
    if not in_scope(actor, household):
        raise Forbidden("forbidden", _("This household is outside your area."))
    existing = _replayed(uuid, household)
    if existing is not None:
        return existing
    visited_on = _clean_visit_date(household, visited_on)
    members = _clean_members(actor, household, member_ids, visited_on)
    entries = _clean_content(household, residents, visited_on)
    note = clean_text(note, limit=2000, field="note")
    try:
        with track([household.pk]):
            visit = Visit(
                uuid=uuid, household=household, team=members[0].team, visited_on=visited_on, note=note,
                from_paper=bool(from_paper), follow_up_on=_follow_up_on(entries, visited_on), entered_by=actor,
            )
            visit.set_codes_from(household)
            visit.save()
            visit.members.set(members)
            _write_entries(visit, entries)
            _set_done(actor, visit, entries)
    except IntegrityError:
        existing = _replayed(uuid, household)
        if existing is None:
            raise
        return existing
    visit.created = True
    return visit


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
    visited_on = _clean_visit_date(household, visited_on)
    members = _clean_members(actor, household, member_ids, visited_on)
    if members[0].team_id != visit.team_id:
        raise DomainError("members_one_team", _("The members must belong to the visit's team."), field="members")
    note = clean_text(note, limit=2000, field="note")
    reason = clean_text(reason, limit=300, field="reason")
    with track([visit.household_id]):
        # Two corrections at once would each keep a revision of the same old content: queue them.
        if not Visit.objects.select_for_update().filter(pk=visit.pk, deleted_at__isnull=True).exists():
            raise DomainError("visit_deleted", _("This visit has been deleted."))
        old_entries = _stored_entries(visit)
        entries = _clean_content(
            household, residents, visited_on,
            known=[e["resident"].pk for e in old_entries],
            allowed_retired={o["item"].pk for e in old_entries for o in e["outcomes"]},
        )
        previous = _stored_content(visit, old_entries)
        new = _content(visited_on=visited_on, member_ids=[m.pk for m in members], note=note,
                       from_paper=visit.from_paper, entries=entries)
        if new == previous:
            return visit
        VisitRevision.objects.create(visit=visit, revised_by=actor, reason=reason, previous=previous)
        VisitResident.objects.filter(visit=visit).delete()
        _write_entries(visit, entries)
        visit.visited_on, visit.note = visited_on, note
        visit.follow_up_on = _follow_up_on(entries, visited_on)
        visit.save(update_fields=["visited_on", "note", "follow_up_on", "updated_at"])
        visit.members.set(members)
        new_done, old_done = _done_pairs(entries), _done_pairs(old_entries)
        _set_done(actor, visit, entries)
        _undo_done(actor, visit, {rid: names - new_done.get(rid, set()) for rid, names in old_done.items()})
    return visit


def visit_delete(*, actor, visit: Visit, reason: str) -> Visit:
    """Soft-delete a visit with a reason (author or team leader, within 7 days) and undo what only it set."""
    _require_change_right(actor, visit)
    reason = clean_text(reason, limit=300, field="reason")
    if not reason:
        raise DomainError("reason_required", _("Say why this visit is being deleted."), field="reason")
    old_entries = _stored_entries(visit)
    with track([visit.household_id]):
        updated = Visit.objects.filter(pk=visit.pk, deleted_at__isnull=True).update(
            deleted_at=timezone.now(), deleted_by=actor, delete_reason=reason
        )
        if not updated:  # someone else deleted it a moment ago
            raise DomainError("visit_deleted", _("This visit has been deleted."))
        VisitRevision.objects.create(
            visit=visit, revised_by=actor, reason=reason, previous=_stored_content(visit, old_entries)
        )
        _undo_done(actor, visit, _done_pairs(old_entries))
    visit.refresh_from_db()
    return visit
