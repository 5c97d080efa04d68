"""A visit's content as stored rows and as the JSON snapshot a VisitRevision keeps."""

from typing import Any

from gocua.outreach.models import Visit, VisitOutcome, VisitResident


def snapshot(*, visited_on, member_ids, note, from_paper, entries) -> dict[str, Any]:
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


def stored_entries(visit: Visit) -> list[dict[str, Any]]:
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


def stored_snapshot(visit: Visit, entries) -> dict[str, Any]:
    return snapshot(
        visited_on=visit.visited_on,
        member_ids=[m.pk for m in visit.members.all()],
        note=visit.note,
        from_paper=visit.from_paper,
        entries=entries,
    )


def write_entries(visit: Visit, entries) -> None:
    """Write the residents checked and their outcomes, with the visit's province and date copied onto them."""
    outcomes = []
    for entry in entries:
        row = VisitResident.objects.create(
            visit=visit, resident=entry["resident"], province_code=visit.province_code, present=entry["present"],
            note=entry["note"],
        )
        outcomes += [
            VisitOutcome(visit_resident=row, province_code=visit.province_code, visited_on=visit.visited_on, **o)
            for o in entry["outcomes"]
        ]
    VisitOutcome.objects.bulk_create(outcomes)
