import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gocua import testing as f
from gocua.households import services
from gocua.households.models import Household, HouseholdMove

pytestmark = pytest.mark.django_db

HOUSEHOLD_PAGE_QUERY_CEILING = 12


def household_url(household, name: str = "web:household") -> str:
    return reverse(name, args=[household.pk])


def test_household_page_shows_the_household_and_its_people(world, login):
    body = login("team_member").get(household_url(world.household)).content.decode()
    for text in ("TT-001", "Ngõ 3", "Thôn Tháp Thượng", "Nguyễn Văn Trường", "Has a smartphone"):
        assert text in body
    assert body.count('class="tri tri-0"') == 14


def test_household_page_shows_who_set_each_indicator_last(world, login):
    first = f.make_user("commune_officer", "09784", full_name="Cán Bộ Một")
    second = f.make_user("team_member", world.village, full_name="Tình Nguyện Hai")
    services.resident_set_indicators(
        actor=first, resident=world.resident, values={"smartphone": 1, "internet": 1}
    )
    services.resident_set_indicators(actor=second, resident=world.resident, values={"smartphone": 2})
    response = login("commune_officer").get(household_url(world.household))
    _, rows = response.context["residents"][0]
    by_name = {row.name: row for row in rows}
    assert by_name["smartphone"].value == 2 and by_name["smartphone"].change.changed_by == second
    assert by_name["internet"].value == 1 and by_name["internet"].change.changed_by == first
    assert by_name["ecommerce"].change is None
    body = response.content.decode()
    assert 'class="tri tri-2">No<' in body and 'class="tri tri-1">Yes<' in body
    assert "Tình Nguyện Hai" in body and "Cán Bộ Một" in body


def test_households_outside_the_scope_are_not_found(world, login):
    assert login("commune_officer").get(household_url(world.other_household)).status_code == 404
    in_village2 = f.make_household(world.village2, "TH-001")
    assert login("team_member").get(household_url(in_village2)).status_code == 404
    assert login("team_member").get(household_url(in_village2, "web:household_edit")).status_code == 404
    assert login("province_officer").get(household_url(world.other_household)).status_code == 404


def _fill_household(household, start: int, count: int, actor) -> None:
    for i in range(start, start + count):
        resident = f.make_resident(household, full_name=f"Người Số {i}", relation="child", birth_year=2000)
        services.resident_set_indicators(
            actor=actor, resident=resident, values={"smartphone": 1, "vneid_level2": 2}
        )


def test_household_page_queries_do_not_grow_with_residents(
    world, login, count_queries, django_assert_num_queries
):
    household = f.make_household(world.village, "DEM-01")
    actor = world.users["commune_officer"]
    _fill_household(household, 0, 5, actor)
    client = login("commune_officer")
    _, five = count_queries(client, household_url(household))
    assert five <= HOUSEHOLD_PAGE_QUERY_CEILING
    _fill_household(household, 5, 45, actor)
    with django_assert_num_queries(five):
        response = client.get(household_url(household))
    assert len(response.context["residents"]) == 50
    assert response.content.decode().count('class="tri tri-1"') == 50


def test_household_create_registers_a_household(world, login):
    response = login("team_member").post(
        reverse("web:household_create", args=[world.village.code]),
        {"household_key": "TT-002", "address_line": "Ngõ 5"},
    )
    household = Household.objects.get(village=world.village, household_key="TT-002")
    assert household.address_line == "Ngõ 5" and household.created_by == world.users["team_member"]
    assert response.status_code == 302 and response.url == household_url(household)


def test_household_create_refuses_a_duplicate_key_and_saves_nothing(world, login):
    before = Household.objects.count()
    response = login("team_member").post(
        reverse("web:household_create", args=[world.village.code]),
        {"household_key": "TT-001", "address_line": ""},
    )
    assert response.status_code == 400
    assert response.context["form"].errors["household_key"] == [
        "This village already has a household with this key."
    ]
    assert "This village already has a household with this key." in response.content.decode()
    assert Household.objects.count() == before


def test_household_create_outside_the_scope_is_not_found(world, login):
    url = reverse("web:household_create", args=[world.other_province_village.code])
    assert login("commune_officer").post(url, {"household_key": "X-1"}).status_code == 404
    assert not Household.objects.filter(household_key="X-1").exists()


def test_household_edit_changes_key_and_address(world, login):
    response = login("commune_officer").post(
        household_url(world.household, "web:household_edit"),
        {"household_key": "TT-001A", "address_line": "Ngõ 9"},
    )
    assert response.status_code == 302
    household = Household.objects.get(pk=world.household.pk)
    assert (household.household_key, household.address_line) == ("TT-001A", "Ngõ 9")
    assert "nguyen van truong" in household.search_folded


def test_household_edit_refuses_a_duplicate_key_and_saves_nothing(world, login):
    f.make_household(world.village, "TT-002")
    response = login("commune_officer").post(
        household_url(world.household, "web:household_edit"),
        {"household_key": "TT-002", "address_line": "Ngõ 9"},
    )
    assert response.status_code == 400
    assert "This village already has a household with this key." in response.content.decode()
    household = Household.objects.get(pk=world.household.pk)
    assert (household.household_key, household.address_line) == ("TT-001", "Ngõ 3")


def test_household_move_records_the_date_and_shows_in_history(world, login):
    client = login("commune_officer")
    moved_on = timezone.localdate() - dt.timedelta(days=3)
    response = client.post(
        household_url(world.household, "web:household_move"),
        {"village": world.village2.code, "moved_on": moved_on.isoformat()},
    )
    assert response.status_code == 302
    household = Household.objects.get(pk=world.household.pk)
    assert household.village == world.village2 and household.village_code == world.village2.code
    move = HouseholdMove.objects.get(household=household)
    assert (move.from_village, move.to_village, move.moved_on) == (world.village, world.village2, moved_on)
    body = client.get(household_url(household)).content.decode()
    assert "Thôn Tháp Hạ" in body and "Thôn Tháp Thượng" in body


@pytest.mark.parametrize(
    ("village", "days_ago", "field", "message"),
    [
        ("other_province_village", 1, "village", "No village with this code in your area."),
        ("village2", -5, "moved_on", "The date of the move cannot be in the future."),
        ("village", 1, "village", "The household is already in this village."),
    ],
)
def test_household_move_refuses_bad_targets_and_moves_nothing(
    world, login, village, days_ago, field, message
):
    moved_on = timezone.localdate() - dt.timedelta(days=days_ago)
    response = login("commune_officer").post(
        household_url(world.household, "web:household_move"),
        {"village": getattr(world, village).code, "moved_on": moved_on.isoformat()},
    )
    assert response.status_code == 400
    assert response.context["form"].errors[field] == [message]
    assert Household.objects.get(pk=world.household.pk).village == world.village
    assert not HouseholdMove.objects.exists()


def test_household_move_suggests_the_villages_of_the_commune(world, login):
    body = login("commune_officer").get(household_url(world.household, "web:household_move")).content.decode()
    assert f'<option value="{world.village2.code}">Thôn Tháp Hạ</option>' in body
    assert world.other_province_village.code not in body


def test_set_head_makes_another_resident_the_head(world, login):
    wife = f.make_resident(world.household, full_name="Phạm Thị Lan", gender="female", relation="wife")
    response = login("team_member").post(
        household_url(world.household, "web:household_set_head"), {"head": wife.pk}
    )
    assert response.status_code == 302
    assert Household.objects.get(pk=world.household.pk).head == wife


def test_set_head_refuses_a_person_from_another_household(world, login):
    stranger = f.make_resident(f.make_household(world.village, "TT-009"), full_name="Người Lạ")
    client = login("team_member")
    response = client.post(household_url(world.household, "web:household_set_head"), {"head": stranger.pk})
    assert response.status_code == 302
    assert Household.objects.get(pk=world.household.pk).head == world.resident
    assert client.get(household_url(world.household, "web:household_set_head")).status_code == 405
