import datetime as dt

import pytest
from django.test import Client

from gocua import testing as f
from gocua.indicators.services import rollups_rebuild
from gocua.indicators.tests.conftest import client_for

pytestmark = pytest.mark.django_db


def indicator(body: dict, key: str) -> dict:
    return next(item for item in body["figures"]["indicators"] if item["key"] == key)


def test_it_answers_counts_with_denominators_percentages_and_targets(data, officer):
    response = officer.get("/api/v1/units/09784/indicators")
    assert response.status_code == 200
    body = response.json()
    assert body["unit"] == {"code": "09784", "name": "Xã Đan Phượng", "kind": "xa", "level": 2}
    assert body["source"] == "current" and body["available"] is True and body["notice"] is None
    figures = body["figures"]
    assert (figures["households"], figures["residents"], figures["adults"]) == (3, 5, 4)
    assert figures["households_covered"] == {"count": 1, "denominator": 3, "percent": 33.3}
    assert figures["residents_left_behind"]["denominator"] == 4
    assert indicator(body, "smartphone") | {"label": None} == {
        "key": "smartphone", "label": None, "kind": "personal", "yes": 2, "no": 1, "unknown": 1,
        "unknown_percent": 25.0, "unknown_basis": "unknown_answer", "denominator": 4, "denominator_name": "adults",
        "percent": 50.0, "target_percent": 80.0, "meets_target": False, "target_count": None,
        "target_document": "411/QĐ-TTg, 31/03/2022 (Thủ tướng Chính phủ)", "target_period": str(f.today().year),
    }
    assert indicator(body, "internet")["denominator_name"] == "households"
    assert body["activity"] == {"visits": 1, "sessions": 0, "teams": 1, "members": 2}
    assert body["period"]["kind"] == "month"


def test_the_nation_and_a_village_are_answered_by_their_codes(data):
    admin = client_for(data.world.users["national_admin"])
    assert admin.get("/api/v1/units/VN/indicators").json()["figures"]["households"] == 4
    village = admin.get(f"/api/v1/units/{data.world.village.code}/indicators").json()
    assert village["figures"]["households"] == 2


def test_children_come_with_the_same_figures_weakest_coverage_first(data, officer):
    body = officer.get("/api/v1/units/09784/children/indicators").json()
    assert [c["unit"]["code"] for c in body["children"]] == [data.world.village2.code, data.world.village.code]
    first = body["children"][0]
    assert first["figures"]["households_covered"] == {"count": 0, "denominator": 1, "percent": 0.0}
    assert indicator(first, "internet")["percent"] == 100.0


def test_a_past_date_answers_from_the_snapshot(data, officer):
    week_ago = f.today() - dt.timedelta(days=7)
    rollups_rebuild(reference=week_ago)
    body = officer.get(f"/api/v1/units/09784/indicators?date={week_ago.isoformat()}&period=year").json()
    assert body["source"] == "snapshot" and body["snapshot_on"] == week_ago.isoformat()
    assert body["period"] == {"kind": "year", "start": f"{week_ago.year}-01-01", "end": f"{week_ago.year}-12-31"}


def test_a_date_before_the_unit_existed_says_so(data, officer):
    body = officer.get("/api/v1/units/09784/indicators?date=2024-03-01").json()
    assert body["available"] is False and body["figures"] is None
    assert body["notice"]["code"] == "before_unit_existed"
    assert "did not exist yet" in body["notice"]["message"]
    children = officer.get("/api/v1/units/09784/children/indicators?date=2024-03-01").json()
    assert children["children"] == [] and children["notice"]["code"] == "before_unit_existed"


@pytest.mark.parametrize(
    "query, code",
    [("date=2025-02-30", "invalid_date"), ("period=weekly", "invalid_period"), ("period=2025-Q7", "invalid_period"),
     ("period=quarter&start=soon", "invalid_date")],
)
def test_bad_dates_and_periods_answer_400_with_a_code(world, officer, query, code):
    response = officer.get(f"/api/v1/units/09784/indicators?{query}")
    assert response.status_code == 400
    assert response.json()["code"] == code and response.json()["message"]


def test_unknown_and_out_of_scope_units_are_404(world, officer):
    unknown = officer.get("/api/v1/units/12345/indicators")
    assert unknown.status_code == 404 and unknown.json()["code"] == "unit_not_found"
    assert "12345" in unknown.json()["message"]
    for path in ("/api/v1/units/19774/indicators", "/api/v1/units/01/children/indicators"):
        assert officer.get(path).status_code == 404


def test_anonymous_callers_must_log_in(world):
    assert Client().get("/api/v1/units/VN/indicators").status_code == 401


def test_both_routers_serve_their_unit_paths_and_the_schema_lists_them(world, officer):
    assert officer.get("/api/v1/units/09784").json()["code"] == "09784"  # gocua.places.api
    assert officer.get("/api/v1/units/09784/children").status_code == 200
    paths = officer.get("/api/v1/openapi.json").json()["paths"]
    assert "/api/v1/units/{code}/indicators" in paths and "/api/v1/units/{code}/children/indicators" in paths
    params = {p["name"] for p in paths["/api/v1/units/{code}/indicators"]["get"]["parameters"]}
    assert {"code", "date", "period", "start"} <= params
