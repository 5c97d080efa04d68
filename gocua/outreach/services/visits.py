"""Record, correct and delete visits; every indicator change goes through households.services.

A visit's content is a list of residents checked, each with the services guided and the
outcome. An outcome "done" sets the item's indicators (outreach.catalogue) to yes through
`resident_set_indicators`, which writes the indicator history with source "visit" and the
visit's UUID as reference. Other outcomes change no indicator. A correction or a deletion
first stores the previous content in a VisitRevision, then puts back the indicators that
only this visit had set (when nothing changed them since), again through the history.
"""

import copy
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.permissions import can_edit_registry
from gocua.accounts.scope import in_scope
from gocua.errors import Conflict, DomainError, Forbidden
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.households.services import resident_set_indicators
from gocua.indicators.rollups import track
from gocua.lib.bulk import allocate_ids, insert_rows
from gocua.outreach import rules
from gocua.outreach.models import Outcome, ServiceItem, Visit, VisitOutcome, VisitResident, VisitRevision
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
OUTCOMES = frozenset(Outcome.values)  # Choices.values builds a new list on every call
# What recording a visit reads of a resident: household, scope codes, indicators.
RESIDENT_FIELDS = ("id", "household_id", "province_code", "commune_code", "village_code", *INDICATOR_NAMES)
REFUSALS = {
    "visit_deleted": (DomainError, _("This visit has been deleted.")),
    "forbidden": (Forbidden, _("This visit is outside your area.")),
    "visit_not_yours": (Forbidden, _("Only the member who recorded this visit or the team leader can change it.")),
    "visit_locked": (Forbidden, _("A visit can be corrected or deleted only within 7 days of being recorded.")),
}


# --- cleaning ---------------------------------------------------------------------------------


def _clean_visit_date(household: Household, visited_on, loaded=None) -> dt.date:
    """Return the visit date: not in the future, not before the household was registered.

    `loaded` (a batch's _Lookups) keeps today and each household's registration date, whose
    time-zone conversions are most of this check's cost.
    """
    if loaded is None:
        visited_on = clean_past_date(visited_on, field="visited_on")
        registered_on = timezone.localdate(household.created_at)
    else:
        visited_on = clean_past_date(visited_on, field="visited_on", today=loaded.today)
        registered_on = loaded.registered_on(household)
    if visited_on < registered_on:
        raise DomainError(
            "date_before_household",
            _("The household was registered on %(date)s; the visit cannot be earlier.")
            % {"date": registered_on.strftime("%d/%m/%Y")},
            field="visited_on",
        )
    return visited_on


def _clean_members(actor, household: Household, member_ids, visited_on: dt.date, loaded=None) -> list[Member]:
    """Return the visit's members; `loaded` ({id: Member with team}) saves the query in a batch."""
    ids = clean_ids(member_ids, field="members")
    if not 1 <= len(ids) <= MAX_MEMBERS:
        raise DomainError("members_count", _("Choose one or two members who made the visit."), field="members")
    if loaded is None:
        members = list(Member.objects.select_related("team").filter(pk__in=ids))
    else:
        members = [loaded[i] for i in ids if i in loaded]
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
    if outcome not in OUTCOMES:
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


def _clean_content(household: Household, residents, visited_on: dt.date, *, known=(), allowed_retired=(), loaded=None):
    """Return the cleaned residents and outcomes; `known` residents may have moved out since.

    `loaded` (a _Lookups) holds the residents and catalogue items of a whole batch of visits.
    """
    if not residents:
        raise DomainError("no_residents", _("Tick at least one resident who was checked."), field="residents")
    ids = clean_ids([r.get("resident_id") for r in residents], field="residents")
    if len(ids) != len(residents):
        raise DomainError("resident_twice", _("A resident appears twice."), field="residents")
    candidates = (
        Resident.objects.filter(pk__in=ids) if loaded is None else [loaded.residents[i] for i in ids if i in loaded.residents]
    )
    known = set(known)
    found = {r.pk: r for r in candidates if r.household_id == household.pk or r.pk in known}
    if len(found) != len(ids):
        raise DomainError("resident_not_in_household", _("This person is not in this household."), field="residents")
    item_ids = clean_ids([o.get("item_id") for r in residents for o in r.get("outcomes") or []], field="outcomes")
    items = active_items(
        item_ids, allowed_retired=set(allowed_retired), field="outcomes", loaded=None if loaded is None else loaded.items
    )
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
    The same rules and writes as `visit_record_many`, for one visit.
    """
    uuid = clean_uuid(uuid)
    request = VisitInput(uuid=uuid, household=household, visited_on=visited_on, member_ids=member_ids,
                         residents=residents, note=note, from_paper=from_paper)
    try:
        [result] = visit_record_many(actor=actor, visits=[request])
    except IntegrityError:
        # The same form submitted twice at once: the other request's visit is the answer.
        existing = _replayed(uuid, household)
        if existing is None:
            raise
        return existing
    if isinstance(result, DomainError):
        raise result
    return result


@dataclass
class VisitInput:
    """One visit to record (the arguments of `visit_record`)."""

    uuid: Any
    household: Household
    visited_on: Any
    member_ids: Any
    residents: list[dict[str, Any]]
    note: str = ""
    from_paper: bool = False


def _ints(values) -> set[int]:
    """Return the values that are integers (bad ones are refused later, per visit, by clean_ids)."""
    found = set()
    for value in values or ():
        try:
            found.add(int(value))
        except (TypeError, ValueError):
            continue
    return found


class _Lookups:
    """What cleaning a list of visits reads: one query per table for the whole list."""

    def __init__(self, visits: list[VisitInput]):
        member_ids, resident_ids, item_ids = set(), set(), set()
        for v in visits:
            member_ids |= _ints(v.member_ids if isinstance(v.member_ids, list | tuple | set) else ())
            for r in v.residents if isinstance(v.residents, list) else ():
                if isinstance(r, dict):
                    resident_ids |= _ints([r.get("resident_id")])
                    item_ids |= _ints(o.get("item_id") for o in r.get("outcomes") or [] if isinstance(o, dict))
        self.members = Member.objects.select_related("team").in_bulk(member_ids)
        # Locked in id order: their indicators may change below, and two batches must not deadlock.
        self.residents = {
            r.pk: r
            for r in Resident.objects.select_for_update().filter(pk__in=resident_ids).order_by("pk").only(*RESIDENT_FIELDS)
        }
        self.items = ServiceItem.objects.in_bulk(item_ids)
        uuids = []
        for v in visits:
            try:
                uuids.append(clean_uuid(v.uuid))
            except DomainError:
                continue  # refused per visit below
        self.existing = {v.uuid: v for v in Visit.objects.filter(uuid__in=uuids)}
        self.today = timezone.localdate()
        self._registered: dict[int, dt.date] = {}

    def registered_on(self, household: Household) -> dt.date:
        if household.pk not in self._registered:
            self._registered[household.pk] = timezone.localdate(household.created_at)
        return self._registered[household.pk]


def _clean_one(actor, request: VisitInput, loaded: _Lookups) -> dict[str, Any]:
    """Return the cleaned visit, or raise the DomainError that refuses it (reads nothing more)."""
    household = request.household  # in the actor's scope: checked by the caller
    visited_on = _clean_visit_date(household, request.visited_on, loaded=loaded)
    members = _clean_members(actor, household, request.member_ids, visited_on, loaded=loaded.members)
    entries = _clean_content(household, request.residents, visited_on, loaded=loaded)
    if _done_pairs(entries) and not all(can_edit_registry(actor, e["resident"]) for e in entries):
        raise Forbidden("forbidden", _("This resident is outside your area."))
    return {"request": request, "visited_on": visited_on, "members": members, "entries": entries,
            "note": clean_text(request.note, limit=2000, field="note")}


def visit_record_many(*, actor, visits: list[VisitInput]) -> list[Visit | DomainError]:
    """Record many visits at once: one result per visit, a Visit (`created` False on a replay) or the DomainError.

    The batch form of `visit_record` for sync uploads: the same rules, read with one query per
    table for the whole list and written with one bulk insert per table, the indicator changes
    and their history included, in one transaction with one rollup adjustment. A visit refused
    by a rule writes nothing and does not stop the others. A UNIQUE violation (the same UUID
    uploaded at this moment by another request) raises IntegrityError for the whole call, with
    nothing written: the caller then records the visits one by one.
    """
    results: list[Visit | DomainError | None] = [None] * len(visits)
    copies = []  # (position, uuid): a UUID given twice in the list; the second is a replay of the first
    with transaction.atomic():
        loaded = _Lookups(visits)
        accepted, seen = [], {}  # seen: uuid → household id of a visit accepted earlier in the list
        for position, request in enumerate(visits):
            try:
                request.uuid = clean_uuid(request.uuid)
                if not in_scope(actor, request.household):
                    raise Forbidden("forbidden", _("This household is outside your area."))
                stored = loaded.existing.get(request.uuid)
                household_id = stored.household_id if stored is not None else seen.get(request.uuid)
                if household_id is not None:
                    if household_id != request.household.pk:
                        raise Conflict("uuid_taken", _("This form was already used for another household; reload the page."))
                    if stored is not None:
                        stored.created = False
                        results[position] = stored
                    else:
                        copies.append((position, request.uuid))
                    continue
                accepted.append((position, _clean_one(actor, request, loaded)))
                seen[request.uuid] = request.household.pk
            except DomainError as exc:
                results[position] = exc
        if accepted:
            with track({c["request"].household.pk for _p, c in accepted}):
                written = _write_many(actor, [c for _p, c in accepted])
            for (position, _c), visit in zip(accepted, written, strict=True):
                results[position] = visit
    by_uuid = {v.uuid: v for v in results if isinstance(v, Visit)}
    for position, uuid in copies:
        replay = copy.copy(by_uuid[uuid])
        replay.created = False
        results[position] = replay
    return results


def _write_many(actor, cleaned: list[dict[str, Any]]) -> list[Visit]:
    """Insert the cleaned visits with their members, residents checked, outcomes and indicator changes.

    Plain-row inserts (`gocua.lib.bulk.insert_rows`), one per table, with ids allocated first
    (`allocate_ids`) so that the residents checked and their outcomes can point at them.
    """
    visits, now = [], timezone.now()
    for c in cleaned:
        request = c["request"]
        visit = Visit(
            uuid=request.uuid, household=request.household, team=c["members"][0].team, visited_on=c["visited_on"],
            note=c["note"], from_paper=bool(request.from_paper), follow_up_on=_follow_up_on(c["entries"], c["visited_on"]),
            entered_by=actor, created_at=now, updated_at=now,
        )
        visit.set_codes_from(request.household)
        visits.append(visit)
    for visit, pk in zip(visits, allocate_ids(Visit, len(visits)), strict=True):
        visit.pk = pk
    insert_rows(Visit, [
        {"id": v.pk, "uuid": v.uuid, "household_id": v.household_id, "team_id": v.team_id,
         "visited_on": v.visited_on, "note": v.note, "from_paper": v.from_paper, "follow_up_on": v.follow_up_on,
         "entered_by_id": actor.pk, "province_code": v.province_code, "commune_code": v.commune_code,
         "village_code": v.village_code, "deleted_at": None, "deleted_by_id": None, "created_at": now,
         "updated_at": now}
        for v in visits
    ])
    through = Visit.members.through
    insert_rows(through, [
        {"visit_id": v.pk, "member_id": m.pk} for v, c in zip(visits, cleaned, strict=True) for m in c["members"]
    ])
    checked = [(v, e) for v, c in zip(visits, cleaned, strict=True) for e in c["entries"]]
    row_ids = allocate_ids(VisitResident, len(checked))
    insert_rows(VisitResident, [
        {"id": pk, "visit_id": v.pk, "resident_id": e["resident"].pk, "present": e["present"], "note": e["note"]}
        for pk, (v, e) in zip(row_ids, checked, strict=True)
    ])
    insert_rows(VisitOutcome, [
        {"visit_resident_id": pk, "item_id": o["item"].pk, "outcome": str(o["outcome"]), "note": o["note"],
         "follow_up_on": o["follow_up_on"]}
        for pk, (_v, e) in zip(row_ids, checked, strict=True) for o in e["outcomes"]
    ])
    _set_done_many(actor, [(v, c["entries"]) for v, c in zip(visits, cleaned, strict=True)])
    for visit in visits:
        visit.created = True
    return visits


def _set_done_many(actor, pairs) -> None:
    """Set to yes what the "done" outcomes reach, in order, with one history row per change.

    The same changes `resident_set_indicators` would make visit after visit (two visits of a
    batch to one resident see each other's changes), written with one UPDATE per distinct set of
    indicators and one insert of the history.
    """
    now = timezone.now()
    history, changed = [], defaultdict(set)
    for visit, entries in pairs:
        residents = {e["resident"].pk: e["resident"] for e in entries}
        for resident_id, names in _done_pairs(entries).items():
            resident = residents[resident_id]
            for name in sorted(names):
                old = getattr(resident, name)
                if old == Tri.YES:
                    continue
                setattr(resident, name, Tri.YES)
                changed[resident_id].add(name)
                history.append({
                    "resident_id": resident_id, "province_code": resident.province_code, "indicator": name,
                    "old_value": int(old), "new_value": int(Tri.YES), "changed_at": now, "changed_by_id": actor.pk,
                    "source": str(IndicatorChange.Source.VISIT), "source_ref": str(visit.uuid),
                })
    groups = defaultdict(list)
    for resident_id, names in changed.items():
        groups[frozenset(names)].append(resident_id)
    for names, ids in groups.items():
        Resident.objects.filter(pk__in=ids).update(**dict.fromkeys(names, Tri.YES), updated_at=now)
    insert_rows(IndicatorChange, history)


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
    visited_on = _clean_visit_date(household, visited_on)
    members = _clean_members(actor, household, member_ids, visited_on)
    if members[0].team_id != visit.team_id:
        raise DomainError("members_one_team", _("The members must belong to the visit's team."), field="members")
    note = clean_text(note, limit=2000, field="note")
    reason = clean_text(reason, limit=300, field="reason")
    with track(_households_of(visit)):
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
    with track(_households_of(visit)):
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
