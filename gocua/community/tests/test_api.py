"""The community API under /api/v1/: scoped lists and details, writes, error codes."""


import pytest

from gocua import testing as f
from gocua.community.models import LedgerEntry, Project
from gocua.community.tests.helpers import D, G, give, make_project, snapshot, spend, yesterday


@pytest.fixture
def api(world):
    return lambda role=None: f.ApiClient(world.users[role] if role else None)


def test_the_project_list_is_scoped_and_carries_totals(api, world, leader, project):
    give(leader, project, money_vnd=300_000)
    spend(leader, project, money_vnd=100_000)
    make_project(world.users["national_admin"], world.other_province_village, title="Wi-Fi An Lưu")
    body = api("team_member").get("/projects").json()
    assert [p["title"] for p in body["items"]] == [project.title]
    assert body["items"][0]["totals"] == {"collected_vnd": 300_000, "spent_vnd": 100_000, "balance_vnd": 200_000,
                                          "labour_days": "0.0", "corrections": 0}
    assert body["items"][0]["progress_percent"] == 1
    assert api("national_admin").get("/projects", unit="46").json()["count"] == 1
    assert api("team_member").get("/projects", unit="46").status_code == 404


def test_an_outsider_gets_404_for_a_project_and_its_ledger(api, project):
    outsider = api("other_commune_officer")
    assert outsider.get(f"/projects/{project.pk}").status_code == 404
    assert outsider.get(f"/projects/{project.pk}/entries").status_code == 404
    response = outsider.post(f"/projects/{project.pk}/contributions",
                             {"entry_on": str(yesterday()), "giver": "anonymous", "display": "anonymous",
                              "money_vnd": 1000})
    assert response.status_code == 404 and response.json()["code"] == "not_found"


def test_a_leader_creates_a_project_records_and_reverses_through_the_api(api, world):
    leader = api("team_leader")
    created = leader.post("/projects", {"unit": world.village.code, "title": "Wi-Fi nhà văn hoá", "kind": "wifi",
                                        "goal_vnd": "12.000.000", "description": "<b>miễn phí</b>"})
    assert created.status_code == 201, created.json()
    project_id = created.json()["id"]
    assert created.json()["public_url"] == f"http://testserver/community/p/{world.village.code}/"
    assert leader.post(f"/projects/{project_id}/status", {"status": "collecting"}).json()["status"] == "collecting"
    entry = leader.post(f"/projects/{project_id}/contributions", {
        "entry_on": str(yesterday()), "giver": "household", "household": world.household.pk,
        "display": "household_key", "money_vnd": 2_000_000, "labour_days": 1.5})
    assert entry.status_code == 201, entry.json()
    assert entry.json()["public_label"] == "Household TT-001" and entry.json()["number"] == 1
    reversal = leader.post(f"/projects/{project_id}/entries/{entry.json()['id']}/reverse", {"reason": "Nhầm hộ"})
    assert reversal.status_code == 201 and reversal.json()["money_vnd"] == -2_000_000
    again = leader.post(f"/projects/{project_id}/entries/{entry.json()['id']}/reverse", {"reason": "Lần nữa"})
    assert again.status_code == 409 and again.json()["code"] == "entry_already_reversed"
    expense = leader.post(f"/projects/{project_id}/expenses",
                          {"entry_on": str(yesterday()), "description": "Bộ phát Wi-Fi", "money_vnd": 900_000})
    assert expense.status_code == 201
    ledger = leader.get(f"/projects/{project_id}/entries").json()
    assert [e["number"] for e in ledger["items"]] == [1, 2, 3]
    assert ledger["items"][0]["reversed_by"] == reversal.json()["id"]
    detail = leader.get(f"/projects/{project_id}").json()
    assert detail["totals"]["balance_vnd"] == -900_000 and detail["totals"]["corrections"] == 1
    patched = leader.patch(f"/projects/{project_id}", {"goal_vnd": 15_000_000})
    assert patched.json()["goal_vnd"] == 15_000_000 and patched.json()["title"] == "Wi-Fi nhà văn hoá"


@pytest.mark.parametrize(("money", "status", "code"), [
    (-1, 400, "amount_negative"), (10_000_000_001, 400, "amount_too_large"), ("1,5", 400, "amount_fractional"),
    (1.5, 422, "invalid_input"),
])
def test_bad_amounts_answer_a_clear_error_and_write_nothing(api, project, money, status, code):
    before = snapshot()
    response = api("team_leader").post(f"/projects/{project.pk}/contributions", {
        "entry_on": str(yesterday()), "giver": "anonymous", "display": "anonymous", "money_vnd": money})
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert response.json()["message"]
    assert snapshot() == before


def test_api_refusals_closed_project_foreign_entry_and_member(api, world, leader, project):
    done = make_project(leader, world.village, title="Loa", status=Project.Status.DONE)
    response = api("team_leader").post(f"/projects/{done.pk}/contributions", {
        "entry_on": str(yesterday()), "giver": "anonymous", "display": "anonymous", "money_vnd": 1000})
    assert (response.status_code, response.json()["code"]) == (400, "project_closed")
    foreign = give(leader, make_project(leader, world.village, title="Camera"))
    response = api("team_leader").post(f"/projects/{project.pk}/entries/{foreign.pk}/reverse", {"reason": "x"})
    assert (response.status_code, response.json()["code"]) == (400, "entry_other_project")
    response = api("team_member").post(f"/projects/{project.pk}/contributions", {
        "entry_on": str(yesterday()), "giver": "anonymous", "display": "anonymous", "money_vnd": 1000})
    assert (response.status_code, response.json()["code"]) == (403, "forbidden")
    assert LedgerEntry.objects.count() == 1


def test_anonymous_callers_are_told_to_log_in(api, project):
    assert api().get("/projects").status_code == 401


def test_unit_figures_are_answered_only_for_units_in_scope(api, world, leader, project):
    give(leader, project, giver=G.HOUSEHOLD, household=world.household, display=D.HOUSEHOLD_KEY, money_vnd=5000)
    rows = api("commune_officer").client.get("/api/v1/community/contributions?units=09784&units=VN&units=01")
    assert rows.status_code == 200
    assert rows.json() == [{"unit_code": "09784", "money_vnd": 5000, "labour_days": "0.0",
                            "contributing_households": 1, "projects_done": 0}]
