"""The create-account page: role first, then an area at the right level, then the details."""

from django.urls import reverse

from gocua import testing as f
from gocua.accounts.models import Role, User

CREATE = reverse("accounts:create")


def _post(client, **data):
    base = {"username": "moi.tao", "full_name": "Người Mới", "password": "tam-thoi-2025"}
    return client.post(CREATE, {**base, **data})


def test_it_asks_an_officer_for_the_role_first(world, client_as):
    response = client_as(world.users["commune_officer"]).get(CREATE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'href="?role=team_leader"' in html and 'href="?role=team_member"' in html
    assert "?role=commune_officer" not in html
    assert 'name="username"' not in html


def test_it_offers_a_commune_officer_only_units_of_their_commune(world, client_as):
    html = client_as(world.users["commune_officer"]).get(CREATE, {"role": "team_member"}).content.decode()
    assert f'value="{world.village.code}"' in html and f'value="{world.village2.code}"' in html
    assert 'value="09784"' in html
    assert f'value="{world.other_commune_village.code}"' not in html
    assert f'value="{world.other_province_village.code}"' not in html


def test_it_offers_a_province_officer_the_communes_of_their_province(world, client_as):
    html = client_as(world.users["province_officer"]).get(CREATE, {"role": "commune_officer"}).content.decode()
    assert '<option value="09784">Xã Đan Phượng</option>' in html
    assert 'value="00004"' in html and 'value="19774"' not in html
    assert f'value="{world.village.code}"' not in html  # villages are not a commune officer's level
    assert 'name="member"' not in html


def test_it_asks_a_national_admin_to_type_the_code_when_the_list_is_too_long(world, client_as):
    client = client_as(world.users["national_admin"])
    html = client.get(CREATE, {"role": "commune_officer"}).content.decode()
    assert '<input type="text" name="scope_unit"' in html and "<option value=\"09784\"" not in html
    response = _post(client, role="commune_officer", scope_unit="19774")
    assert response.status_code == 302
    assert User.objects.get(username="moi.tao").scope_unit.code == "19774"


def test_it_rejects_a_unit_at_the_wrong_level(world, client_as):
    response = _post(client_as(world.users["province_officer"]), role="commune_officer", scope_unit=world.village.code)
    assert response.status_code == 400
    assert "Choose a unit in your area" in response.content.decode()
    assert not User.objects.filter(username="moi.tao").exists()


def test_it_takes_a_team_leader_straight_to_the_form_for_their_team(world, client_as):
    spare = f.make_member(world.team, full_name="Lê Văn Mới")
    html = client_as(world.users["team_leader"]).get(CREATE).content.decode()
    assert 'name="username"' in html and 'name="role" value="team_member"' in html
    assert f'<option value="{spare.pk}">' in html
    assert f'<option value="{world.village.code}" selected>' in html and f'value="{world.village2.code}"' not in html


def test_a_leader_must_link_the_account_to_a_member_of_their_team(world, client_as):
    response = _post(client_as(world.users["team_leader"]), role="team_member", scope_unit=world.village.code)
    assert response.status_code == 400
    assert not User.objects.filter(username="moi.tao").exists()


def test_a_leader_cannot_give_an_account_to_another_teams_member(world, client_as):
    other_team = f.make_team(world.village, "Tổ CNSCĐ số 2")
    stranger = f.make_member(other_team, full_name="Phạm Văn Khác")
    response = _post(
        client_as(world.users["team_leader"]), role="team_member", scope_unit=world.village.code, member=stranger.pk
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="moi.tao").exists()
    stranger.refresh_from_db()
    assert stranger.user is None


def test_a_leader_without_a_team_cannot_create_accounts(world, client_as):
    lone_leader = f.make_user(Role.TEAM_LEADER, world.village)
    spare = f.make_member(world.team, full_name="Lê Văn Mới")
    response = _post(client_as(lone_leader), role="team_member", scope_unit=world.village.code, member=spare.pk)
    assert response.status_code == 400
    assert not User.objects.filter(username="moi.tao").exists()


def test_a_commune_officer_may_link_a_member_of_any_team_in_the_commune(world, client_as):
    team2 = f.make_team(world.village2)
    member = f.make_member(team2, full_name="Đỗ Thị Hai")
    response = _post(
        client_as(world.users["commune_officer"]), role="team_leader", scope_unit=world.village2.code, member=member.pk
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert member.user.username == "moi.tao" and member.user.role == Role.TEAM_LEADER


def test_it_refuses_a_member_of_a_team_at_another_unit(world, client_as):
    member = f.make_member(world.team, full_name="Lê Văn Mới")  # team of Tháp Thượng
    response = _post(
        client_as(world.users["commune_officer"]), role="team_member", scope_unit=world.village2.code, member=member.pk
    )
    assert response.status_code == 400
    assert "another team" in response.content.decode()
    assert not User.objects.filter(username="moi.tao").exists()


def test_it_shows_a_taken_user_name_in_place(world, client_as):
    taken = world.users["team_member"].username
    response = _post(
        client_as(world.users["commune_officer"]), role="team_member", scope_unit=world.village.code, username=taken
    )
    assert response.status_code == 400
    assert "This user name is taken." in response.content.decode()
    assert User.objects.filter(username=taken).count() == 1


def test_it_refuses_a_weak_temporary_password(world, client_as):
    response = _post(
        client_as(world.users["commune_officer"]), role="team_member", scope_unit=world.village.code, password="12345678"
    )
    assert response.status_code == 400
    assert not User.objects.filter(username="moi.tao").exists()


def test_it_refuses_a_forged_role_without_a_500(world, client_as):
    response = _post(client_as(world.users["commune_officer"]), role="emperor", scope_unit="09784")
    assert response.status_code == 400
    assert "Choose a role first." in response.content.decode()
