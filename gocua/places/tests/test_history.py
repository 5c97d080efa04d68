"""Figures of a period before a merger, on the map as it was then and on today's map (`?map=`)."""

import datetime as dt

import pytest

from gocua import testing as f
from gocua.households.models import Household
from gocua.indicators import selectors
from gocua.indicators.services import snapshot_take
from gocua.indicators.tests.conftest import client_for
from gocua.places import reorg
from gocua.places.tests.conftest import DECISION


@pytest.fixture
def merged(aged):
    """Tháp Thượng had 1 household and Tháp Hạ 2 two weeks ago (snapshot); today they merge into Thôn Đông Tiến."""
    w = aged
    for key in ("TH-001", "TH-002"):
        f.make_resident(f.make_household(w.village2, key), full_name="Phạm Thị Em", birth_year=1970, gender="female")
    Household.objects.update(created_at=dt.datetime(2025, 8, 1, tzinfo=dt.UTC))
    snapshot_take(on=(f.today() - dt.timedelta(days=14)))
    change = reorg.village_merge(actor=w.users["commune_officer"], villages=[w.village, w.village2],
                                 name="Thôn Đông Tiến", decision=DECISION, effective_on=f.today())
    w.new_code = change.result["opened"][0]
    return w


def _api(user, code, query):
    response = client_for(user).get(f"/api/v1/units/{code}/indicators?{query}")
    assert response.status_code == 200, response.content
    return response.json()


def test_on_todays_map_a_past_period_of_the_new_village_sums_the_old_villages(merged):
    body = _api(merged.users["commune_officer"], merged.new_code, f"date={(f.today() - dt.timedelta(days=7))}&map=now")
    assert body["map"] == "now" and body["source"] == "snapshot"
    assert body["figures"]["households"] == 3
    assert sorted(body["merged_in"]) == sorted([merged.village.code, merged.village2.code])
    assert _api(merged.users["commune_officer"], merged.new_code, f"date={(f.today() - dt.timedelta(days=7))}")["figures"]["households"] == 3


def test_on_the_map_as_it_was_the_new_village_did_not_exist_and_the_old_ones_keep_their_figures(merged):
    officer = merged.users["commune_officer"]
    body = _api(officer, merged.new_code, f"date={(f.today() - dt.timedelta(days=7))}&map=then")
    assert body["available"] is False and body["notice"]["code"] == "before_unit_existed"
    assert _api(officer, merged.village.code, f"date={(f.today() - dt.timedelta(days=7))}&map=then")["figures"]["households"] == 1
    assert _api(officer, merged.village2.code, f"date={(f.today() - dt.timedelta(days=7))}&map=then")["figures"]["households"] == 2


def test_the_communes_children_for_a_past_period_follow_the_chosen_map(merged):
    officer = merged.users["commune_officer"]
    client = client_for(officer)
    now = client.get(f"/api/v1/units/09784/children/indicators?date={(f.today() - dt.timedelta(days=7))}&map=now").json()
    assert [(c["unit"]["code"], c["figures"]["households"]) for c in now["children"]] == [(merged.new_code, 3)]
    then = client.get(f"/api/v1/units/09784/children/indicators?date={(f.today() - dt.timedelta(days=7))}&map=then").json()
    assert sorted((c["unit"]["code"], c["figures"]["households"]) for c in then["children"]) == sorted(
        [(merged.village.code, 1), (merged.village2.code, 2)])


def test_a_map_that_is_neither_then_nor_now_is_a_400(merged):
    response = client_for(merged.users["commune_officer"]).get("/api/v1/units/09784/indicators?map=yesterday")
    assert response.status_code == 400 and response.json()["code"] == "map_invalid"


def test_the_trend_runs_on_across_the_merger_on_todays_map_and_breaks_on_the_old_village(merged):
    officer = merged.users["commune_officer"]
    new = selectors.unit_for(user=officer, code=merged.new_code)
    trend = selectors.unit_trend(figures=selectors.unit_figures(user=officer, unit=new))
    assert [(day, s.households) for day, s in trend.points] == [((f.today() - dt.timedelta(days=14)), 3), (f.today(), 3)]
    old = selectors.unit_for(user=officer, code=merged.village.code)
    old_trend = selectors.unit_trend(figures=selectors.unit_figures(user=officer, unit=old))
    assert [(day, s.households) for day, s in old_trend.points] == [((f.today() - dt.timedelta(days=14)), 1)]


def test_the_dashboard_page_offers_both_maps_for_a_past_date(merged):
    client = client_for(merged.users["commune_officer"])
    now = client.get(f"/dashboards/{merged.new_code}/?date={(f.today() - dt.timedelta(days=7))}").content.decode()
    assert "Thôn Đông Tiến" in now and "map=then" in now
    then = client.get(f"/dashboards/{merged.new_code}/?date={(f.today() - dt.timedelta(days=7))}&map=then")
    assert then.status_code == 200 and "did not exist yet" in then.content.decode()
    report = client.get(f"/dashboards/09784/report/?date={(f.today() - dt.timedelta(days=7))}&map=then").content.decode()
    assert "Thôn Tháp Hạ" in report
