import pytest
from django.urls import reverse

from gocua import testing as f

pytestmark = pytest.mark.django_db


def search(client, query: str):
    response = client.get(reverse("web:search"), {"q": query})
    assert response.status_code == 200
    return response


def names(response, group: str) -> list[str]:
    items = response.context[group]
    return [
        getattr(item, "full_name", None) or getattr(item, "name", None) or item.household_key
        for item in items
    ]


@pytest.mark.parametrize(
    ("query", "group", "expected"),
    [
        ("thap thuong", "places", "Thôn Tháp Thượng"),
        ("THÁP  thượng", "places", "Thôn Tháp Thượng"),
        ("nguyen van truong", "people", "Nguyễn Văn Trường"),
        ("truong nguyen", "people", "Nguyễn Văn Trường"),
        ("dan phuong", "places", "Xã Đan Phượng"),
        ("tt-001", "households", "TT-001"),
        ("nguyen van", "households", "TT-001"),
    ],
)
def test_search_ignores_case_and_diacritics(world, login, query, group, expected):
    response = search(login("commune_officer"), query)
    assert expected in names(response, group)
    assert expected in response.content.decode()


def test_search_echoes_the_query(world, login):
    response = search(login("commune_officer"), "thap thuong")
    assert response.context["search_query"] == "thap thuong"
    assert 'value="thap thuong"' in response.content.decode()


def test_search_never_shows_anything_outside_the_scope(world, login):
    client = login("commune_officer")
    for query in ("an luu", "le thi hoa", "al-001", "ba dinh", "to dan pho 1"):
        body = search(client, query).content.decode()
        for outside in ("Thôn An Lưu", "Lê Thị Hoa", "AL-001", "Phường Ba Đình", "Tổ dân phố 1"):
            assert outside not in body


def test_search_limits_places_to_the_users_subtree(world, login):
    leader = search(login("team_leader"), "thap")
    assert names(leader, "places") == ["Thôn Tháp Thượng"]
    assert "Xã Đan Phượng" not in names(search(login("team_leader"), "dan phuong"), "places")
    assert names(search(login("province_officer"), "an luu"), "places") == []
    assert "Thôn An Lưu" in names(search(login("national_admin"), "an luu"), "places")


def test_search_returns_at_most_twenty_of_each_kind(world, login):
    household = f.make_household(world.village, "NHIEU")
    for i in range(25):
        f.make_resident(household, full_name=f"Trần Văn Nhiều {i}", relation="child", birth_year=2000)
    response = search(login("team_member"), "tran van nhieu")
    assert len(response.context["people"]) == 20


def test_search_with_an_empty_query_shows_only_the_form(world, login):
    response = search(login("commune_officer"), "   ")
    assert not response.context["searched"] and "people" not in response.context
