"""The three writes call the registry services; refused input leaves nothing written."""

import pytest

from gocua import testing as f
from gocua.households.digital import Tri
from gocua.households.models import Household, IndicatorChange, Resident

RESIDENT = {"full_name": "Trịnh Văn Hùng", "birth_year": 1985, "gender": "male", "relation": "child"}


def _counts():
    return Household.objects.count(), Resident.objects.count(), IndicatorChange.objects.count()


# --- households ----------------------------------------------------------------------------


def test_a_team_member_registers_a_household_in_their_village(api_as, world):
    response = api_as("team_member").post(
        "/households", {"village": world.village.code, "household_key": " TT-002 ", "address_line": "Ngõ  5"}
    )
    assert response.status_code == 201
    body = response.json()
    household = Household.objects.get(pk=body["id"])
    assert (household.household_key, household.address_line, household.village_code) == (
        "TT-002",
        "Ngõ 5",
        world.village.code,
    )
    assert household.created_by == world.users["team_member"]
    assert body["household_key"] == "TT-002" and body["residents"] == [] and body["resident_count"] == 0


@pytest.mark.parametrize(
    ("payload", "status", "code", "field"),
    [
        ({"household_key": "   "}, 400, "household_key_required", "household_key"),
        ({"household_key": "TT-001"}, 400, "household_key_taken", "household_key"),
        ({"household_key": "X" * 33}, 422, "invalid_input", "household_key"),
        ({"household_key": "TT\x00-9"}, 422, "invalid_input", "household_key"),
        ({"household_key": "TT-9", "colour": "red"}, 422, "invalid_input", "colour"),
        ({"household_key": "TT-9", "village": "09784"}, 404, "not_found", "village"),
        ({"household_key": "TT-9", "village": "19774-001"}, 404, "not_found", "village"),
        ({"household_key": "TT-9", "village": "../../etc"}, 422, "invalid_input", "village"),
    ],
)
def test_a_refused_household_is_not_written(api_as, world, payload, status, code, field):
    before = _counts()
    response = api_as("commune_officer").post("/households", {"village": world.village.code, **payload})
    assert response.status_code == status, response.content
    assert response.json()["code"] == code and response.json()["field"] == field
    assert _counts() == before


# --- residents -----------------------------------------------------------------------------


def test_a_resident_is_registered_with_indicators_and_a_masked_citizen_id(api_as, world):
    payload = {
        **RESIDENT,
        "household": world.household.pk,
        "phone": "+84 912 345 678",
        "citizen_id": "001085012345",
        "indicators": {"smartphone": "yes", "payment_account": "no"},
    }
    response = api_as("team_member").post("/residents", payload)
    assert response.status_code == 201, response.content
    body = response.json()
    resident = Resident.objects.get(pk=body["id"])
    assert resident.full_name == "Trịnh Văn Hùng" and resident.phone == "0912345678"
    assert resident.smartphone == Tri.YES and resident.payment_account == Tri.NO
    assert (
        body["citizen_id_masked"] == resident.citizen_id_masked
        and "001085012345" not in response.content.decode()
    )
    assert body["indicators"]["smartphone"] == "yes" and body["indicators"]["internet"] == "unknown"
    assert set(IndicatorChange.objects.filter(resident=resident).values_list("indicator", flat=True)) == {
        "smartphone",
        "payment_account",
    }


@pytest.mark.parametrize(
    ("change", "status", "code", "field"),
    [
        ({"full_name": "  "}, 400, "name_required", "full_name"),
        ({"full_name": "A" * 121}, 422, "invalid_input", "full_name"),
        ({"citizen_id": "12345"}, 400, "citizen_id_length", "citizen_id"),
        ({"citizen_id": "0010850123ab"}, 400, "citizen_id_digits", "citizen_id"),
        ({"citizen_id": "001185012345"}, 400, "citizen_id_gender_century", "citizen_id"),
        (
            {"citizen_id": "001080012345", "birth_year": 1980},
            400,
            "citizen_id_taken",
            "citizen_id",
        ),  # the world resident's ID
        ({"birth_year": 1850}, 400, "birth_year_impossible", "birth_year"),
        ({"birth_year": 10**30}, 422, "invalid_input", "birth_year"),
        ({"gender": "other"}, 422, "invalid_input", "gender"),
        ({"phone": "12"}, 400, "phone_invalid", "phone"),
        ({"indicators": {"smartphone": "maybe"}}, 422, "invalid_input", "smartphone"),
        ({"indicators": {"flying": "yes"}}, 422, "invalid_input", "flying"),
        ({"household": "abc"}, 422, "invalid_input", "household"),
    ],
)
def test_a_refused_resident_is_not_written(api_as, world, change, status, code, field):
    before = _counts()
    payload = {**RESIDENT, "household": world.household.pk, "indicators": {"smartphone": "yes"}, **change}
    response = api_as("commune_officer").post("/residents", payload)
    assert response.status_code == status, response.content
    body = response.json()
    assert body["code"] == code and body["field"] == field
    assert "012345" not in body["message"]
    assert _counts() == before


def test_a_resident_cannot_be_added_to_a_household_outside_the_area(api_as, world):
    before = _counts()
    response = api_as("commune_officer").post(
        "/residents", {**RESIDENT, "household": world.other_household.pk}
    )
    assert response.status_code == 404 and response.json() == {
        "code": "not_found",
        "message": response.json()["message"],
        "field": "household",
    }
    assert _counts() == before


# --- indicators ----------------------------------------------------------------------------


def test_patching_indicators_changes_only_those_sent_and_keeps_history(api_as, world):
    world.resident.refresh_from_db()
    client = api_as("team_member")
    path = f"/residents/{world.resident.pk}/indicators"
    response = client.patch(path, {"smartphone": "yes", "vneid_level2": "no"})
    assert response.status_code == 200, response.content
    assert response.json()["indicators"]["smartphone"] == "yes"
    assert response.json()["indicators"]["vneid_level2"] == "no"
    world.resident.refresh_from_db()
    assert (world.resident.smartphone, world.resident.vneid_level2, world.resident.internet) == (
        Tri.YES,
        Tri.NO,
        Tri.UNKNOWN,
    )
    assert IndicatorChange.objects.filter(resident=world.resident).count() == 2
    client.patch(path, {"smartphone": "yes"})  # unchanged: no new history row
    assert IndicatorChange.objects.filter(resident=world.resident).count() == 2
    assert client.patch(path, {}).status_code == 200


@pytest.mark.parametrize("payload", [{"smartphone": "maybe"}, {"smartphone": 1}, {"teleport": "yes"}])
def test_bad_indicator_patches_change_nothing(api_as, world, payload):
    response = api_as("team_member").patch(f"/residents/{world.resident.pk}/indicators", payload)
    assert response.status_code == 422 and response.json()["code"] == "invalid_input"
    assert IndicatorChange.objects.filter(resident=world.resident).count() == 0


def test_indicators_outside_the_area_are_404(api_as, world):
    response = api_as("team_member").patch(
        f"/residents/{world.other_resident.pk}/indicators", {"smartphone": "yes"}
    )
    assert response.status_code == 404 and response.json()["code"] == "not_found"
    world.other_resident.refresh_from_db()
    assert world.other_resident.smartphone == Tri.UNKNOWN


def test_a_sibling_villages_household_is_out_of_reach_for_a_village_member(api_as, world):
    household = f.make_household(world.village2, "TH-009")
    response = api_as("team_member").post("/residents", {**RESIDENT, "household": household.pk})
    assert response.status_code == 404
    assert not Resident.objects.filter(household=household).exists()
