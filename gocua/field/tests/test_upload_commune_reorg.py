"""A phone that worked offline in a commune that was moved to another province, or split, meanwhile."""

import datetime as dt

import pytest

from gocua import testing as f
from gocua.field.tests.conftest import record
from gocua.households.models import Household
from gocua.indicators.services import rollups_check
from gocua.outreach.models import Visit
from gocua.places import reorg
from gocua.places.models import Unit
from gocua.places.tests.conftest import DECISION, age


@pytest.fixture
def aged(world):
    return age(world)


def _queued_visit(world):
    return record("visit", {
        "household": str(world.household.uuid), "visited_on": (f.today() - dt.timedelta(days=1)).isoformat(),
        "residents": [{"resident": str(world.resident.uuid), "present": True, "outcomes": []}],
    })


def _lands_once(device, queued, new_village: Unit):
    first = device.sync(queued)
    assert [r["status"] for r in first["results"]] == ["created"]
    again = device.sync(queued)  # the answer was lost: the phone sends its queue again
    assert [r["status"] for r in again["results"]] == ["duplicate"]
    visit = Visit.objects.get(uuid=queued["uuid"])
    assert (visit.village_code, visit.commune_code, visit.province_code) == (
        new_village.code, new_village.commune_code, new_village.province_code)
    assert rollups_check().differences == []
    page = device.get("/sync").json()
    assert page["team"]["villages"] == [{"code": new_village.code, "name": new_village.name}]
    assert {h["village_code"] for h in page["households"]} == {new_village.code}


def test_queued_visits_for_a_commune_moved_to_another_province_land_there_exactly_once(aged, device_of):
    w = aged
    device = device_of("team_member")
    queued = _queued_visit(w)  # recorded on the phone before the move
    reorg.commune_move(actor=w.users["national_admin"], commune=f.unit("09784"), to_province=f.unit("19774").parent,
                       code="99903", decision=DECISION, effective_on=f.today())
    new_village = Household.objects.get(pk=w.household.pk).village
    assert new_village.province_code == f.unit("19774").province_code
    _lands_once(device, queued, new_village)
    replaced = {(r["code"], r["successor_code"]) for r in device.get("/sync").json()["replaced_villages"]}
    assert (w.village.code, new_village.code) in replaced


def test_queued_visits_for_a_split_commune_land_in_the_villages_new_commune_exactly_once(aged, device_of):
    w = aged
    device = device_of("team_member")
    queued = _queued_visit(w)
    reorg.commune_split(actor=w.users["national_admin"], commune=f.unit("09784"), decision=DECISION,
                        effective_on=f.today(), parts=[
                            {"code": "99901", "name": "Xã Đan Phượng Bắc", "villages": [w.village.code]},
                            {"code": "99902", "name": "Xã Đan Phượng Nam", "villages": [w.village2.code]}])
    new_village = Household.objects.get(pk=w.household.pk).village
    assert new_village.commune_code == "99901"
    _lands_once(device, queued, new_village)
