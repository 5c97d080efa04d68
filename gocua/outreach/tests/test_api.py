import uuid

import pytest
from django.test import Client
from django.utils import timezone

from gocua import testing as f
from gocua.households.digital import Tri
from gocua.households.models import Assignment, IndicatorChange
from gocua.outreach.models import CommunitySession, Visit
from gocua.outreach.services.assignments import assignment_bulk
from gocua.outreach.tests.factories import checked, copies_disagreeing, outcome, record


@pytest.fixture
def api(world):
    return lambda role="team_member": f.ApiClient(world.users[role], prefix="/api/v1/outreach")


def _visit_body(world, items, **extra):
    body = {
        "uuid": str(uuid.uuid4()), "household": world.household.pk, "visited_on": timezone.localdate().isoformat(),
        "members": [world.users["team_member"].member.pk],
        "residents": [{"resident": world.resident.pk, "outcomes": [{"item": items["vneid"].pk, "outcome": "done"}]}],
    }
    body.update(extra)
    return body


def test_it_records_a_visit_and_replays_the_same_uuid(api, world, items):
    client, body = api(), _visit_body(world, items)
    first = client.send("post", "/visits", body)
    assert first.status_code == 201, first.content
    assert first.json()["residents"][0]["outcomes"][0]["item_code"] == "vneid"
    again = client.send("post", "/visits", body)
    assert again.status_code == 200 and again.json()["uuid"] == first.json()["uuid"]
    assert Visit.objects.count() == 1
    world.resident.refresh_from_db()
    assert world.resident.vneid_level2 == Tri.YES
    assert copies_disagreeing() == []


def test_a_visit_to_a_foreign_household_is_404_like_a_missing_one(api, world, items):
    foreign = _visit_body(world, items, household=world.other_household.pk,
                          residents=[{"resident": world.other_resident.pk}])
    missing = _visit_body(world, items, household=world.other_household.pk + 10_000,
                          residents=[{"resident": world.other_resident.pk}])
    answers = [api().send("post", "/visits", body) for body in (foreign, missing)]
    # Same status and body: the answer must not tell that the foreign household exists.
    assert [(r.status_code, r.json()) for r in answers] == [(404, answers[1].json())] * 2
    assert answers[0].json()["code"] == "not_found"
    assert not Visit.objects.exists()


def test_bad_visit_input_answers_a_coded_error(api, world, items):
    tomorrow = (timezone.localdate() + timezone.timedelta(days=1)).isoformat()
    response = api().send("post", "/visits", _visit_body(world, items, visited_on=tomorrow))
    assert response.status_code == 400 and response.json()["code"] == "date_in_future"
    response = api().send("post", "/visits", _visit_body(world, items, members=[]))
    assert response.status_code == 422


def test_visit_list_and_detail_are_scoped(api, world, items):
    visit = record(world.users["team_member"], world.household, [checked(world.resident)])
    mine = api().get("/visits").json()
    assert mine["count"] == 1 and mine["items"][0]["uuid"] == str(visit.uuid)
    assert api("other_commune_officer").get("/visits").json()["count"] == 0
    assert api("other_commune_officer").get(f"/visits/{visit.uuid}").status_code == 404
    assert api("commune_officer").get(f"/visits/{visit.uuid}").status_code == 200


def test_correct_and_delete_through_the_api(api, world, items):
    visit = record(world.users["team_member"], world.household, [checked(world.resident, outcome(items["vneid"]))])
    body = {"visited_on": visit.visited_on.isoformat(), "members": [world.users["team_member"].member.pk],
            "residents": [{"resident": world.resident.pk,
                           "outcomes": [{"item": items["vneid"].pk, "outcome": "partly"}]}],
            "reason": "not activated yet"}
    corrected = api().send("put", f"/visits/{visit.uuid}", body)
    assert corrected.status_code == 200 and corrected.json()["revisions"][0]["reason"] == "not activated yet"
    assert copies_disagreeing() == []
    deleted = api().send("delete", f"/visits/{visit.uuid}", reason="duplicate")
    assert deleted.status_code == 200 and deleted.json()["deleted"] is True
    assert api("team_leader").send("delete", f"/visits/{visit.uuid}", reason="again").status_code == 400
    world.resident.refresh_from_db()
    assert world.resident.vneid_level2 == Tri.UNKNOWN
    assert IndicatorChange.objects.filter(source_ref=str(visit.uuid)).count() == 2


def test_work_list_gives_reasons(api, world, items):
    assignment_bulk(actor=world.users["team_leader"], team=world.team, households=[world.household],
                    member=world.users["team_member"].member)
    page = api().get("/work-list").json()
    assert page["count"] == 1
    assert page["items"][0]["need"] == "never_visited" and page["items"][0]["reasons"][0] == "Never visited"


def test_left_behind_for_the_commune_officer(api, world, items):
    f.make_resident(world.household, full_name="Lê Văn Nghèo", relation="child", birth_year=1990,
                    indicators={"smartphone": Tri.NO})
    page = api("commune_officer").get("/left-behind", indicator="smartphone").json()
    assert page["count"] == 1 and page["counts"]["smartphone"] == 1
    assert page["items"][0]["residents_lacking"][0]["lacks"] == ["smartphone"]
    assert api("commune_officer").get("/left-behind", unit="19774").status_code == 404
    assert api("commune_officer").get("/left-behind", indicator="nonsense").status_code == 422


def test_assignments_by_leader_not_by_member(api, world, items):
    body = {"team": world.team.pk, "households": [world.household.pk], "member": world.users["team_member"].member.pk}
    assert api().send("post", "/assignments", body).status_code == 403
    response = api("team_leader").send("post", "/assignments", body)
    assert response.status_code == 200 and response.json() == {"count": 1}
    listed = api("team_leader").get("/assignments", team=world.team.pk).json()
    assert listed["items"][0]["household_key"] == "TT-001"
    removed = api("team_leader").send("post", "/assignments/remove",
                                      {"team": world.team.pk, "households": [world.household.pk]})
    assert removed.json() == {"count": 1} and not Assignment.objects.exists()


def test_set_the_members_of_one_household(api, world):
    leader, member = world.users["team_leader"].member, world.users["team_member"].member
    response = api("team_leader").send("put", f"/households/{world.household.pk}/assignments",
                                       {"team": world.team.pk, "members": [leader.pk, member.pk]})
    assert response.status_code == 200 and len(response.json()) == 2
    api("team_leader").send("put", f"/households/{world.household.pk}/assignments",
                            {"team": world.team.pk, "members": [member.pk]})
    assert list(Assignment.objects.values_list("member_id", flat=True)) == [member.pk]


def test_sessions_through_the_api(api, world, items):
    body = {"uuid": str(uuid.uuid4()), "team": world.team.pk, "held_on": timezone.localdate().isoformat(),
            "place": "Nhà văn hoá thôn", "topics": [items["scams"].pk],
            "members": [world.users["team_member"].member.pk], "attendees": [world.resident.pk],
            "unregistered_count": 12}
    created = api().send("post", "/sessions", body)
    assert created.status_code == 201, created.content
    assert api().send("post", "/sessions", body).status_code == 200
    assert CommunitySession.objects.count() == 1
    assert api().get("/sessions").json()["items"][0]["unregistered_count"] == 12
    assert api("other_commune_officer").get(f"/sessions/{body['uuid']}").status_code == 404


def test_team_progress_and_catalogue(api, world, items):
    record(world.users["team_member"], world.household, [checked(world.resident)])
    progress = api("team_leader").get(f"/teams/{world.team.pk}/progress").json()
    assert progress["covered"] == 1 and progress["households"] == 1 and progress["residents_checked"] == 1
    catalogue = api().get("/catalogue").json()
    assert len(catalogue) == 9 and catalogue[0]["howto_steps"]


def test_the_outreach_endpoints_are_in_the_openapi_schema(world):
    spec = Client().get("/api/v1/openapi.json").json()
    for path, method in [("/api/v1/outreach/visits", "post"), ("/api/v1/outreach/visits/{uuid}", "put"),
                         ("/api/v1/outreach/left-behind", "get"), ("/api/v1/outreach/work-list", "get"),
                         ("/api/v1/outreach/assignments", "post"), ("/api/v1/outreach/sessions", "post"),
                         ("/api/v1/outreach/teams/{id}/progress", "get")]:
        operation = spec["paths"][path][method]
        assert "403" in operation["responses"] and "422" in operation["responses"]
    assert "VisitIn" in spec["components"]["schemas"]
