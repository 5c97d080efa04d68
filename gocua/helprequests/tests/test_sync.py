"""The queue in the offline app's sync: delivered in the download, worked through upload records."""

import uuid

import pytest
from django.utils import timezone

from gocua.field.tests.conftest import DeviceClient, issue, record
from gocua.helprequests.models import HelpRequest, Status
from gocua.helprequests.tests.conftest import submit
from gocua.outreach.models import ServiceItem

pytestmark = pytest.mark.django_db


def _device(user) -> DeviceClient:
    return DeviceClient(issue(user).secret)


def test_the_download_brings_the_teams_queue_with_phone_and_matching_households(world, filed):
    submit(world.other_province_village, phone="0987654321")
    page = _device(world.users["team_member"]).get("/sync").json()
    assert [r["code"] for r in page["help_requests"]] == [filed.code]
    entry = page["help_requests"][0]
    assert entry["phone"] == "0912345678" and entry["count"] == 1 and entry["status"] == "new"
    assert entry["candidates"] == [str(world.household.uuid)] and entry["service"] == "vneid"


def test_uploaded_claim_link_and_visit_close_the_request(world, filed):
    device = _device(world.users["team_member"])
    item = ServiceItem.objects.get(code="vneid")
    answer = device.sync(
        record("help_claim", {"request": filed.pk}),
        record("help_link", {"request": filed.pk, "household": str(world.household.uuid)}),
        record("visit", {
            "household": str(world.household.uuid), "visited_on": timezone.localdate().isoformat(),
            "residents": [{"resident": str(world.resident.uuid), "outcomes": [{"item": item.pk, "outcome": "done"}]}],
        }),
    )
    assert [r["status"] for r in answer["results"]] == ["created", "created", "created"], answer
    filed.refresh_from_db()
    assert filed.status == Status.CLOSED and filed.close_reason == "visit"
    assert filed.claimed_by.user == world.users["team_member"]
    entry = device.get("/sync").json()["help_requests"][0]
    assert entry["status"] == "closed" and entry["close_reason"] == "visit"


def test_upload_refuses_out_of_scope_and_bad_help_records(world, filed):
    elsewhere = submit(world.other_province_village, phone="0987654321")
    answer = _device(world.users["team_member"]).sync(
        record("help_claim", {"request": elsewhere.pk}),
        record("help_close", {"request": filed.pk, "reason": "bogus"}),
        record("help_link", {"request": filed.pk, "household": str(world.other_household.uuid)}),
        record("help_claim", {"request": "x"}),
        record("help_call", {"request": filed.pk}),
        {"uuid": str(uuid.uuid4()), "type": "help_close", "data": {"request": filed.pk}},
    )
    codes = [(r["status"], r.get("code")) for r in answer["results"]]
    assert codes[0] == ("rejected", "not_found")
    assert codes[1] == ("rejected", "help_reason_invalid")
    assert codes[2][0] == "rejected"
    assert codes[3][0] == "rejected" and codes[5][0] == "rejected"
    assert codes[4] == ("created", None)
    assert HelpRequest.objects.get(pk=elsewhere.pk).status == Status.NEW
    assert HelpRequest.objects.get(pk=filed.pk).status == Status.NEW
