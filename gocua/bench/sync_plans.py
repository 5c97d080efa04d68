"""Devices and batches for the sync benchmarks: a throw-away member with a token, 500 visits a batch."""

import secrets
import uuid

from gocua.accounts.models import Role, User
from gocua.bench.benchmarks import NoData
from gocua.field import tokens
from gocua.households.models import Household, Resident
from gocua.outreach.models import ServiceItem
from gocua.teams.models import Member

BATCH = 500


def bench_device(member, village, device_name: str):
    """Give `member` a throw-away log-in of their own and a device token; return (user, issued token)."""
    password = secrets.token_urlsafe(16)
    user = User(username=f"bench-sync-{uuid.uuid4().hex[:8]}", role=Role.TEAM_MEMBER, scope_unit=village)
    user.set_password(password)
    user.save()
    Member.objects.filter(pk=member.pk).update(user=user)
    return user, tokens.token_issue(username=user.username, password=password, device_name=device_name)


def prepare(village) -> dict:
    """Create a bench member's account and token in `village`; return what the batches need."""
    member = Member.objects.filter(team__unit=village, left_on__isnull=True).select_related("team").first()
    if member is None:
        raise NoData
    user, issued = bench_device(member, village, "bench")
    residents: dict[int, list[str]] = {}
    for household_id, resident_uuid in Resident.objects.filter(
        household__village=village, status__in=Resident.COUNTED_STATUSES
    ).order_by("household_id", "id").values_list("household_id", "uuid"):
        residents.setdefault(household_id, []).append(str(resident_uuid))
    households = [
        (str(h_uuid), residents[pk][:3])
        for pk, h_uuid in Household.objects.filter(pk__in=list(residents)).values_list("pk", "uuid")
        if len(residents[pk]) >= 3
    ]
    if not households:
        raise NoData
    items = list(ServiceItem.objects.filter(is_active=True).order_by("position").values_list("pk", flat=True))
    return {"token": issued.secret, "households": households, "items": items, "member": member.pk,
            "team": member.team_id, "user": user.pk, "village": village}


def batch_records(plan: dict, number: int, today: str) -> list[dict]:
    """Return batch `number` of BATCH visits (3 residents x 2 services guided each)."""
    households, items = plan["households"], plan["items"]
    records = []
    for i in range(number * BATCH, (number + 1) * BATCH):
        household, people = households[i % len(households)]
        turn = i // len(households)  # later rounds guide other services, so indicators keep changing
        done, partly = items[turn % len(items)], items[(turn + 1) % len(items)]
        records.append({"uuid": str(uuid.uuid4()), "type": "visit", "data": {
            "household": household, "visited_on": today,
            "residents": [{"resident": r, "outcomes": [{"item": done, "outcome": "done"},
                                                       {"item": partly, "outcome": "partly"}]} for r in people],
        }})
    return records
