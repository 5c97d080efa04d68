"""Helpers for outreach tests: record visits through the real service with short calls."""

import datetime as dt
import uuid

from django.db.models import F, Q
from django.utils import timezone

from gocua.households.models import Household
from gocua.outreach.models import VisitOutcome, VisitResident
from gocua.outreach.services.visits import visit_record


def backdate(household, days: int = 400):
    """Pretend the household was registered `days` ago, so past visits are allowed."""
    Household.objects.filter(pk=household.pk).update(created_at=timezone.now() - dt.timedelta(days=days))
    household.refresh_from_db()
    return household


def outcome(item, result="done", **extra):
    return {"item_id": item.pk, "outcome": result, **extra}


def record(actor, household, residents, *, members=None, visited_on=None, **extra):
    """Record a visit through the service with sensible defaults."""
    member_ids = members if members is not None else [actor.member.pk]
    return visit_record(
        actor=actor,
        uuid=extra.pop("uuid", None) or uuid.uuid4(),
        household=household,
        visited_on=visited_on or timezone.localdate(),
        member_ids=member_ids,
        residents=residents,
        **extra,
    )


def checked(resident, *outcomes, present=True, note=""):
    return {"resident_id": resident.pk, "present": present, "note": note, "outcomes": list(outcomes)}


def copies_disagreeing() -> list[tuple]:
    """Return the residents checked and outcomes whose province or date is not their visit's.

    Every writer of visits copies them (the Citus key and the outcomes' partition month): a test
    of a writer ends with `assert copies_disagreeing() == []`.
    """
    rows = VisitResident.objects.exclude(province_code=F("visit__province_code")).values_list(
        "pk", "province_code", "visit__province_code"
    )
    visit = "visit_resident__visit__"
    outcomes = VisitOutcome.objects.filter(
        ~Q(province_code=F(f"{visit}province_code")) | ~Q(visited_on=F(f"{visit}visited_on"))
    ).values_list("pk", "province_code", f"{visit}province_code", "visited_on", f"{visit}visited_on")
    return [("resident checked", *r) for r in rows] + [("outcome", *o) for o in outcomes]
