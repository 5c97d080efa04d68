import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.households import services
from gocua.households.digital import INDICATOR_NAMES
from gocua.households.models import IndicatorChange, Resident, ResidentMove

pytestmark = pytest.mark.django_db

VALID = {
    "full_name": "Đỗ Thị Mai",
    "birth_year": "1992",
    "birth_date": "",
    "gender": "female",
    "relation": "wife",
    "phone": "0987 654 321",
    "status": "living",
    "citizen_id": "001192004567",
}


def resident_url(resident, name: str = "web:resident") -> str:
    return reverse(name, args=[resident.pk])


def create_url(household) -> str:
    return reverse("web:resident_create", args=[household.pk])


def test_resident_page_shows_details_with_the_citizen_id_masked(world, login):
    body = login("commune_officer").get(resident_url(world.resident)).content.decode()
    assert "Nguyễn Văn Trường" in body and "1980" in body and "TT-001" in body
    assert "001******345" in body and "001080012345" not in body
    assert body.count('class="tri tri-0"') == 14


def test_resident_phone_is_masked_for_roles_that_do_not_call_residents(world, login):
    resident = f.make_resident(
        world.household, full_name="Có Điện Thoại", relation="child", phone="0912345678"
    )
    assert "0912345678" in login("team_member").get(resident_url(resident)).content.decode()
    analyst = login("province_officer").get(resident_url(resident)).content.decode()
    assert "0912345678" not in analyst and "091****678" in analyst


def test_residents_outside_the_scope_are_not_found(world, login):
    client = login("commune_officer")
    for name in ("web:resident", "web:resident_edit", "web:resident_indicators", "web:resident_move"):
        assert client.get(resident_url(world.other_resident, name)).status_code == 404
    assert client.get(create_url(world.other_household)).status_code == 404


def test_resident_create_registers_the_person(world, login):
    response = login("team_member").post(create_url(world.household), VALID)
    assert response.status_code == 302
    resident = Resident.objects.get(full_name="Đỗ Thị Mai")
    assert resident.household == world.household and resident.phone == "0987654321"
    assert resident.citizen_id_masked == "001******567"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"full_name": "   "}, "full_name", "This field is required."),
        ({"birth_year": "1850"}, "birth_year", "The year of birth must be between 1900 and"),
        ({"birth_year": "3000"}, "birth_year", "The year of birth must be between 1900 and"),
        ({"phone": "12345"}, "phone", "This is not a valid Vietnamese phone number."),
        ({"citizen_id": "12345"}, "citizen_id", "The citizen ID must have exactly 12 digits."),
        ({"citizen_id": "00119200456X"}, "citizen_id", "The citizen ID may contain digits only."),
        ({"citizen_id": "001092004567"}, "citizen_id", "The 4th digit of the citizen ID does not match"),
    ],
)
def test_resident_create_shows_the_error_next_to_the_field_and_saves_nothing(
    world, login, changes, field, message
):
    before = Resident.objects.count()
    response = login("team_member").post(create_url(world.household), {**VALID, **changes})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert list(errors) == [field] and errors[field][0].startswith(message)
    assert message in response.content.decode()
    assert Resident.objects.count() == before
    assert not IndicatorChange.objects.filter(resident__full_name="Đỗ Thị Mai").exists()


def test_a_duplicate_citizen_id_is_refused_without_pointing_to_the_other_record(world, login):
    household = f.make_household(world.village2, "TH-001")
    data = {**VALID, "full_name": "Người Trùng", "gender": "male", "birth_year": "1980", "relation": "head"}
    response = login("commune_officer").post(create_url(household), {**data, "citizen_id": "001 080 012345"})
    assert response.status_code == 400
    body = response.content.decode()
    assert response.context["form"].errors["citizen_id"] == ["This citizen ID is already registered."]
    for leak in ("Nguyễn Văn Trường", "TT-001", "Thôn Tháp Thượng", resident_url(world.resident)):
        assert leak not in body
    assert not Resident.objects.filter(full_name="Người Trùng").exists()


def _edit_data(resident, **changes) -> dict:
    data = {
        "full_name": resident.full_name,
        "birth_year": resident.birth_year,
        "birth_date": "",
        "gender": resident.gender,
        "relation": resident.relation,
        "phone": resident.phone,
        "status": resident.status,
        "citizen_id": "",
    }
    return {**data, **changes}


def test_resident_edit_keeps_the_citizen_id_when_left_empty(world, login):
    before = Resident.objects.get(pk=world.resident.pk)
    form = login("team_member").get(resident_url(world.resident, "web:resident_edit")).content.decode()
    assert "001******345" in form and "001080012345" not in form
    response = login("team_member").post(
        resident_url(world.resident, "web:resident_edit"),
        _edit_data(before, full_name="Nguyễn Văn Trường Giang"),
    )
    assert response.status_code == 302
    after = Resident.objects.get(pk=world.resident.pk)
    assert after.full_name == "Nguyễn Văn Trường Giang"
    assert after.citizen_id_hash == before.citizen_id_hash and after.citizen_id_masked == "001******345"


def test_resident_edit_replaces_or_removes_the_citizen_id(world, login):
    client, url = login("commune_officer"), resident_url(world.resident, "web:resident_edit")
    client.post(url, _edit_data(world.resident, citizen_id="001080099999"))
    assert Resident.objects.get(pk=world.resident.pk).citizen_id_masked == "001******999"
    client.post(url, _edit_data(world.resident, clear_citizen_id="on"))
    cleared = Resident.objects.get(pk=world.resident.pk)
    assert cleared.citizen_id_masked == "" and cleared.citizen_id_hash is None


def test_resident_edit_that_contradicts_the_stored_citizen_id_saves_nothing(world, login):
    response = login("commune_officer").post(
        resident_url(world.resident, "web:resident_edit"),
        _edit_data(world.resident, gender="female", phone="09"),
    )
    assert response.status_code == 400
    assert "phone" in response.context["form"].errors
    response = login("commune_officer").post(
        resident_url(world.resident, "web:resident_edit"), _edit_data(world.resident, gender="female")
    )
    assert response.status_code == 400
    assert "citizen_id" in response.context["form"].errors
    assert Resident.objects.get(pk=world.resident.pk).gender == "male"


def _indicator_data(**values) -> dict:
    return {name: values.get(name, 0) for name in INDICATOR_NAMES}


def test_indicators_form_saves_changes_with_history(world, login):
    client = login("team_member")
    services.resident_set_indicators(
        actor=world.users["commune_officer"], resident=world.resident, values={"ecommerce": 2}
    )
    response = client.get(resident_url(world.resident, "web:resident_indicators"))
    body = response.content.decode()
    assert body.count('type="radio"') == 14 * 3 and body.count(" checked>") == 14
    assert 'name="ecommerce" value="2" id="id_ecommerce_1" required checked' in body
    response = client.post(
        resident_url(world.resident, "web:resident_indicators"),
        _indicator_data(smartphone=1, payment_account=2),
    )
    assert response.status_code == 302
    resident = Resident.objects.get(pk=world.resident.pk)
    values = (resident.smartphone, resident.payment_account, resident.internet, resident.ecommerce)
    assert values == (1, 2, 0, 0)
    changes = IndicatorChange.objects.filter(resident=resident, changed_by=world.users["team_member"])
    # Setting "no" back to "unknown" is a change too, and is recorded.
    assert {c.indicator for c in changes} == {"smartphone", "payment_account", "ecommerce"}
    assert all(c.changed_by == world.users["team_member"] and c.source == "edit" for c in changes)


def test_indicators_form_refuses_a_bad_value_and_saves_nothing(world, login):
    response = login("team_member").post(
        resident_url(world.resident, "web:resident_indicators"), _indicator_data(smartphone=1, internet=7)
    )
    assert response.status_code == 400
    assert "internet" in response.context["form"].errors
    assert Resident.objects.get(pk=world.resident.pk).smartphone == 0
    assert not IndicatorChange.objects.filter(resident=world.resident).exists()


def test_resident_move_to_a_household_of_another_village(world, login):
    target = f.make_household(world.village2, "TH-001")
    child = f.make_resident(world.household, full_name="Nguyễn Văn Con", relation="child", birth_year=2005)
    moved_on = timezone.localdate() - dt.timedelta(days=1)
    response = login("commune_officer").post(
        resident_url(child, "web:resident_move"),
        {"village": world.village2.code, "household_key": "TH-001", "moved_on": moved_on.isoformat()},
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert child.household == target and child.village_code == world.village2.code
    assert ResidentMove.objects.filter(resident=child, to_household=target, moved_on=moved_on).exists()
    assert "TH-001" in login("commune_officer").get(resident_url(child)).content.decode()


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ({"village": "other_province_village", "household_key": "AL-001"}, "village"),
        ({"village": "village2", "household_key": "NONE"}, "household_key"),
        ({"village": "village", "household_key": "TT-001"}, "household_key"),
    ],
)
def test_resident_move_refuses_bad_targets_and_moves_nothing(world, login, target, field):
    response = login("commune_officer").post(
        resident_url(world.resident, "web:resident_move"),
        {
            "village": getattr(world, target["village"]).code,
            "household_key": target["household_key"],
            "moved_on": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert Resident.objects.get(pk=world.resident.pk).household == world.household
    assert not ResidentMove.objects.exists()


# --- the audited citizen-ID reveal -------------------------------------------------------------


@pytest.mark.parametrize("role", ["commune_officer", "national_admin"])
def test_citizen_id_reveal_shows_the_number_once_and_audits_it(world, login, role):
    client = login(role)
    assert "Show citizen ID" in client.get(resident_url(world.resident)).content.decode()
    response = client.post(resident_url(world.resident, "web:resident_reveal"))
    assert response.status_code == 200
    assert "001080012345" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.CITIZEN_ID_SHOWN)
    assert event.actor == world.users[role]
    assert (event.object_type, event.object_id) == ("households.resident", str(world.resident.pk))
    assert "001080012345" not in str(event.detail)
    assert "001080012345" not in client.get(resident_url(world.resident)).content.decode()


@pytest.mark.parametrize("role", ["team_member", "team_leader", "province_officer"])
def test_citizen_id_reveal_is_refused_for_other_roles(world, login, role):
    client = login(role)
    assert "Show citizen ID" not in client.get(resident_url(world.resident)).content.decode()
    response = client.post(resident_url(world.resident, "web:resident_reveal"))
    assert response.status_code == 403
    assert "001080012345" not in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CITIZEN_ID_SHOWN).exists()


def test_citizen_id_reveal_outside_the_scope_is_not_found_and_get_is_not_allowed(world, login):
    other = login("other_commune_officer")
    assert other.post(resident_url(world.resident, "web:resident_reveal")).status_code == 404
    assert (
        login("commune_officer").get(resident_url(world.resident, "web:resident_reveal")).status_code == 405
    )
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CITIZEN_ID_SHOWN).exists()


def test_citizen_id_reveal_without_a_recorded_id_audits_nothing(world, login):
    resident = f.make_resident(world.household, full_name="Không Có Số", relation="child", birth_year=2010)
    response = login("commune_officer").post(resident_url(resident, "web:resident_reveal"), follow=True)
    assert "No citizen ID is recorded for this person." in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.CITIZEN_ID_SHOWN).exists()
