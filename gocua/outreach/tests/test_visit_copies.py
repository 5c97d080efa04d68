"""The visit's province and date copied onto residents checked and outcomes, by every writer (both databases).

They are the key Citus distributes by and the month PostgreSQL partitions outcomes by
(docs/SCALING.md); a writer that forgets them is refused by the database, one that copies a wrong
value is caught by `copies_disagreeing`.
"""

import datetime as dt
import uuid
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from gocua import testing as f
from gocua.lib.bulk import insert_rows
from gocua.outreach.demo import demo_history
from gocua.outreach.models import Visit, VisitOutcome, VisitResident
from gocua.outreach.services.visits import VisitInput, visit_correct, visit_record_many
from gocua.outreach.tests.factories import backdate, checked, copies_disagreeing, outcome, record

pytestmark = pytest.mark.django_db


def _copies(visit) -> set[tuple]:
    rows = {("checked", r.province_code, None) for r in VisitResident.objects.filter(visit=visit)}
    return rows | {("outcome", o.province_code, o.visited_on)
                   for o in VisitOutcome.objects.filter(visit_resident__visit=visit)}


def test_a_recorded_visit_copies_its_province_and_date_onto_the_rows_under_it(world, items):
    user = world.users["team_member"]
    visit = record(user, world.household, [checked(world.resident, outcome(items["vneid"]), outcome(items["scams"]))])
    province = world.household.province_code
    assert _copies(visit) == {("checked", province, None), ("outcome", province, visit.visited_on)}
    assert copies_disagreeing() == []


def test_a_batch_of_visits_copies_each_visits_own_date(world, items):
    user = world.users["team_member"]
    backdate(world.household)
    second = f.make_household(world.village)
    backdate(second)
    resident2 = f.make_resident(second, full_name="Lê Thị Hai", gender="female")
    today = timezone.localdate()
    requests = [
        VisitInput(uuid=uuid.uuid4(), household=household, visited_on=day, member_ids=[user.member.pk],
                   residents=[checked(resident, outcome(items["vneid"], "partly"))])
        for household, resident, day in [(world.household, world.resident, today - dt.timedelta(days=40)),
                                         (second, resident2, today)]
    ]
    first, last = visit_record_many(actor=user, visits=requests)
    assert {o.visited_on for o in VisitOutcome.objects.filter(visit_resident__visit=first)} == {first.visited_on}
    assert {o.visited_on for o in VisitOutcome.objects.filter(visit_resident__visit=last)} == {today}
    assert copies_disagreeing() == []


def test_correcting_the_date_moves_the_outcomes_with_the_visit(world, items):
    user = world.users["team_member"]
    backdate(world.household)
    today = timezone.localdate()
    visit = record(user, world.household, [checked(world.resident, outcome(items["vneid"], "partly"))])
    earlier = today - dt.timedelta(days=35)  # another month, whatever today is
    visit_correct(actor=user, visit=visit, visited_on=earlier, member_ids=[user.member.pk],
                  residents=[checked(world.resident, outcome(items["vneid"], "partly"))], reason="wrong day")
    assert {o.visited_on for o in VisitOutcome.objects.filter(visit_resident__visit=visit)} == {earlier}
    assert copies_disagreeing() == []


@pytest.mark.parametrize("forgotten", ["province_code", "visited_on"])
def test_a_writer_that_forgets_a_copy_is_refused_by_the_database(world, items, forgotten):
    user = world.users["team_member"]
    visit = record(user, world.household, [checked(world.resident)])
    row = VisitResident.objects.get(visit=visit)
    given = {"visit_resident_id": row.pk, "item_id": items["scams"].pk, "outcome": "partly", "note": "",
             "follow_up_on": None, "province_code": visit.province_code, "visited_on": visit.visited_on}
    del given[forgotten]
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(VisitOutcome, [given])
    with pytest.raises(IntegrityError), transaction.atomic():
        insert_rows(VisitResident, [{"visit_id": visit.pk, "resident_id": f.make_resident(world.household).pk,
                                     "present": True, "note": ""}])


def test_the_migration_fills_in_rows_written_before_it(world, items):
    user = world.users["team_member"]
    backdate(world.household)
    visit = record(user, world.household, [checked(world.resident, outcome(items["vneid"], "partly"))],
                   visited_on=timezone.localdate() - dt.timedelta(days=3))
    # What rows of before the migration look like to it: no province, no date (here: wrong ones,
    # since the columns refuse empty values now). On PostgreSQL the outcome moves to another month.
    VisitResident.objects.update(province_code="99")
    VisitOutcome.objects.update(province_code="99", visited_on=dt.date(2020, 1, 15))
    assert len(copies_disagreeing()) == 2
    migration = import_module("gocua.outreach.migrations.0003_visit_copies")
    migration.backfill(None, SimpleNamespace(connection=connection))  # the statements need no schema editor
    assert copies_disagreeing() == []
    assert _copies(visit) == {("checked", visit.province_code, None), ("outcome", visit.province_code, visit.visited_on)}


def test_the_demo_history_copies_them_too(world):
    leader = world.users["team_leader"]
    for i in range(3):
        f.make_resident(f.make_household(world.village), full_name=f"Demo {i}")
    assert demo_history(team=world.team, entered_by=leader, days=90) > 0
    assert VisitOutcome.objects.exists()
    assert copies_disagreeing() == []


def test_the_copies_check_sees_a_wrong_copy(world, items):
    visit = record(world.users["team_member"], world.household, [checked(world.resident, outcome(items["vneid"]))])
    VisitOutcome.objects.update(visited_on=visit.visited_on - dt.timedelta(days=1))
    assert [row[0] for row in copies_disagreeing()] == ["outcome"]
    assert Visit.objects.count() == 1
