"""Each role sees exactly its subtree: details outside it are 404 and lists never name them."""

import json

import pytest

from gocua.api.tests.conftest import VISIBLE

ROLES = sorted(VISIBLE)
PLACES = ["village", "sibling_village", "other_commune", "other_province"]


def _detail_paths(place) -> list[str]:
    return [
        f"/units/{place.village.code}",
        f"/households/{place.household.pk}",
        f"/residents/{place.resident.pk}",
        f"/teams/{place.team.pk}",
    ]


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reads_details_inside_its_area_and_gets_404_outside(api_as, places, role):
    client = api_as(role)
    for name, place in places.items():
        expected = 200 if name in VISIBLE[role] else 404
        for path in _detail_paths(place):
            response = client.get(path)
            assert response.status_code == expected, (role, path)
            if expected == 404:
                assert response.json()["code"] == "not_found"
                assert place.resident.full_name not in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
def test_lists_show_exactly_the_rows_inside_the_area(api_as, places, role):
    client = api_as(role)
    seen = {place: places[place] for place in VISIBLE[role]}
    hidden = [p for name, p in places.items() if name not in VISIBLE[role]]

    residents = client.get("/residents").json()
    households = client.get("/households").json()
    teams = client.get("/teams").json()

    assert {r["full_name"] for r in residents["items"]} == {p.resident.full_name for p in seen.values()}
    assert {h["household_key"] for h in households["items"]} == {
        p.household.household_key for p in seen.values()
    }
    assert {t["name"] for t in teams["items"]} == {p.team.name for p in seen.values()}
    text = json.dumps([residents, households, teams], ensure_ascii=False)
    for place in hidden:
        assert place.resident.full_name not in text
        assert place.household.household_key not in text
        assert place.team.name not in text


@pytest.mark.parametrize("role", ROLES)
def test_filters_by_a_unit_outside_the_area_are_404_not_an_empty_list(api_as, places, role):
    client = api_as(role)
    for name, place in places.items():
        if name in VISIBLE[role]:
            continue
        code = place.village.code
        for path, params in [
            ("/households", {"village": code}),
            ("/residents", {"village": code}),
            ("/residents", {"household": place.household.pk}),
            ("/teams", {"unit": code}),
            (f"/units/{code}/children", {}),
        ]:
            response = client.get(path, **params)
            assert response.status_code == 404, (role, path, params)
            assert response.json()["code"] == "not_found"


def test_the_unit_tree_stops_at_the_scope_unit(api_as, world):
    member = api_as("team_member")
    assert member.get(f"/units/{world.village.code}").json()["children"] == []
    assert member.get("/units/09784").status_code == 404  # the commune above the member's village
    assert member.get("/units/01").status_code == 404
    officer = api_as("commune_officer")
    commune = officer.get("/units/09784").json()
    assert {c["code"] for c in commune["children"]} == {world.village.code, world.village2.code}
    assert officer.get("/units/01").status_code == 404
    assert officer.get("/units/VN").status_code == 404
    nation = api_as("national_admin").get("/units/VN").json()
    assert len(nation["children"]) == 34 and nation["parent_code"] is None


def test_a_user_without_a_scope_unit_sees_nothing(api_as, world):
    from gocua.accounts.models import Role
    from gocua.testing import make_user

    user = make_user(Role.COMMUNE_OFFICER, "09784")
    user.scope_unit = None
    user.save(update_fields=["scope_unit"])
    client = api_as(user)
    assert client.get("/households").json()["count"] == 0
    assert client.get(f"/households/{world.household.pk}").status_code == 404
    assert client.get("/me").json()["scope_unit"] is None


def test_a_filter_narrows_inside_the_area(api_as, places):
    client = api_as("province_officer")
    body = client.get("/residents", unit="09784").json()
    assert {r["full_name"] for r in body["items"]} == {
        places["village"].resident.full_name,
        places["sibling_village"].resident.full_name,
    }
    body = client.get("/teams", unit=places["other_commune"].village.code).json()
    assert [t["name"] for t in body["items"]] == [places["other_commune"].team.name]
    body = client.get("/households", village=places["sibling_village"].village.code).json()
    assert [h["household_key"] for h in body["items"]] == ["TH-001"]
