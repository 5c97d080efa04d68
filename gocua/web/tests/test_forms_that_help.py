"""Forms that help: every mistake of the resident form at once; search by phone and an exact name first."""

import pytest
from django.urls import reverse

from gocua import testing as f
from gocua.households.models import Resident
from gocua.households.search import phone_digits

pytestmark = pytest.mark.django_db

BAD = {
    "full_name": "",
    "birth_year": "1850",
    "birth_date": "",
    "gender": "female",
    "relation": "wife",
    "phone": "12345",
    "status": "living",
    "citizen_id": "00119200456X",
}


def test_the_resident_form_shows_all_its_errors_at_once_and_keeps_what_was_typed(world, login):
    before = Resident.objects.count()
    response = login("team_member").post(reverse("web:resident_create", args=[world.household.pk]), BAD)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert set(errors) == {"full_name", "birth_year", "phone", "citizen_id"}
    body = response.content.decode()
    assert "The year of birth must be between 1900" in body
    assert "This is not a valid Vietnamese phone number." in body
    assert "The citizen ID may contain digits only." in body
    assert 'value="12345"' in body and 'value="1850"' in body  # what was typed stays
    assert Resident.objects.count() == before


def test_a_birth_date_of_another_year_is_shown_beside_a_bad_phone(world, login):
    data = {**BAD, "full_name": "Đỗ Thị Mai", "birth_year": "1990", "birth_date": "1991-02-03", "citizen_id": ""}
    response = login("team_member").post(reverse("web:resident_create", args=[world.household.pk]), data)
    assert set(response.context["form"].errors) == {"birth_date", "phone"}


@pytest.mark.parametrize(("query", "digits"), [
    ("0912 345 678", "0912345678"), ("+84 912-345-678", "0912345678"), ("5678", "5678"), ("(091) 234", "091234"),
    ("567", ""), ("nguyen 5678", ""),
])
def test_phone_digits_reads_any_way_a_number_is_typed(query, digits):
    assert phone_digits(query) == digits


@pytest.fixture
def caller(world):
    resident = f.make_resident(world.household, full_name="Phạm Thị Gọi", gender="female", relation="wife",
                               birth_year=1985)
    resident.phone = "0912345678"
    resident.save(update_fields=["phone"])
    return resident


@pytest.mark.parametrize("query", ["5678", "0912.345.678", "+84912345678"])
def test_search_finds_a_resident_by_the_last_digits_of_the_phone(world, login, caller, query):
    people = login("team_member").get(reverse("web:search"), {"q": query}).context["people"]
    assert [r.pk for r in people] == [caller.pk]


def test_roles_that_may_not_see_phones_cannot_search_by_phone(world, login, caller):
    assert login("province_officer").get(reverse("web:search"), {"q": "5678"}).context["people"] == []


def test_search_by_phone_stays_inside_the_scope(world, login, caller):
    assert login("other_commune_officer").get(reverse("web:search"), {"q": "5678"}).context["people"] == []


def test_an_exact_name_comes_first(world, login):
    for name in ("Nguyễn Văn Hà Nam", "Nguyễn Văn Bảo Nam", "Nguyễn Văn Nam"):
        f.make_resident(world.household, full_name=name)
    people = login("team_member").get(reverse("web:search"), {"q": "nguyen van nam"}).context["people"]
    # By name alone "Nguyễn Văn Bảo Nam" would come first; the exact name leads, the others follow.
    assert [r.full_name for r in people] == ["Nguyễn Văn Nam", "Nguyễn Văn Bảo Nam", "Nguyễn Văn Hà Nam"]
