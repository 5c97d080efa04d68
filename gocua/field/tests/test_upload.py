"""POST /api/v1/sync: one result per record, idempotent replays, nothing half-applied, bad input refused."""

import json
import uuid

import pytest
from django.utils import timezone

from gocua import testing as f
from gocua.field.models import SyncReceipt
from gocua.field.schemas import MAX_BATCH_BYTES, MAX_RECORDS
from gocua.field.tests.conftest import DeviceClient, issue, record
from gocua.households.digital import Tri
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.outreach.models import CommunitySession, Visit, VisitOutcome, VisitResident
from gocua.outreach.tests.factories import copies_disagreeing
from gocua.testing import ApiClient


def _person(household_uuid, **extra):
    return {"household": str(household_uuid), "full_name": "Lê Văn Tám", "birth_year": 1970, "gender": "male",
            "relation": "head", **extra}


def _visit(household_uuid, resident_uuid, item, outcome="done", **extra):
    return {"household": str(household_uuid), "visited_on": f.today().isoformat(),
            "residents": [{"resident": str(resident_uuid), "outcomes": [{"item": item.pk, "outcome": outcome}]}],
            **extra}


def _counts():
    return (
        Household.objects.count(), Resident.objects.count(), Visit.objects.count(), VisitResident.objects.count(),
        VisitOutcome.objects.count(), IndicatorChange.objects.count(), CommunitySession.objects.count(),
        SyncReceipt.objects.count(),
    )


@pytest.fixture
def offline_day(world, items):
    """A day's work made offline: a new household, its head, a visit to it and to an old household."""
    h, r = uuid.uuid4(), uuid.uuid4()
    return [
        record("household", {"temp_key": "TẠM-1", "address_line": "Xóm 2"}, h),
        record("resident", _person(h, indicators={"smartphone": "no"}), r),
        record("visit", _visit(h, r, items["smartphone"])),
        record("visit", _visit(world.household.uuid, world.resident.uuid, items["scams"])),
        record("session", {"held_on": f.today().isoformat(), "place": "Nhà văn hoá thôn", "topics": [items["scams"].pk],
                           "attendees": [str(world.resident.uuid)]}),
    ]


def test_a_days_work_is_applied_through_the_services(world, device_of, items, offline_day):
    answer = device_of().sync(*offline_day)
    assert [r["status"] for r in answer["results"]] == ["created"] * 5
    household = Household.objects.get(uuid=offline_day[0]["uuid"])
    assert household.household_key == "TT-002" and household.created_by == world.users["team_member"]
    assert answer["household_keys"] == [{"uuid": offline_day[0]["uuid"], "temp_key": "TẠM-1", "household_key": "TT-002"}]
    head = Resident.objects.get(uuid=offline_day[1]["uuid"])
    assert household.__class__.objects.get(pk=household.pk).head == head
    assert head.smartphone == Tri.YES  # "no" at registration, then "done" at the visit
    sources = list(head.indicator_changes.order_by("id").values_list("source", "old_value", "new_value"))
    assert sources == [("sync", Tri.UNKNOWN, Tri.NO), ("visit", Tri.NO, Tri.YES)]
    world.resident.refresh_from_db()
    assert world.resident.scam_awareness == Tri.YES
    visit = Visit.objects.get(uuid=offline_day[2]["uuid"])
    assert [m.full_name for m in visit.members.all()] == ["Trần Thu Hà"]  # the uploader's member by default
    assert CommunitySession.objects.get(uuid=offline_day[4]["uuid"]).attendees.get() == world.resident
    assert copies_disagreeing() == []


def test_replaying_a_batch_any_number_of_times_changes_nothing_more(world, device_of, offline_day):
    device = device_of()
    first = device.sync(*offline_day)
    counts = _counts()
    for _ in range(3):
        again = device.sync(*offline_day)
        assert [r["status"] for r in again["results"]] == ["duplicate"] * 5
        assert _counts() == counts
    # A lost answer is not lost: the replay gives the household's permanent key again.
    assert again["household_keys"] == first["household_keys"]
    assert again["results"][0]["household_key"] == "TT-002"


def test_the_same_uuid_with_other_content_is_a_conflict_and_writes_nothing(world, device_of, items):
    device = device_of()
    visit = record("visit", _visit(world.household.uuid, world.resident.uuid, items["scams"]))
    device.sync(visit)
    counts = _counts()
    changed = {**visit, "data": {**visit["data"], "note": "khác"}}
    result = device.sync(changed)["results"][0]
    assert (result["status"], result["code"]) == ("conflict", "uuid_reused")
    assert _counts() == counts


def test_a_visit_first_sent_by_the_web_form_is_a_duplicate(world, device_of, items):
    visit = record("visit", _visit(world.household.uuid, world.resident.uuid, items["scams"]))
    member = world.team.members.get(user=world.users["team_member"])
    web = ApiClient(world.users["team_member"]).post("/outreach/visits", {
        "uuid": visit["uuid"], "household": world.household.pk, "visited_on": f.today().isoformat(), "members": [member.pk],
        "residents": [{"resident": world.resident.pk, "outcomes": [{"item": items["scams"].pk, "outcome": "done"}]}],
    })
    assert web.status_code == 201
    assert device_of().sync(visit)["results"][0]["status"] == "duplicate"
    assert Visit.objects.count() == 1


def test_one_bad_record_never_rejects_the_others_and_is_never_half_applied(world, device_of, items):
    stranger = f.make_resident(f.make_household(world.village, "TT-009"), full_name="Người Khác")
    bad_visit = _visit(world.household.uuid, world.resident.uuid, items["smartphone"])
    bad_visit["residents"].append({"resident": str(stranger.uuid), "outcomes": []})  # not in this household
    good = record("resident", _person(world.household.uuid, relation="child", full_name="Nguyễn Văn Bé"))
    answer = device_of().sync(record("visit", bad_visit), good)
    bad_result, good_result = answer["results"]
    assert (bad_result["status"], bad_result["code"]) == ("rejected", "resident_not_in_household")
    assert good_result["status"] == "created"
    assert not Visit.objects.exists() and not VisitResident.objects.exists()
    world.resident.refresh_from_db()
    assert world.resident.smartphone == Tri.UNKNOWN
    assert not SyncReceipt.objects.filter(uuid=answer["results"][0]["uuid"]).exists()
    assert Resident.objects.filter(full_name="Nguyễn Văn Bé").count() == 1


def test_records_name_what_an_earlier_rejected_record_would_have_created(world, device_of):
    h = uuid.uuid4()
    answer = device_of().sync(
        record("household", {"village": world.other_province_village.code}, h),
        record("resident", _person(h)),
    )
    assert [(r["status"], r["code"]) for r in answer["results"]] == [
        ("rejected", "out_of_scope"), ("rejected", "household_unknown")
    ]


def test_a_given_household_key_is_kept_and_a_taken_one_refused(world, device_of):
    answer = device_of().sync(
        record("household", {"household_key": "TT-050"}),
        record("household", {"household_key": "TT-001"}),
        record("household", {"temp_key": "T-1"}),
    )
    results = answer["results"]
    assert results[0]["household_key"] == "TT-050"
    assert (results[1]["status"], results[1]["code"]) == ("rejected", "household_key_taken")
    assert results[2]["household_key"] == "TT-051"


def _rejected(device, raw) -> dict:
    result = device.sync(raw)["results"][0]
    assert result["status"] == "rejected", result
    return result


@pytest.mark.parametrize(
    ("raw", "code", "field"),
    [
        ({"uuid": "not-a-uuid", "type": "household", "data": {}}, "uuid_invalid", "uuid"),
        ({"type": "household", "data": {}}, "uuid_invalid", "uuid"),
        ({"uuid": str(uuid.uuid4()), "type": "pig", "data": {}}, "type_unknown", "type"),
        ({"uuid": str(uuid.uuid4()), "type": "household", "data": {}, "extra": 1}, "unknown_field", "extra"),
        ({"uuid": str(uuid.uuid4()), "type": "household", "data": {"colour": "red"}}, "unknown_field", "colour"),
        ({"uuid": str(uuid.uuid4()), "type": "resident", "data": {"full_name": "A"}}, "field_missing", "household"),
        ({"uuid": str(uuid.uuid4()), "type": "household", "data": {"address_line": 12}}, "wrong_type", "address_line"),
        ({"uuid": str(uuid.uuid4()), "type": "household", "data": "text"}, "wrong_type", "data"),
        ({"uuid": str(uuid.uuid4()), "type": "household", "data": {"address_line": "x" * 201}}, "invalid_value",
         "address_line"),
        ("just a string", "record_not_object", None),
    ],
)
def test_each_malformed_record_gets_its_own_code(world, device_of, raw, code, field):
    before = _counts()
    result = _rejected(device_of(), raw)
    assert (result["code"], result["field"]) == (code, field)
    assert _counts() == before


def test_a_record_outside_the_users_scope_is_refused(world, device_of, items):
    result = _rejected(device_of(), record(
        "visit", _visit(world.other_household.uuid, world.other_resident.uuid, items["scams"])
    ))
    assert result["code"] == "out_of_scope"
    result = _rejected(device_of(), record("indicators", {"resident": str(world.other_resident.uuid),
                                                          "values": {"smartphone": "yes"}}))
    assert result["code"] == "out_of_scope"
    assert not Visit.objects.exists() and world.other_resident.indicator_changes.count() == 0


def test_a_resident_uuid_that_does_not_exist_is_refused(world, device_of, items):
    result = _rejected(device_of(), record("visit", _visit(world.household.uuid, uuid.uuid4(), items["scams"])))
    assert (result["code"], result["field"]) == ("resident_unknown", "resident")


# --- the batch as a whole -------------------------------------------------------------------------------


def test_malformed_json_is_refused(world, device_of):
    response = device_of().post("/sync", b'{"records": [')
    assert response.status_code == 400 and response.json()["code"] == "malformed_json"


@pytest.mark.parametrize(
    ("body", "code", "field"),
    [
        ([], "invalid_input", None),
        ({"records": {}}, "invalid_input", "records"),
        ({}, "invalid_input", "records"),
        ({"records": [], "since": "x"}, "unknown_field", "since"),
    ],
)
def test_a_batch_of_the_wrong_shape_is_refused(world, device_of, body, code, field):
    response = device_of().post("/sync", body)
    assert response.status_code == 422
    assert (response.json()["code"], response.json().get("field")) == (code, field)


def test_a_batch_of_more_than_500_records_is_refused_whole(world, device_of):
    records = [record("household", {}) for _ in range(MAX_RECORDS + 1)]
    response = device_of().post("/sync", {"records": records})
    assert response.status_code == 413 and response.json()["code"] == "too_many_records"
    assert Household.objects.count() == 2


def test_a_batch_over_5_mb_is_refused_before_it_is_read(world, device_of):
    body = json.dumps({"records": [], "padding": "x" * MAX_BATCH_BYTES})
    response = device_of().post("/sync", body)
    assert response.status_code == 413 and response.json()["code"] == "batch_too_large"


def test_an_expired_token_writes_nothing(world, items):
    issued = issue(world.users["team_member"])
    issued.token.__class__.objects.filter(pk=issued.token.pk).update(expires_at=timezone.now())
    response = DeviceClient(issued.secret).post("/sync", {"records": [record("household", {})]})
    assert response.status_code == 401 and response.json()["code"] == "token_expired"
    assert Household.objects.count() == 2


def test_an_empty_batch_answers_no_results(world, device_of):
    answer = device_of().sync()
    assert (answer["results"], answer["household_keys"]) == ([], [])
