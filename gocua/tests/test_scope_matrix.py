"""The scope rule as a matrix: each role × a household in each of four places, via every channel.

The expected visibility is written out by hand below (the oracle), not derived from the code.
"""

import pytest

from gocua import testing as f

PLACES = ["village", "village2", "other_commune_village", "other_province_village"]
HEAD_NAMES = {
    "village": "Phạm Quang Vinh",
    "village2": "Đỗ Thị Hằng",
    "other_commune_village": "Vũ Minh Khôi",
    "other_province_village": "Ngô Thanh Tùng",
}
SEES = f.WORLD_SEES


@pytest.fixture
def matrix(world):
    households = {}
    for place in PLACES:
        village = getattr(world, place)
        household = f.make_household(village, f"MX-{place}")
        f.make_resident(household, full_name=HEAD_NAMES[place], relation="head", birth_year=1970)
        households[place] = household
    return world, households


CASES = [(role, place) for role in SEES for place in PLACES]


@pytest.mark.parametrize(("role", "place"), CASES)
def test_detail_pages_and_api_ids_follow_the_scope(client, matrix, role, place):
    world, households = matrix
    client.force_login(world.users[role])
    household = households[place]
    village = getattr(world, place)
    visible = place in SEES[role]
    page = client.get(f"/households/{household.pk}/")
    api = client.get(f"/api/v1/households/{household.pk}")
    unit_page = client.get(f"/units/{village.code}/")
    resident = household.residents.get()
    resident_page = client.get(f"/residents/{resident.pk}/")
    resident_api = client.get(f"/api/v1/residents/{resident.pk}")
    if visible:
        assert (page.status_code, api.status_code, unit_page.status_code) == (200, 200, 200)
        assert (resident_page.status_code, resident_api.status_code) == (200, 200)
        assert HEAD_NAMES[place] in page.content.decode()
        assert api.json()["household_key"] == household.household_key
    else:
        assert page.status_code in (403, 404) and api.status_code in (403, 404)
        assert unit_page.status_code in (403, 404)
        assert resident_page.status_code in (403, 404) and resident_api.status_code in (403, 404)
        for response in (page, api, resident_page, resident_api, unit_page):
            assert HEAD_NAMES[place] not in response.content.decode()


@pytest.mark.parametrize("role", list(SEES))
def test_lists_and_search_show_exactly_the_names_in_scope(client, matrix, role):
    world, _households = matrix
    client.force_login(world.users[role])
    api_names = {r["full_name"] for r in client.get("/api/v1/residents?page_size=200").json()["items"]}
    search_page = client.get("/search/", {"q": "MX"}).content.decode()
    for place in PLACES:
        name = HEAD_NAMES[place]
        assert (name in api_names) == (place in SEES[role]), (role, place)
        assert (f"MX-{place}" in search_page) == (place in SEES[role]), (role, place)
        folded_query = client.get("/search/", {"q": name.split()[-1]}).content.decode()
        assert (name in folded_query) == (place in SEES[role]), (role, place)


@pytest.mark.parametrize("role", list(SEES))
def test_anonymous_and_inactive_users_see_nothing(client, matrix, role):
    world, households = matrix
    user = world.users[role]
    user.is_active = False
    user.save(update_fields=["is_active"])
    client.force_login(user)
    assert client.get(f"/households/{households['village'].pk}/").status_code in (302, 403, 404)
    assert client.get("/api/v1/residents").status_code in (401, 403)
