"""Offline edits: field-level merge from a base version, real conflicts, and settling them."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from gocua.field.models import FieldChange, SyncConflict
from gocua.field.tests.conftest import record
from gocua.households import services as household_services
from gocua.households.digital import Tri
from gocua.households.models import IndicatorChange


def _at(minutes: int) -> str:
    return (timezone.now() + dt.timedelta(minutes=minutes)).isoformat()


def _edit(resident, changes, *, base_version=0, minutes=-10, base=None):
    data = {"resident": str(resident.uuid), "base_version": base_version, "device_time": _at(minutes),
            "changes": changes}
    if base is not None:
        data["base"] = base
    return record("resident_edit", data)


@pytest.fixture
def two_phones(world, device_of):
    """Two devices (the member's and the leader's) that both downloaded the resident at version 0."""
    return device_of("team_member"), device_of("team_leader")


def test_different_fields_changed_on_two_phones_both_merge(world, two_phones):
    phone, other = two_phones
    assert other.sync(_edit(world.resident, {"phone": "0912345678"}))["results"][0]["status"] == "created"
    result = phone.sync(_edit(world.resident, {"status": "away"}))["results"][0]
    assert result["status"] == "created" and result["version"] > 0
    world.resident.refresh_from_db()
    assert (world.resident.phone, world.resident.status) == ("0912345678", "away")
    assert not SyncConflict.objects.exists()


def test_the_same_field_changed_to_different_values_is_a_conflict_the_later_device_time_wins(world, two_phones):
    phone, other = two_phones
    other.sync(_edit(world.resident, {"phone": "0912345678"}, minutes=-30))
    result = phone.sync(_edit(world.resident, {"phone": "0987654321"}, minutes=-5))["results"][0]
    assert result["status"] == "conflict" and result["code"] == "field_conflict"
    assert result["conflicts"] == [
        {"field": "phone", "server_value": "0912345678", "device_value": "0987654321", "winner": "device"}
    ]
    world.resident.refresh_from_db()
    assert world.resident.phone == "0987654321"
    conflict = SyncConflict.objects.get()
    assert (conflict.other_user, conflict.user) == (world.users["team_leader"], world.users["team_member"])
    assert conflict.village_code == world.village.code and conflict.settled_at is None


def test_an_upload_whose_change_was_made_earlier_loses_but_is_recorded(world, two_phones):
    phone, other = two_phones
    other.sync(_edit(world.resident, {"full_name": "Nguyễn Văn Trường Giang"}, minutes=-5))
    result = phone.sync(_edit(world.resident, {"full_name": "Nguyễn Văn Trương"}, minutes=-60))["results"][0]
    assert result["conflicts"][0]["winner"] == "server"
    world.resident.refresh_from_db()
    assert world.resident.full_name == "Nguyễn Văn Trường Giang"
    assert SyncConflict.objects.get().device_value == "Nguyễn Văn Trương"


def test_a_phone_clock_in_the_future_is_clamped_to_when_the_upload_arrived(world, two_phones):
    phone, other = two_phones
    phone.sync(_edit(world.resident, {"phone": "0912345678"}, minutes=60 * 24 * 365))
    assert FieldChange.objects.get().device_time <= timezone.now()
    other.sync(_edit(world.resident, {"phone": "0987654321"}, minutes=0))
    world.resident.refresh_from_db()
    assert world.resident.phone == "0987654321"  # the "future" edit does not win forever


def test_the_same_value_from_two_phones_is_no_conflict(world, two_phones):
    phone, other = two_phones
    other.sync(_edit(world.resident, {"status": "away"}))
    assert phone.sync(_edit(world.resident, {"status": "away"}))["results"][0]["status"] == "created"
    assert not SyncConflict.objects.exists()


def test_a_phones_own_successive_edits_do_not_conflict_with_each_other(world, two_phones):
    phone, _other = two_phones
    phone.sync(_edit(world.resident, {"phone": "0912345678"}, minutes=-20))
    phone.sync(_edit(world.resident, {"phone": "0987654321"}, minutes=-10, base={"phone": "0912345678"}))
    world.resident.refresh_from_db()
    assert world.resident.phone == "0987654321" and not SyncConflict.objects.exists()


def test_a_change_made_in_the_web_pages_since_the_download_is_a_conflict(world, two_phones):
    phone, _other = two_phones
    data = {f: getattr(world.resident, f) for f in household_services.RESIDENT_FIELDS} | {"phone": "0911111111"}
    household_services.resident_update(actor=world.users["commune_officer"], resident=world.resident, data=data)
    result = phone.sync(_edit(world.resident, {"phone": "0922222222"}, minutes=-600, base={"phone": ""}))
    assert result["results"][0]["conflicts"][0]["winner"] == "server"
    world.resident.refresh_from_db()
    assert world.resident.phone == "0911111111"


def test_an_indicator_set_by_a_visit_since_the_download_conflicts_with_an_offline_no(world, two_phones):
    phone, _other = two_phones
    household_services.resident_set_indicators(
        actor=world.users["team_leader"], resident=world.resident, values={"smartphone": Tri.YES}
    )
    change = record("indicators", {"resident": str(world.resident.uuid), "device_time": _at(-60),
                                   "values": {"smartphone": "no", "internet": "yes"},
                                   "base": {"smartphone": "unknown", "internet": "unknown"}})
    result = phone.sync(change)["results"][0]
    assert result["conflicts"] == [
        {"field": "smartphone", "server_value": "yes", "device_value": "no", "winner": "server"}
    ]
    world.resident.refresh_from_db()
    assert (world.resident.smartphone, world.resident.internet) == (Tri.YES, Tri.YES)  # internet merged
    synced = IndicatorChange.objects.get(source=IndicatorChange.Source.SYNC)
    assert (synced.indicator, synced.source_ref) == ("internet", change["uuid"])


def test_a_household_edit_merges_its_address(world, device_of):
    result = device_of().sync(record("household_edit", {
        "household": str(world.household.uuid), "changes": {"address_line": "Ngõ 7"}, "base_version": 0,
    }))["results"][0]
    world.household.refresh_from_db()
    assert result["status"] == "created" and world.household.address_line == "Ngõ 7"


def test_an_edit_the_services_refuse_is_rejected_and_leaves_no_trace(world, device_of):
    result = device_of().sync(_edit(world.resident, {"phone": "12"}))["results"][0]
    assert (result["status"], result["code"]) == ("rejected", "phone_invalid")
    assert not FieldChange.objects.exists()


# --- settling ------------------------------------------------------------------------------------------


@pytest.fixture
def conflict(world, two_phones):
    phone, other = two_phones
    other.sync(_edit(world.resident, {"phone": "0912345678"}, minutes=-30))
    phone.sync(_edit(world.resident, {"phone": "0987654321"}, minutes=-5))
    return SyncConflict.objects.get()


def test_the_leader_lists_conflicts_and_a_member_sees_none(world, conflict, device_of):
    listed = device_of("team_leader").get("/sync/conflicts").json()
    assert [(c["id"], c["field"], c["record_label"]) for c in listed["items"]] == [
        (conflict.pk, "phone", "Nguyễn Văn Trường (TT-001)")
    ]
    assert device_of("team_member").get("/sync/conflicts").json()["count"] == 0
    assert device_of("other_commune_officer").get("/sync/conflicts").json()["count"] == 0


def test_settling_with_the_other_value_writes_it_through_the_services(world, conflict, device_of):
    leader = device_of("team_leader")
    response = leader.post(f"/sync/conflicts/{conflict.pk}/settle", {"keep": "other"})
    assert response.status_code == 200 and response.json()["settled_value"] == "0912345678"
    world.resident.refresh_from_db()
    assert world.resident.phone == "0912345678"
    again = leader.post(f"/sync/conflicts/{conflict.pk}/settle", {"keep": "current"})
    assert again.status_code == 400 and again.json()["code"] == "conflict_settled"


def test_a_member_cannot_settle(world, conflict, device_of):
    response = device_of("team_member").post(f"/sync/conflicts/{conflict.pk}/settle", {"keep": "other"})
    assert response.status_code == 404
    conflict.refresh_from_db()
    assert conflict.settled_at is None


def test_the_conflicts_page_lets_the_leader_keep_the_current_value(world, conflict):
    client = Client()
    client.force_login(world.users["team_leader"])
    page = client.get("/field/conflicts/")
    assert page.status_code == 200 and "0912345678" in page.content.decode() and "TT-001" in page.content.decode()
    response = client.post(f"/field/conflicts/{conflict.pk}/settle/", {"keep": "current"})
    assert response.status_code == 302
    conflict.refresh_from_db()
    world.resident.refresh_from_db()
    assert conflict.settled_value == "0987654321" and world.resident.phone == "0987654321"
    member = Client()
    member.force_login(world.users["team_member"])
    assert member.get("/field/conflicts/").status_code == 404
