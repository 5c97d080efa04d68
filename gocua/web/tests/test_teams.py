import pytest
from django.urls import reverse

from gocua import testing as f
from gocua.teams.models import Member, Team

pytestmark = pytest.mark.django_db

MEMBER = {
    "full_name": "Lê Văn Hùng",
    "phone": "0912 345 678",
    "role": "member",
    "strengths": ["youth_union"],
    "joined_on": "2024-05-01",
    "left_on": "",
}


def team_url(team, name: str = "web:team") -> str:
    return reverse(name, args=[team.pk])


def test_team_page_lists_members_with_dates_and_strengths(world, login):
    f.make_member(
        world.team, full_name="Cựu Thành Viên", strengths=["elderly"], left_on=world.team.founded_on
    )
    response = login("team_member").get(team_url(world.team))
    body = response.content.decode()
    for text in (
        "Tổ CNSCĐ thôn Tháp Thượng",
        "Bùi Văn Trường",
        "Trần Thu Hà",
        "Cựu Thành Viên",
        "Elderly",
        "Leader",
    ):
        assert text in body
    members = list(response.context["page_obj"])
    assert members[0].full_name == "Bùi Văn Trường" and members[-1].full_name == "Cựu Thành Viên"


def test_teams_outside_the_scope_are_not_found(world, login):
    huế_team = f.make_team(world.other_province_village)
    client = login("commune_officer")
    assert client.get(team_url(huế_team)).status_code == 404
    assert client.get(team_url(huế_team, "web:member_create")).status_code == 404
    assert client.get(reverse("web:team_create", args=[world.other_province_village.code])).status_code == 404


def test_officer_creates_village_and_commune_teams(world, login):
    client = login("commune_officer")
    data = {"name": "Tổ CNSCĐ thôn Tháp Hạ", "founded_on": "2024-01-15", "is_active": "on"}
    response = client.post(reverse("web:team_create", args=[world.village2.code]), data)
    team = Team.objects.get(unit=world.village2)
    assert response.status_code == 302 and response.url == team_url(team)
    assert team.village_code == world.village2.code and team.is_active
    client.post(reverse("web:team_create", args=["09784"]), {**data, "name": "Tổ CNSCĐ xã"})
    assert Team.objects.get(name="Tổ CNSCĐ xã").village_code == ""


def test_team_create_shows_errors_and_saves_nothing(world, login):
    url = reverse("web:team_create", args=[world.village2.code])
    response = login("commune_officer").post(url, {"name": "Tổ mới", "founded_on": "2999-01-01"})
    assert response.status_code == 400
    assert response.context["form"].errors["founded_on"] == ["The date cannot be in the future."]
    assert not Team.objects.filter(unit=world.village2).exists()


@pytest.mark.parametrize("role", ["team_leader", "team_member"])
def test_field_roles_cannot_create_teams(world, login, role):
    url = reverse("web:team_create", args=[world.village.code])
    client = login(role)
    assert client.get(url).status_code == 403
    assert client.post(url, {"name": "Tổ hai", "founded_on": "2024-01-01"}).status_code == 403
    assert Team.objects.filter(unit=world.village).count() == 1


def test_leader_edits_only_their_own_team(world, login):
    other = f.make_team(world.village, "Tổ CNSCĐ số 2")
    client = login("team_leader")
    data = {"name": "Tổ CNSCĐ Tháp Thượng", "founded_on": "2023-03-01", "is_active": "on"}
    assert client.post(team_url(world.team, "web:team_edit"), data).status_code == 302
    assert Team.objects.get(pk=world.team.pk).name == "Tổ CNSCĐ Tháp Thượng"
    assert client.post(team_url(other, "web:team_edit"), data).status_code == 403
    assert client.post(team_url(other, "web:member_create"), MEMBER).status_code == 403
    assert Team.objects.get(pk=other.pk).name == "Tổ CNSCĐ số 2"
    assert "Edit team" not in client.get(team_url(other)).content.decode()


def test_leader_adds_a_member_to_their_team(world, login):
    response = login("team_leader").post(team_url(world.team, "web:member_create"), MEMBER)
    assert response.status_code == 302
    member = Member.objects.get(full_name="Lê Văn Hùng")
    assert member.team == world.team and member.phone == "0912345678" and member.strengths == ["youth_union"]


def test_member_create_refuses_a_bad_phone_and_saves_nothing(world, login):
    response = login("team_leader").post(
        team_url(world.team, "web:member_create"), {**MEMBER, "phone": "123"}
    )
    assert response.status_code == 400
    assert response.context["form"].errors["phone"] == ["This is not a valid Vietnamese phone number."]
    assert not Member.objects.filter(full_name="Lê Văn Hùng").exists()


def test_team_members_cannot_change_the_team(world, login):
    client = login("team_member")
    assert client.post(team_url(world.team, "web:member_create"), MEMBER).status_code == 403
    member = world.team.members.get(full_name="Trần Thu Hà")
    assert client.get(reverse("web:member_edit", args=[member.pk])).status_code == 403
    assert not Member.objects.filter(full_name="Lê Văn Hùng").exists()


def test_member_edit_records_that_a_member_left(world, login):
    member = world.team.members.get(full_name="Trần Thu Hà")
    data = {**MEMBER, "full_name": "Trần Thu Hà", "joined_on": "2023-03-01", "left_on": "2024-06-30"}
    response = login("commune_officer").post(reverse("web:member_edit", args=[member.pk]), data)
    assert response.status_code == 302
    member.refresh_from_db()
    assert str(member.left_on) == "2024-06-30"
    bad = login("commune_officer").post(
        reverse("web:member_edit", args=[member.pk]), {**data, "left_on": "2020-01-01"}
    )
    assert bad.context["form"].errors["left_on"] == ["The leaving date is before the joining date."]
    member.refresh_from_db()
    assert str(member.left_on) == "2024-06-30"


def test_team_page_queries_do_not_grow_with_members(world, login, count_queries, django_assert_num_queries):
    client = login("commune_officer")
    _, few = count_queries(client, team_url(world.team))
    for i in range(20):
        f.make_member(world.team, full_name=f"Thành Viên {i}", strengths=["it_trained"])
    with django_assert_num_queries(few):
        client.get(team_url(world.team))
