"""GET /api/v1/sync: the device's scope, changes since a token, pages, removals, no citizen IDs."""

import gzip
import json

import pytest

from gocua import testing as f
from gocua.field import download
from gocua.field.tests.conftest import record
from gocua.households import services as household_services
from gocua.households.digital import Tri
from gocua.outreach.services.assignments import assignment_bulk


def _keys(page) -> list[str]:
    return [h["household_key"] for h in page["households"]]


def _all_pages(device, **params) -> list[dict]:
    pages = [device.get("/sync", **params).json()]
    while pages[-1]["next"]:
        pages.append(device.get("/sync", cursor=pages[-1]["next"]).json())
    return pages


def test_the_first_download_holds_the_scope_the_team_and_the_catalogue_but_no_citizen_id(world, device_of):
    response = device_of().get("/sync")
    assert response.status_code == 200
    page = response.json()
    assert page["full"] is True and page["since"] and page["next"] is None
    assert _keys(page) == ["TT-001"]
    resident = page["households"][0]["residents"][0]
    assert resident["full_name"] == "Nguyễn Văn Trường" and resident["has_citizen_id"] is True
    text = response.content.decode()
    assert "001080012345" not in text and "citizen_id_masked" not in text and "citizen_id_encrypted" not in text
    assert page["me"]["member_id"] == world.team.members.get(user=world.users["team_member"]).pk
    assert [m["full_name"] for m in page["team"]["members"]] == ["Bùi Văn Trường", "Trần Thu Hà"]
    assert page["team"]["villages"] == [{"code": world.village.code, "name": "Thôn Tháp Thượng"}]
    assert {i["code"] for i in page["catalogue"]} >= {"smartphone", "vneid", "scams"}


def test_a_download_since_a_token_sends_only_what_changed(world, device_of):
    device = device_of()
    since = device.get("/sync").json()["since"]
    quiet = device.get("/sync", since=since).json()
    assert (quiet["full"], quiet["households"], quiet["removed"]) == (False, [], [])
    household_services.resident_set_indicators(
        actor=world.users["team_leader"], resident=world.resident, values={"smartphone": Tri.YES}
    )
    f.make_household(world.village, "TT-002")
    changed = device.get("/sync", since=quiet["since"]).json()
    assert _keys(changed) == ["TT-001", "TT-002"]
    assert changed["households"][0]["residents"][0]["indicators"]["smartphone"] == "yes"


def test_an_edit_through_sync_raises_the_version_the_device_sees(world, device_of):
    device = device_of()
    since = device.get("/sync").json()["since"]
    result = device.sync(record("indicators", {"resident": str(world.resident.uuid), "values": {"internet": "yes"}}))
    version = result["results"][0]["version"]
    page = device.get("/sync", since=since).json()
    assert page["households"][0]["residents"][0]["version"] == version > 0


def test_a_household_reassigned_away_leaves_the_members_device(world, device_of):
    leader = world.users["team_leader"]
    member = world.team.members.get(user=world.users["team_member"])
    other_member = world.team.members.get(user=leader)
    second = f.make_household(world.village, "TT-002")
    assignment_bulk(actor=leader, team=world.team, households=[world.household, second], member=member)
    device = device_of()
    first = device.get("/sync").json()
    assert _keys(first) == ["TT-001", "TT-002"] and all(h["assigned"] for h in first["households"])
    assignment_bulk(actor=leader, team=world.team, households=[second], member=other_member, replace=True)
    after = device.get("/sync", since=first["since"]).json()
    assert after["removed"] == [str(second.uuid)] and after["households"] == []


def test_when_the_team_assigns_households_a_member_gets_only_theirs_and_their_own_registrations(world, device_of):
    leader = world.users["team_leader"]
    other_member = world.team.members.get(user=leader)
    assignment_bulk(actor=leader, team=world.team, households=[world.household], member=other_member)
    device = device_of()
    assert _keys(device.get("/sync").json()) == []
    device.sync(record("household", {"household_key": "TT-077"}))
    assert _keys(device.get("/sync").json()) == ["TT-077"]
    assert _keys(device_of("team_leader").get("/sync").json()) == ["TT-001", "TT-077"]


def test_an_officer_without_a_team_gets_the_catalogue_and_no_households(world, device_of):
    page = device_of("commune_officer").get("/sync").json()
    assert page["households"] == [] and page["team"] is None and page["catalogue"]


def test_a_large_scope_comes_in_pages_and_the_last_one_gives_the_token(world, device_of, monkeypatch):
    monkeypatch.setattr(download, "PAGE_SIZE", 2)
    for number in range(2, 6):
        f.make_household(world.village, f"TT-{number:03d}")
    pages = _all_pages(device_of())
    assert [_keys(p) for p in pages] == [["TT-001", "TT-002"], ["TT-003", "TT-004"], ["TT-005"]]
    assert [bool(p["since"]) for p in pages] == [False, False, True]
    assert pages[0]["catalogue"] and pages[1]["catalogue"] is None


def test_the_download_is_compressed_for_clients_that_accept_it(world, device_of):
    response = device_of().client.get("/api/v1/sync", HTTP_ACCEPT_ENCODING="gzip")
    assert response["Content-Encoding"] == "gzip"
    assert json.loads(gzip.decompress(response.content))["households"][0]["household_key"] == "TT-001"


@pytest.mark.parametrize(("params", "code"), [({"since": "yesterday"}, "since_invalid"),
                                              ({"cursor": "abc.0"}, "cursor_invalid")])
def test_a_bad_token_is_refused(world, device_of, params, code):
    response = device_of().get("/sync", **params)
    assert response.status_code == 400 and response.json()["code"] == code


def test_an_unknown_since_token_starts_over_with_a_full_download(world, device_of):
    page = device_of().get("/sync", since="6d1f3a52-6b0e-4c53-9a3c-2f1b7c0d9e11").json()
    assert page["full"] is True and _keys(page) == ["TT-001"]


def test_a_download_costs_the_same_queries_for_3_or_30_households(world, device_of, django_assert_max_num_queries):
    device = device_of()
    device.get("/sync")
    for number in range(2, 31):
        household = f.make_household(world.village, f"TT-{number:03d}")
        f.make_resident(household, full_name=f"Người {number}")
    # 22: the registry pages plus one or two per key of the first page (help requests, scam alerts,
    # skills framework); the count must not grow with the households.
    with django_assert_max_num_queries(22):
        page = device.get("/sync").json()
    assert len(page["households"]) == 30


def test_a_village_of_500_households_downloads_in_well_under_1_mb_compressed(world, device_of):
    for number in range(2, 26):
        household = f.make_household(world.village, f"TT-{number:03d}", address_line=f"Xóm {number % 6}")
        for person in range(4):
            f.make_resident(household, full_name=f"Nguyễn Văn Người {number}-{person}", relation="child",
                            phone=f"09123{number:03d}{person:02d}")
    response = device_of().client.get("/api/v1/sync", HTTP_ACCEPT_ENCODING="gzip")
    page = json.loads(gzip.decompress(response.content))
    per_household = len(response.content) / len(page["households"])
    assert len(page["households"]) == 25 and per_household * 500 < 1_000_000 / 2  # with room to spare
