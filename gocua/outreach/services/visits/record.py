"""Record visits, one (`visit_record`) or a batch (`visit_record_many`, the sync upload's path)."""

import copy
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gocua.accounts.models import AuditEvent
from gocua.accounts.permissions import can_edit_registry
from gocua.accounts.scope import in_scope
from gocua.accounts.services import audit_record_many
from gocua.errors import Conflict, DomainError, Forbidden
from gocua.households.models import Household, Resident
from gocua.indicators.rollups import track
from gocua.lib.bulk import allocate_ids, insert_rows
from gocua.outreach.models import ServiceItem, Visit, VisitOutcome, VisitResident
from gocua.outreach.services._common import clean_text, clean_uuid
from gocua.outreach.services.visits import extensions
from gocua.outreach.services.visits.cleaning import (
    RESIDENT_FIELDS,
    clean_content,
    clean_members,
    clean_visit_date,
)
from gocua.outreach.services.visits.follow_ups import earliest_follow_up
from gocua.outreach.services.visits.outcomes import done_pairs, set_done_many, visit_audit_detail
from gocua.teams.models import Member


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
    clean_members(actor, household, member_ids, clean_visit_date(household, visited_on))


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
    extras: dict[str, Any] | None = None,
) -> Visit:
    """Record a visit and set the indicators its "done" outcomes reach; a replayed UUID returns the first visit.

    `residents` is a list of {"resident_id", "present", "note", "outcomes": [{"item_id",
    "outcome", "note", "follow_up_on"}]}. The returned visit has `created` False on a replay.
    `extras` holds what other apps add to a visit, by extension key (`extensions.py`).
    The same rules and writes as `visit_record_many`, for one visit.
    """
    uuid = clean_uuid(uuid)
    request = VisitInput(uuid=uuid, household=household, visited_on=visited_on, member_ids=member_ids,
                         residents=residents, note=note, from_paper=from_paper, extras=extras)
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
    extras: dict[str, Any] | None = None


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


def _clean_one(actor, request: VisitInput, loaded: _Lookups, prepared: dict) -> dict[str, Any]:
    """Return the cleaned visit, or raise the DomainError that refuses it (reads nothing more)."""
    household = request.household  # in the actor's scope: checked by the caller
    visited_on = clean_visit_date(household, request.visited_on, loaded=loaded)
    members = clean_members(actor, household, request.member_ids, visited_on, loaded=loaded.members)
    entries = clean_content(household, request.residents, visited_on, loaded=loaded)
    if done_pairs(entries) and not all(can_edit_registry(actor, e["resident"]) for e in entries):
        raise Forbidden("forbidden", _("This resident is outside your area."))
    extensions.refuse_unknown(request.extras)
    extras = {
        key: extension.clean(state, actor, request, visited_on)
        for key, (extension, state) in prepared.items() if (request.extras or {}).get(key) is not None
    }
    return {"request": request, "visited_on": visited_on, "members": members, "entries": entries,
            "note": clean_text(request.note, limit=2000, field="note"), "extras": extras}


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
        with_extras = [v for v in visits if isinstance(v.extras, dict) and v.extras]
        prepared = {e.key: (e, e.prepare(with_extras)) for e in extensions.registered()} if with_extras else {}
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
                accepted.append((position, _clean_one(actor, request, loaded, prepared)))
                seen[request.uuid] = request.household.pk
            except DomainError as exc:
                results[position] = exc
        if accepted:
            with track({c["request"].household.pk for _p, c in accepted}):
                written = _write_many(actor, [c for _p, c in accepted])
                for key, (extension, state) in prepared.items():
                    pairs = [(v, c["extras"][key]) for v, (_p, c) in zip(written, accepted, strict=True) if key in c["extras"]]
                    if pairs:
                        extension.write(state, actor, pairs)
            for (position, _c), visit in zip(accepted, written, strict=True):
                results[position] = visit
            # A visit to a household answers the help requests linked to it (issue 17), in this transaction.
            from gocua.helprequests.services import help_close_by_visits

            help_close_by_visits(actor=actor, visits=written)
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
            note=c["note"], from_paper=bool(request.from_paper), follow_up_on=earliest_follow_up(c["entries"], c["visited_on"]),
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
    # The visit's province and date are copied onto the rows below it (distribution and partition keys).
    insert_rows(VisitResident, [
        {"id": pk, "visit_id": v.pk, "resident_id": e["resident"].pk, "province_code": v.province_code,
         "present": e["present"], "note": e["note"]}
        for pk, (v, e) in zip(row_ids, checked, strict=True)
    ])
    insert_rows(VisitOutcome, [
        {"visit_resident_id": pk, "item_id": o["item"].pk, "province_code": v.province_code,
         "visited_on": v.visited_on, "outcome": str(o["outcome"]), "note": o["note"], "follow_up_on": o["follow_up_on"]}
        for pk, (v, e) in zip(row_ids, checked, strict=True) for o in e["outcomes"]
    ])
    set_done_many(actor, [(v, c["entries"]) for v, c in zip(visits, cleaned, strict=True)])
    # One audit event per visit, inserted at once: as cheap as one per batch, and readable per visit.
    audit_record_many(actor=actor, action=AuditEvent.Action.VISIT_RECORDED, objects=visits, details=[
        visit_audit_detail(v, c["entries"]) for v, c in zip(visits, cleaned, strict=True)
    ])
    for visit in visits:
        visit.created = True
    return visits
