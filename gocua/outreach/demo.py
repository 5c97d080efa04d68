"""Demo data for outreach: the `gocua demo` command calls this after creating a team and households."""

import uuid

from django.db import transaction
from django.utils import timezone

from gocua.households.digital import Tri
from gocua.households.models import Resident
from gocua.outreach.models import Outcome, ServiceItem
from gocua.outreach.rules import team_area_q
from gocua.outreach.selectors import team_households
from gocua.outreach.services.assignments import assignment_bulk
from gocua.outreach.services.visits import visit_record

# uuid5 namespace so that running the demo twice records each demo visit once.
DEMO_NAMESPACE = uuid.UUID("6d1f3a52-6b0e-4c53-9a3c-2f1b7c0d9e11")


def demo_outreach(*, leader_user, team, visit_share: int = 3) -> dict:
    """Assign the team's households round robin to its current members and record a visit in every `visit_share`-th.

    Idempotent: assignments and visits (fixed UUIDs) are not duplicated on a second run.
    """
    members = list(team.members.filter(left_on__isnull=True).order_by("pk"))
    households = list(team_households(team).order_by("pk"))
    if not members or not households:
        return {"assigned": 0, "visits": 0}
    assigned = 0
    for index, member in enumerate(members):
        mine = households[index :: len(members)]
        if mine:
            assigned += assignment_bulk(actor=leader_user, team=team, households=mine, member=member)
    items = {i.code: i for i in ServiceItem.objects.filter(is_active=True)}
    visits = 0
    for index, household in enumerate(households[::visit_share]):
        member = members[index % len(members)]
        residents = list(Resident.objects.filter(team_area_q(team), household=household,
                                                 status__in=Resident.COUNTED_STATUSES)[:2])
        if not residents or member.user is None:
            continue
        entries = [{"resident_id": residents[0].pk, "outcomes": [
            {"item_id": items["smartphone"].pk, "outcome": Outcome.DONE},
            {"item_id": items["vneid"].pk, "outcome": Outcome.FOLLOW_UP},
        ]}] + [{"resident_id": r.pk, "outcomes": [{"item_id": items["scams"].pk, "outcome": Outcome.DONE}]}
               for r in residents[1:]]
        visit = visit_record(
            actor=member.user, uuid=uuid.uuid5(DEMO_NAMESPACE, f"{team.pk}-{household.pk}"), household=household,
            visited_on=timezone.localdate(), member_ids=[member.pk], residents=entries,
        )
        visits += int(visit.created)
    return {"assigned": assigned, "visits": visits}


HISTORY_DAYS = 365
VISITS_PER_HOUSEHOLD = (2, 6)  # over the year, drawn per household


@transaction.atomic
def demo_history(*, team, entered_by, days: int = HISTORY_DAYS, seed: str = "gocua-demo-history") -> int:
    """Write a year of back-dated visits for the team's households so trends show on first run; return how many.

    Bulk-inserted (one insert per table, like `generate`) to keep `dev.py up` fast. They change no
    indicator: "done" is recorded only for what the resident already has at yes, anything else is
    "partly" or "refused". Idempotent: fixed UUIDs, and nothing is written when the first exists.
    """
    import datetime as dt
    import random

    from django.db import connection

    from gocua.indicators.rollups import refresh_villages
    from gocua.lib import partitions
    from gocua.lib.bulk import allocate_ids, insert_rows
    from gocua.outreach.models import Visit, VisitOutcome, VisitResident

    members = list(team.members.filter(left_on__isnull=True).order_by("pk"))
    households = list(team_households(team).order_by("pk"))
    if not members or not households:
        return 0
    first = uuid.uuid5(DEMO_NAMESPACE, f"history-{team.pk}-{households[0].pk}-0")
    if Visit.objects.filter(uuid=first).exists():
        return 0
    rng = random.Random(f"{seed}:{team.pk}")
    items = list(ServiceItem.objects.filter(is_active=True).exclude(indicators=[]))
    people = {}
    for r in Resident.objects.filter(household__in=households, status__in=Resident.COUNTED_STATUSES).order_by("pk"):
        people.setdefault(r.household_id, []).append(r)
    today, now = timezone.localdate(), timezone.now()
    visits, checked = [], []
    for household in households:
        folks = people.get(household.pk)
        if not folks:
            continue
        registered = timezone.localdate(household.created_at)
        for n in range(rng.randint(*VISITS_PER_HOUSEHOLD)):
            # A visit before the household was registered would break the visit rule: pretend it was registered earlier.
            visited_on = today - dt.timedelta(days=rng.randint(31, days))
            visit = {"uuid": uuid.uuid5(DEMO_NAMESPACE, f"history-{team.pk}-{household.pk}-{n}"),
                     "household_id": household.pk, "team_id": team.pk, "visited_on": visited_on, "note": "",
                     "from_paper": False, "follow_up_on": None, "entered_by_id": entered_by.pk,
                     "province_code": household.province_code, "commune_code": household.commune_code,
                     "village_code": household.village_code, "deleted_at": None, "deleted_by_id": None,
                     "created_at": now, "updated_at": now, "member": rng.choice(members).pk,
                     "registered": min(registered, visited_on)}
            visits.append(visit)
            checked.append([(r, rng.sample(items, k=min(2, len(items)))) for r in rng.sample(folks, k=min(2, len(folks)))])
    ids = allocate_ids(Visit, len(visits))
    for visit, pk in zip(visits, ids, strict=True):
        visit["id"] = pk
    earliest = {}
    for v in visits:
        earliest[v["household_id"]] = min(earliest.get(v["household_id"], v["registered"]), v["registered"])
    insert_rows(Visit, [{k: v for k, v in visit.items() if k not in ("member", "registered")} for visit in visits])
    insert_rows(Visit.members.through, [{"visit_id": v["id"], "member_id": v["member"]} for v in visits])
    rows = [(v, r, chosen) for v, entries in zip(visits, checked, strict=True) for r, chosen in entries]
    row_ids = allocate_ids(VisitResident, len(rows))
    insert_rows(VisitResident, [{"id": pk, "visit_id": v["id"], "resident_id": r.pk, "province_code": v["province_code"],
                                 "present": True, "note": ""}
                                for pk, (v, r, _c) in zip(row_ids, rows, strict=True)])
    outcomes = []
    for pk, (v, r, chosen) in zip(row_ids, rows, strict=True):
        for item in chosen:
            has_it = all(getattr(r, name, None) == Tri.YES for name in item.indicators)
            outcome = Outcome.DONE if has_it else rng.choice([Outcome.PARTLY, Outcome.REFUSED])
            outcomes.append({"visit_resident_id": pk, "item_id": item.pk, "province_code": v["province_code"],
                             "visited_on": v["visited_on"], "outcome": str(outcome), "note": "", "follow_up_on": None})
    # PostgreSQL: the back-dated months get their partitions first, so outcomes land in their month.
    partitions.ensure(connection, since=today - dt.timedelta(days=days))
    insert_rows(VisitOutcome, outcomes)
    from gocua.households.models import Household

    for household_id, registered in earliest.items():
        Household.objects.filter(pk=household_id, created_at__date__gt=registered).update(
            created_at=timezone.make_aware(dt.datetime.combine(registered, dt.time(8)))
        )
    refresh_villages({h.village_code for h in households})
    return len(visits)
