"""Runs of visit records in a sync batch are written in bulk (`visit_record_many`).

The bulk path must answer and write exactly what applying the records one by one through
`visit_record` would: the tests run the same batch both ways on the same data and compare.
"""

import uuid

import pytest
from django.db import transaction

from gocua import testing as f
from gocua.field import upload
from gocua.field.models import SyncReceipt
from gocua.field.tests.conftest import record
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.households.models import IndicatorChange, Resident
from gocua.indicators.models import UnitActivity, UnitStat
from gocua.indicators.services import rollups_check
from gocua.outreach.models import Visit, VisitOutcome
from gocua.outreach.services import visits as visit_services
from gocua.outreach.services.visits import record as visit_recording
from gocua.outreach.tests.factories import copies_disagreeing

pytestmark = pytest.mark.django_db


def _visit(household, people, outcomes, **extra) -> dict:
    return {
        "household": str(household.uuid), "visited_on": f.today().isoformat(),
        "residents": [{"resident": str(p.uuid), "outcomes": [{"item": i.pk, "outcome": o} for i, o in outcomes]}
                      for p in people],
        **extra,
    }


@pytest.fixture
def village_work(world, items):
    """Three households of the team's village; a batch touching them in every way a batch can."""
    second = f.make_household(world.village, "TT-002")
    third = f.make_household(world.village, "TT-003")
    a = f.make_resident(second, full_name="Phạm Thị Mai", gender="female", birth_year=1975)
    b = f.make_resident(second, full_name="Phạm Văn Nam", birth_year=2001)
    c = f.make_resident(third, full_name="Đỗ Văn Hùng", birth_year=1960)
    items["ecommerce"].is_active = False
    items["ecommerce"].save()
    repeated, taken = uuid.uuid4(), uuid.uuid4()
    batch = [
        record("visit", _visit(second, [a, b], [(items["vneid"], "done"), (items["payment"], "partly")])),
        # The same resident twice in one batch: the second visit sees what the first set.
        record("visit", _visit(second, [a], [(items["vneid"], "done"), (items["smartphone"], "done")])),
        record("visit", _visit(third, [c], [(items["ehealth"], "follow_up")]), repeated),
        record("visit", _visit(third, [c], [(items["ehealth"], "follow_up")]), repeated),  # a copy: duplicate
        record("visit", _visit(second, [c], [(items["vneid"], "done")])),  # c is not in this household
        record("visit", _visit(third, [c], [(items["ecommerce"], "done")])),  # a retired service
        record("visit", _visit(world.household, [world.resident], [(items["scams"], "done")]), taken),
        record("visit", _visit(third, [c], [(items["scams"], "done")]), taken),  # same uuid, other household
        record("visit", _visit(world.other_household, [world.other_resident], [(items["vneid"], "done")])),
        record("visit", _visit(third, [c], [(items["smartphone"], "refused")], members=[999_999])),
        record("visit", _visit(third, [c], [(items["payment"], "done")], visited_on="2999-01-01")),
    ]
    return {"batch": batch, "residents": [a, b, c, world.resident]}


def _state() -> dict:
    """What the batch wrote, without ids or timestamps."""
    visits = {
        str(v.uuid): (
            v.household.household_key, str(v.visited_on), v.follow_up_on, v.team_id,
            sorted(m.pk for m in v.members.all()),
            sorted((vr.resident_id, vr.province_code, vr.present, o.item_id, o.province_code, str(o.visited_on),
                    o.outcome) for vr in v.visit_residents.all() for o in vr.outcomes.all()),
        )
        for v in Visit.objects.select_related("household").prefetch_related("members", "visit_residents__outcomes")
    }
    history = sorted(
        IndicatorChange.objects.values_list("resident_id", "indicator", "old_value", "new_value", "source", "source_ref")
    )
    indicators = sorted(Resident.objects.values_list("pk", *INDICATOR_NAMES))
    stats = sorted((s.code, tuple(sorted(s.values().items()))) for s in UnitStat.objects.all())
    activity = sorted(UnitActivity.objects.values_list("code", "day", "visits"))
    receipts = sorted(SyncReceipt.objects.values_list("uuid", "kind", "result"), key=str)
    return {"visits": visits, "history": history, "indicators": indicators, "stats": stats,
            "activity": activity, "receipts": receipts}


def _sync_in_rollback(device, batch) -> tuple[list, dict]:
    with transaction.atomic():
        answer = device.sync(*batch)
        state = _state()
        assert copies_disagreeing() == []  # the visit's province and date on the rows under it
        transaction.set_rollback(True)
    return [(r["uuid"], r["status"], r.get("code")) for r in answer["results"]], state


def test_bulk_and_one_by_one_answer_and_write_the_same(world, device_of, village_work, monkeypatch):
    device = device_of()
    bulk_answer, bulk_state = _sync_in_rollback(device, village_work["batch"])

    def one_by_one(parsed, receipts):
        for p in parsed:
            yield "one", p

    monkeypatch.setattr(upload, "_runs", one_by_one)
    slow_answer, slow_state = _sync_in_rollback(device, village_work["batch"])

    assert bulk_answer == slow_answer
    assert bulk_state == slow_state
    statuses = [s for _u, s, _c in bulk_answer]
    assert statuses == ["created", "created", "created", "duplicate", "rejected", "rejected", "created",
                        "conflict", "rejected", "rejected", "rejected"]
    codes = [c for _u, _s, c in bulk_answer]
    assert codes[4:6] == ["resident_not_in_household", "service_item_retired"]
    assert codes[7:] == ["uuid_reused", "out_of_scope", "member_unknown", "date_in_future"]
    # The second visit to Mai changed only the smartphone: her VNeID was already set by the first.
    mai = village_work["residents"][0]
    mine = [(i, o, n) for r, i, o, n, _s, _ref in bulk_state["history"] if r == mai.pk]
    assert sorted(mine) == [("smartphone", Tri.UNKNOWN, Tri.YES), ("vneid_level2", Tri.UNKNOWN, Tri.YES)]


def test_rollups_stay_exact_after_a_bulk_batch(world, device_of, village_work):
    device_of().sync(*village_work["batch"])
    assert Visit.objects.count() == 4
    assert rollups_check().differences == []


def test_a_copy_that_lands_meanwhile_sends_the_run_one_by_one(world, device_of, items, monkeypatch):
    """Another upload writes a visit between this batch's look-up and its insert: the UNIQUE
    constraint stops the bulk write, which is rolled back whole, and the careful path answers."""
    raced = uuid.uuid4()
    visit_services.visit_record(
        actor=world.users["team_member"], uuid=raced, household=world.household, visited_on=f.today(),
        member_ids=[world.team.members.get(user=world.users["team_member"]).pk],
        residents=[{"resident_id": world.resident.pk, "outcomes": []}],
    )
    looked = []

    class Blind(visit_recording._Lookups):
        def __init__(self, requests):
            super().__init__(requests)
            looked.append(len(requests))
            if len(looked) == 1:
                self.existing = {}  # the bulk look-up ran before the other upload committed

    monkeypatch.setattr(visit_recording, "_Lookups", Blind)
    other = f.make_household(world.village, "TT-009")
    person = f.make_resident(other, full_name="Vũ Thị Lan", gender="female")
    answer = device_of().sync(
        record("visit", _visit(other, [person], [(items["vneid"], "done")])),
        record("visit", _visit(world.household, [world.resident], []), raced),
    )
    assert [r["status"] for r in answer["results"]] == ["created", "duplicate"]
    assert looked[0] == 2 and len(looked) == 3  # the bulk try, then one call per record
    assert Visit.objects.filter(uuid=raced).count() == 1 and Visit.objects.count() == 2
    person.refresh_from_db()
    assert person.vneid_level2 == Tri.YES
    assert IndicatorChange.objects.filter(resident=person).count() == 1
    assert VisitOutcome.objects.filter(visit_resident__resident=person).count() == 1
    assert copies_disagreeing() == []


def test_uploads_take_turns_on_a_file_lock(tmp_path):
    """Two holders of the SQLite writers' lock never overlap, and the second gets it once the first lets go."""
    import threading
    import time

    lock = str(tmp_path / "gocua.sqlite3-sync.lock")
    events = []
    first_in, release = threading.Event(), threading.Event()

    def first():
        with upload.file_lock(lock):
            events.append("first in")
            first_in.set()
            release.wait(5)
            events.append("first out")

    def second():
        first_in.wait(5)
        with upload.file_lock(lock):
            events.append("second in")

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_in.wait(5)
    time.sleep(0.2)
    assert events == ["first in"]  # the second waits
    release.set()
    for thread in threads:
        thread.join(5)
    assert events == ["first in", "first out", "second in"]


def test_an_in_memory_database_needs_no_lock(tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "file_lock", lambda path: pytest.fail("no lock for an in-memory database"))
    with upload.writer_turn():
        pass


def test_a_visit_with_a_bad_uuid_is_refused_alone(world, items):
    member = world.team.members.get(user=world.users["team_member"])
    good = visit_services.VisitInput(
        uuid=uuid.uuid4(), household=world.household, visited_on=f.today(), member_ids=[member.pk],
        residents=[{"resident_id": world.resident.pk, "outcomes": [{"item_id": items["vneid"].pk, "outcome": "done"}]}],
    )
    bad = visit_services.VisitInput(
        uuid="not-a-uuid", household=world.household, visited_on=f.today(), member_ids=[member.pk],
        residents=[{"resident_id": world.resident.pk, "outcomes": []}],
    )
    first, second = visit_services.visit_record_many(actor=world.users["team_member"], visits=[good, bad])
    assert first.created and Visit.objects.get().uuid == good.uuid
    assert second.code == "uuid_invalid"


def test_a_uuid_given_twice_in_one_call_records_one_visit(world, items):
    member = world.team.members.get(user=world.users["team_member"])
    form_id = uuid.uuid4()
    visit = visit_services.VisitInput(
        uuid=form_id, household=world.household, visited_on=f.today(), member_ids=[member.pk],
        residents=[{"resident_id": world.resident.pk, "outcomes": [{"item_id": items["vneid"].pk, "outcome": "done"}]}],
    )
    again = visit_services.VisitInput(**{**visit.__dict__})
    first, second = visit_services.visit_record_many(actor=world.users["team_member"], visits=[visit, again])
    assert first.created and not second.created and first.pk == second.pk
    assert Visit.objects.count() == 1 and IndicatorChange.objects.count() == 1
