"""What the read endpoints answer: fields, masking of personal data, search and filters."""

from gocua import testing as f
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.households.models import Resident


def test_me_answers_the_callers_role_and_scope(api_as, world):
    body = api_as("team_leader").get("/me").json()
    assert body["username"] == world.users["team_leader"].username
    assert body["role"] == "team_leader"
    assert body["scope_unit"] == {"code": world.village.code, "name": "Thôn Tháp Thượng", "kind": "thon"}


def test_a_unit_has_its_place_in_the_tree_and_its_current_children(api_as, world):
    body = api_as("province_officer").get("/units/09784").json()
    assert body["name"] == "Xã Đan Phượng" and body["kind"] == "xa" and body["level"] == 2
    assert body["parent_code"] == "01" and body["valid_to"] is None and body["valid_from"] == "2025-07-01"
    assert isinstance(body["latitude"], float) and isinstance(body["longitude"], float)
    assert body["children"] == [
        {"code": world.village.code, "name": "Thôn Tháp Thượng", "kind": "thon"},
        {"code": world.village2.code, "name": "Thôn Tháp Hạ", "kind": "thon"},
    ]


def test_a_closed_child_is_not_listed(api_as, world):
    world.village2.valid_to = world.village2.valid_from
    world.village2.save(update_fields=["valid_to"])
    client = api_as("commune_officer")
    assert [c["code"] for c in client.get("/units/09784").json()["children"]] == [world.village.code]
    assert client.get("/units/09784/children").json()["count"] == 1


def test_a_team_lists_its_current_members_leader_first(api_as, world):
    import datetime as dt

    left = f.make_member(world.team, full_name="Ngô Văn Cũ")
    left.left_on = dt.date(2024, 1, 1)
    left.save(update_fields=["left_on"])
    body = api_as("commune_officer").get(f"/teams/{world.team.pk}").json()
    assert [m["full_name"] for m in body["members"]] == ["Bùi Văn Trường", "Trần Thu Hà"]
    assert body["members"][0]["role"] == "leader"
    assert body["member_count"] == 2 and body["unit_code"] == world.village.code


def test_phones_are_whole_for_roles_that_call_people_and_masked_for_others(api_as, world):
    f.make_member(world.team, full_name="Vũ Thị Mai", phone="0912345678")
    resident = f.make_resident(
        world.household, full_name="Nguyễn Thị Mơ", gender="female", relation="wife", phone="0987654321"
    )
    for role, member_phone, resident_phone in [
        ("commune_officer", "0912345678", "0987654321"),
        ("team_member", "0912345678", "0987654321"),
        ("province_officer", "091****678", "098****321"),
        ("national_admin", "091****678", "098****321"),
    ]:
        client = api_as(role)
        members = client.get(f"/teams/{world.team.pk}").json()["members"]
        assert next(m["phone"] for m in members if m["full_name"] == "Vũ Thị Mai") == member_phone, role
        assert client.get(f"/residents/{resident.pk}").json()["phone"] == resident_phone, role


def test_a_resident_shows_indicators_as_words_and_the_citizen_id_only_masked(api_as, world):
    resident = f.make_resident(
        world.household,
        full_name="Nguyễn Văn Bình",
        relation="child",
        birth_year=2001,
        citizen_id="001201012345",
        indicators={"smartphone": Tri.YES, "vneid_level2": Tri.NO},
    )
    response = api_as("national_admin").get(f"/residents/{resident.pk}")
    body = response.json()
    assert body["citizen_id_masked"] == resident.citizen_id_masked != ""
    assert "001201012345" not in response.content.decode()
    assert set(body["indicators"]) == set(INDICATOR_NAMES)
    assert body["indicators"]["smartphone"] == "yes"
    assert body["indicators"]["vneid_level2"] == "no"
    assert body["indicators"]["ecommerce"] == "unknown"
    assert body["household_key"] == "TT-001" and body["village_code"] == world.village.code


def test_a_household_has_its_residents_and_counts_only_those_living_there(api_as, world):
    away = f.make_resident(world.household, full_name="Nguyễn Văn Xa", relation="child", birth_year=2000)
    Resident.objects.filter(pk=away.pk).update(status=Resident.Status.MOVED_OUT)
    body = api_as("team_member").get(f"/households/{world.household.pk}").json()
    assert body["head_name"] == "Nguyễn Văn Trường" and body["address_line"] == "Ngõ 3"
    assert body["resident_count"] == 1
    assert {(r["full_name"], r["status"]) for r in body["residents"]} == {
        ("Nguyễn Văn Trường", "living"),
        ("Nguyễn Văn Xa", "moved_out"),
    }


def test_search_ignores_diacritics_and_case(api_as, world):
    other = f.make_household(world.village, "TT-002")
    f.make_resident(other, full_name="Lê Văn Đức")
    client = api_as("commune_officer")
    assert [h["household_key"] for h in client.get("/households", q="TRUONG").json()["items"]] == ["TT-001"]
    assert [h["household_key"] for h in client.get("/households", q="Đức").json()["items"]] == ["TT-002"]
    assert [r["full_name"] for r in client.get("/residents", q="le van duc").json()["items"]] == [
        "Lê Văn Đức"
    ]
    assert [r["full_name"] for r in client.get("/residents", q="Nguyễn").json()["items"]] == [
        "Nguyễn Văn Trường"
    ]
    assert [r["full_name"] for r in client.get("/residents", q="truong nguyen").json()["items"]] == [
        "Nguyễn Văn Trường"
    ]  # every word, in any order
    assert client.get("/residents", q="   ").json()["count"] == 2  # blank search is no filter


def test_residents_filter_by_household(api_as, world):
    other = f.make_household(world.village, "TT-002")
    f.make_resident(other, full_name="Lê Văn Đức")
    body = api_as("team_member").get("/residents", household=other.pk).json()
    assert [r["full_name"] for r in body["items"]] == ["Lê Văn Đức"]
