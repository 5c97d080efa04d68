"""The officer's map-change page: preview first, confirm second, only inside the officer's area."""

import datetime as dt

import pytest

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.households.models import Household
from gocua.indicators.tests.conftest import client_for
from gocua.places.models import Reorganisation, Unit
from gocua.places.tests.conftest import age


@pytest.fixture
def aged(world):
    return age(world)


def _form(world, **extra):
    return {
        "operation": "village_merge", "units": [world.village.code, world.village2.code], "name": "Thôn Đông Tiến",
        "decision_number": "12/NQ-HĐND", "decision_date": "2026-01-05", "decision_issuer": "HĐND thành phố Hà Nội",
        "effective_on": f.today().isoformat(), **extra,
    }


def test_the_preview_shows_what_would_move_and_writes_nothing(aged):
    client = client_for(aged.users["commune_officer"])
    response = client.post("/units/09784/map-changes/", _form(aged, confirm="0"))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="preview"' in html
    assert 'data-moved="households"' in html and "Confirm the change" in html
    assert not Reorganisation.objects.exists()
    assert Unit.objects.get(pk=aged.village.pk).valid_to is None


def test_confirming_applies_the_merger(aged):
    client = client_for(aged.users["commune_officer"])
    response = client.post("/units/09784/map-changes/", _form(aged, confirm="1"))
    assert response.status_code == 302
    change = Reorganisation.objects.get()
    assert change.status == "applied" and change.decision_issuer == "HĐND thành phố Hà Nội"
    assert Household.objects.get(pk=aged.household.pk).village.name == "Thôn Đông Tiến"
    assert "12/NQ-HĐND" in client.get("/units/09784/map-changes/").content.decode()


def test_a_split_from_a_typed_list_is_previewed_then_confirmed_without_the_list_again(aged):
    f.make_household(aged.village, "TT-002")
    client = client_for(aged.users["commune_officer"])
    data = _form(aged, operation="village_split", units=[aged.village.code], name="",
                 split_list="TT-001, Thôn Bắc\nTT-002, Thôn Nam", confirm="0")
    html = client.post("/units/09784/map-changes/", data).content.decode()
    assert 'id="preview"' in html and 'name="parts_json"' in html
    import re

    parts = re.search(r'name="parts_json" value="([^"]*)"', html).group(1)
    import html as html_lib

    response = client.post("/units/09784/map-changes/", {**data, "split_list": "", "parts_json": html_lib.unescape(parts),
                                                         "confirm": "1"})
    assert response.status_code == 302
    assert sorted(Unit.objects.filter(parent__code="09784", valid_to__isnull=True, name__startswith="Thôn ")
                  .exclude(pk=aged.village2.pk).values_list("name", flat=True)) == ["Thôn Bắc", "Thôn Nam"]


def test_a_bad_request_shows_the_message_next_to_the_form(aged):
    client = client_for(aged.users["commune_officer"])
    response = client.post("/units/09784/map-changes/", _form(aged, units=[aged.village.code], confirm="1"))
    assert response.status_code == 400 and "Choose at least two villages to merge." in response.content.decode()
    assert not Reorganisation.objects.exists()


def test_outside_the_officers_area_the_page_is_not_found_and_team_roles_are_refused(aged):
    assert client_for(aged.users["other_commune_officer"]).get("/units/09784/map-changes/").status_code == 404
    assert client_for(aged.users["team_leader"]).get("/units/09784/map-changes/").status_code == 404  # village scope
    commune_leader = f.make_user(Role.TEAM_LEADER, "09784")
    assert client_for(commune_leader).get("/units/09784/map-changes/").status_code == 403
    assert client_for(aged.users["commune_officer"]).get("/units/09784/map-changes/").status_code == 200


def test_commune_changes_are_for_national_administrators_only(aged):
    assert client_for(aged.users["province_officer"]).get("/units/01/map-changes/").status_code == 403
    page = client_for(aged.users["national_admin"]).get("/units/01/map-changes/")
    assert page.status_code == 200 and "commune_merge" in page.content.decode()


def test_a_future_change_is_scheduled_from_the_page(aged):
    client = client_for(aged.users["commune_officer"])
    later = f.today() + dt.timedelta(days=30)
    client.post("/units/09784/map-changes/", _form(aged, effective_on=later.isoformat(), confirm="1"))
    assert Reorganisation.objects.get().status == "scheduled"
    assert Unit.objects.get(pk=aged.village.pk).valid_to is None


def _commune_form(**extra):
    return {"decision_number": "7/NQ-UBTVQH", "decision_date": "2026-01-02", "decision_issuer": "Ủy ban Thường vụ Quốc hội",
            "effective_on": f.today().isoformat(), "units": ["09784"], **extra}


def test_a_commune_split_is_previewed_from_a_typed_list_then_confirmed(aged):
    import html as html_lib
    import re

    client = client_for(aged.users["national_admin"])
    lines = f"Thôn Tháp Thượng, 99901, Xã Đan Phượng Bắc\n{aged.village2.code}, 99902, Xã Đan Phượng Nam"
    data = _commune_form(operation="commune_split", commune_split_list=lines, confirm="0")
    html = client.post("/units/01/map-changes/", data).content.decode()
    assert 'id="preview"' in html and 'data-moved="households"' in html
    assert not Unit.objects.filter(code="99901").exists()
    parts = html_lib.unescape(re.search(r'name="parts_json" value="([^"]*)"', html).group(1))
    response = client.post("/units/01/map-changes/", {**data, "commune_split_list": "", "parts_json": parts,
                                                      "confirm": "1"})
    assert response.status_code == 302
    assert Household.objects.get(pk=aged.household.pk).commune_code == "99901"
    assert Reorganisation.objects.get().operation == "commune_split"


def test_a_commune_split_list_with_a_bad_line_is_shown_next_to_the_form(aged):
    client = client_for(aged.users["national_admin"])
    response = client.post("/units/01/map-changes/", _commune_form(
        operation="commune_split", commune_split_list="Thôn Tháp Thượng, 99901", confirm="0"))
    assert response.status_code == 400 and "Line 1 needs a village code" in response.content.decode()


def test_a_commune_is_moved_to_another_province_from_the_page(aged):
    client = client_for(aged.users["national_admin"])
    hue = f.unit("19774").province_code
    preview = client.post("/units/01/map-changes/", _commune_form(operation="commune_move", to_province=hue,
                                                                  code="99903", confirm="0"))
    assert preview.status_code == 200 and 'id="preview"' in preview.content.decode()
    assert not Reorganisation.objects.exists()
    unknown = client.post("/units/01/map-changes/", _commune_form(operation="commune_move", to_province="77x",
                                                                  code="99903", confirm="1"))
    assert unknown.status_code == 400 and "There is no such province" in unknown.content.decode()
    done = client.post("/units/01/map-changes/", _commune_form(operation="commune_move", to_province=hue,
                                                               code="99903", confirm="1"))
    assert done.status_code == 302
    assert Household.objects.get(pk=aged.household.pk).province_code == hue
