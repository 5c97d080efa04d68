"""A phone that worked offline in a village merged meanwhile: nothing lost, nothing twice, new map received."""

import datetime as dt

import pytest

from gocua import testing as f
from gocua.field.tests.conftest import record
from gocua.outreach.models import Visit
from gocua.places import reorg
from gocua.places.models import Unit
from gocua.places.tests.conftest import DECISION, age


@pytest.fixture
def aged(world):
    return age(world)


def _offline_day(world):
    """A visit to the world's household and a new household, recorded offline in Tháp Thượng."""
    visit = record("visit", {
        "household": str(world.household.uuid), "visited_on": (f.today() - dt.timedelta(days=1)).isoformat(),
        "residents": [{"resident": str(world.resident.uuid), "present": True, "outcomes": []}],
    })
    household = record("household", {"village": world.village.code, "temp_key": "TẠM-1"})
    return [visit, household]


def test_queued_visits_for_a_merged_village_land_in_the_successor_exactly_once(aged, device_of):
    w = aged
    device = device_of("team_member")
    queued = _offline_day(w)  # recorded on the phone before the merger
    change = reorg.village_merge(actor=w.users["commune_officer"], villages=[w.village, w.village2],
                                 name="Thôn Đông Tiến", decision=DECISION, effective_on=f.today())
    new = Unit.objects.get(code=change.result["opened"][0])
    first = device.sync(*queued)
    assert [r["status"] for r in first["results"]] == ["created", "created"]
    again = device.sync(*queued)  # the phone did not get the answer and sends the queue again
    assert [r["status"] for r in again["results"]] == ["duplicate", "duplicate"]
    visits = Visit.objects.filter(uuid=queued[0]["uuid"])
    assert visits.count() == 1 and visits.get().village_code == new.code
    from gocua.households.models import Household

    assert Household.objects.get(uuid=queued[1]["uuid"]).village_id == new.pk
    # The download of the same sync carries the new map.
    page = device.get("/sync").json()
    assert page["team"]["villages"] == [{"code": new.code, "name": "Thôn Đông Tiến"}]
    assert {h["village_code"] for h in page["households"]} == {new.code}
    replaced = {(r["code"], r["successor_code"]) for r in page["replaced_villages"]}
    assert replaced == {(w.village.code, new.code), (w.village2.code, new.code)}
