"""The registry API does what the pages do: villages, teams and members, household and resident edits and moves."""

import json

import pytest

from gocua import testing as f
from gocua.households.models import Household, HouseholdMove, Resident, ResidentMove
from gocua.places.models import Unit
from gocua.teams.models import Member, Team
from gocua.testing import ApiClient


def _as(world, who) -> ApiClient:
    return ApiClient(world.users[who])


def test_a_commune_officer_creates_and_renames_a_village(world):
    client = _as(world, "commune_officer")
    response = client.post("/units/09784/villages", {"name": "Thôn Đại Phùng", "kind": "thon"})
    assert response.status_code == 201, response.content
    code = response.json()["code"]
    assert Unit.objects.get(code=code).name == "Thôn Đại Phùng"
    renamed = client.patch(f"/units/{code}", {"name": "Thôn Đại Phùng Mới"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Thôn Đại Phùng Mới"


def test_a_team_leader_cannot_create_a_village(world):
    response = _as(world, "team_leader").post("/units/09784/villages", {"name": "Thôn X", "kind": "thon"})
    assert response.status_code == 404  # the commune is outside a village leader's area


def test_an_officer_creates_a_team_and_adds_and_edits_a_member(world):
    client = _as(world, "commune_officer")
    created = client.post("/teams", {"unit": world.village2.code, "name": "Tổ CNSCĐ thôn Tháp Hạ",
                                     "founded_on": "2024-05-01"})
    assert created.status_code == 201, created.content
    team_id = created.json()["id"]
    member = client.post(f"/teams/{team_id}/members", {"full_name": "Lê Thị Nga", "role": "deputy",
                                                       "strengths": ["youth_union"], "joined_on": "2024-05-01"})
    assert member.status_code == 201 and member.json()["role"] == "deputy"
    member_id = member.json()["id"]
    left = client.patch(f"/members/{member_id}", {"left_on": f.today().isoformat()})
    assert left.status_code == 200
    saved = Member.objects.get(pk=member_id)
    assert (saved.full_name, saved.left_on, saved.strengths) == ("Lê Thị Nga", f.today(), ["youth_union"])
    patched = client.patch(f"/teams/{team_id}", {"is_active": False})
    assert patched.status_code == 200 and Team.objects.get(pk=team_id).name == "Tổ CNSCĐ thôn Tháp Hạ"
    assert not Team.objects.get(pk=team_id).is_active


def test_a_member_cannot_change_their_team(world):
    response = _as(world, "team_member").patch(f"/teams/{world.team.pk}", {"name": "Đổi tên"})
    assert response.status_code == 403 and Team.objects.get(pk=world.team.pk).name == world.team.name


def test_a_member_outside_the_area_is_not_found(world):
    other_team = f.make_team(world.other_province_village)
    stranger = f.make_member(other_team, full_name="Người Huế")
    assert _as(world, "commune_officer").get(f"/members/{stranger.pk}").status_code == 404


def test_a_household_is_edited_moved_and_given_a_head(world):
    client = _as(world, "team_leader")
    edited = client.patch(f"/households/{world.household.pk}", {"address_line": "Ngõ 9"})
    assert edited.status_code == 200 and edited.json()["household_key"] == "TT-001"
    wife = f.make_resident(world.household, full_name="Trần Thị Mơ", gender="female", relation="wife")
    head = client.client.put(
        f"/api/v1/households/{world.household.pk}/head", json.dumps({"resident": wife.pk}),
        content_type="application/json",
    )
    assert head.status_code == 200 and head.json()["head_name"] == "Trần Thị Mơ"
    officer = _as(world, "commune_officer")
    moved = officer.post(f"/households/{world.household.pk}/move", {"village": world.village2.code, "moved_on": f.today().isoformat()})
    assert moved.status_code == 200 and moved.json()["village_code"] == world.village2.code
    assert HouseholdMove.objects.get().to_village == world.village2
    assert Household.objects.get(pk=world.household.pk).address_line == "Ngõ 9"


def test_a_resident_is_edited_without_losing_the_citizen_id_and_moved(world):
    client = _as(world, "commune_officer")
    edited = client.patch(f"/residents/{world.resident.pk}", {"phone": "0912345678", "status": "away"})
    assert edited.status_code == 200, edited.content
    resident = Resident.objects.get(pk=world.resident.pk)
    assert (resident.phone, resident.status, resident.full_name) == ("0912345678", "away", "Nguyễn Văn Trường")
    assert resident.citizen_id_masked  # kept
    other = f.make_household(world.village, "TT-002")
    moved = client.post(f"/residents/{world.resident.pk}/move", {"household": other.pk, "moved_on": f.today().isoformat()})
    assert moved.status_code == 200 and ResidentMove.objects.get().to_household == other


@pytest.mark.parametrize(
    ("path", "payload", "status", "code"),
    [
        ("/residents/{r}", {"birth_year": 1700}, 400, "birth_year_impossible"),
        ("/residents/{r}", {"nickname": "Tí"}, 422, "invalid_input"),
        ("/households/{h}", {"household_key": ""}, 400, "household_key_required"),
        ("/residents/{r}/move", {"household": 10**12, "moved_on": f.today().isoformat()}, 404, "not_found"),
    ],
)
def test_refused_edits_change_nothing(world, path, payload, status, code):
    before = Resident.objects.get(pk=world.resident.pk).birth_year, Household.objects.get(pk=world.household.pk).household_key
    url = path.format(r=world.resident.pk, h=world.household.pk)
    client = _as(world, "commune_officer")
    response = client.patch(url, payload) if not url.endswith("move") else client.post(url, payload)
    assert response.status_code == status and response.json()["code"] == code
    after = Resident.objects.get(pk=world.resident.pk).birth_year, Household.objects.get(pk=world.household.pk).household_key
    assert after == before


def test_a_null_in_a_patch_keeps_the_value_unless_the_field_may_be_empty(world):
    client = _as(world, "commune_officer")
    assert client.patch(f"/teams/{world.team.pk}", {"is_active": None, "name": None}).status_code == 200
    team = Team.objects.get(pk=world.team.pk)
    assert team.is_active and team.name == world.team.name
    member = world.team.members.get(user=world.users["team_member"])
    client.patch(f"/members/{member.pk}", {"left_on": f.today().isoformat()})
    assert client.patch(f"/members/{member.pk}", {"left_on": None}).status_code == 200
    assert Member.objects.get(pk=member.pk).left_on is None
