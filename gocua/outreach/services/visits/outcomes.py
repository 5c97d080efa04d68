"""Outcomes to indicators: a "done" outcome sets the item's indicators to yes; undo puts them back.

Every change goes through households.services, which writes the indicator history with source
"visit" and the visit's UUID as reference.
"""

from collections import defaultdict

from django.utils import timezone

from gocua.households.indicators import Tri
from gocua.households.models import IndicatorChange, Resident
from gocua.households.services import resident_set_indicators
from gocua.lib.bulk import insert_rows
from gocua.outreach.models import Outcome, Visit, VisitOutcome


def done_pairs(entries) -> dict[int, set[str]]:
    """Return {resident id: indicators} that the "done" outcomes of `entries` set to yes."""
    done = defaultdict(set)
    for entry in entries:
        for o in entry["outcomes"]:
            if o["outcome"] == Outcome.DONE:
                done[entry["resident"].pk].update(o["item"].indicators)
    return done


def set_done(actor, visit: Visit, entries) -> None:
    residents = {e["resident"].pk: e["resident"] for e in entries}
    for resident_id, names in done_pairs(entries).items():
        resident_set_indicators(
            actor=actor,
            resident=residents[resident_id],
            values=dict.fromkeys(names, Tri.YES),
            source=IndicatorChange.Source.VISIT,
            source_ref=str(visit.uuid),
        )


def undo_done(actor, visit: Visit, removed: dict[int, set[str]]) -> None:
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


def set_done_many(actor, pairs) -> None:
    """Set to yes what the "done" outcomes reach, in order, with one history row per change.

    The same changes `resident_set_indicators` would make visit after visit (two visits of a
    batch to one resident see each other's changes), written with one UPDATE per distinct set of
    indicators and one insert of the history.
    """
    now = timezone.now()
    history, changed = [], defaultdict(set)
    for visit, entries in pairs:
        residents = {e["resident"].pk: e["resident"] for e in entries}
        for resident_id, names in done_pairs(entries).items():
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
