"""The account list: accounts in the viewer's area below their role, filtered and paginated."""

import pytest
from django.urls import reverse

from gocua import testing as f
from gocua.accounts.models import Role

LIST = reverse("accounts:list")


def _usernames(response) -> set[str]:
    return {account.username for account in response.context["page"].object_list}


def test_a_commune_officer_sees_the_team_accounts_of_their_commune(world, client_as):
    elsewhere = f.make_user(Role.TEAM_MEMBER, world.other_commune_village)
    names = _usernames(client_as(world.users["commune_officer"]).get(LIST))
    assert names == {world.users["team_leader"].username, world.users["team_member"].username}
    assert elsewhere.username not in names


def test_a_province_officer_sees_officers_and_teams_of_the_province_only(world, client_as):
    names = _usernames(client_as(world.users["province_officer"]).get(LIST))
    assert names == {world.users[r].username for r in ("commune_officer", "team_leader", "team_member")}


def test_a_national_admin_sees_every_account(world, client_as):
    names = _usernames(client_as(world.users["national_admin"]).get(LIST))
    assert {u.username for u in world.users.values()} <= names


def test_a_leader_sees_the_member_accounts_of_their_village(world, client_as):
    names = _usernames(client_as(world.users["team_leader"]).get(LIST))
    assert names == {world.users["team_member"].username}


def test_a_team_member_may_not_see_the_list(world, client_as):
    assert client_as(world.users["team_member"]).get(LIST).status_code == 403


def test_it_filters_by_role_and_status(world, client_as):
    client = client_as(world.users["commune_officer"])
    world.users["team_member"].is_active = False
    world.users["team_member"].save(update_fields=["is_active"])
    assert _usernames(client.get(LIST, {"role": "team_leader"})) == {world.users["team_leader"].username}
    assert _usernames(client.get(LIST, {"active": "no"})) == {world.users["team_member"].username}
    assert _usernames(client.get(LIST, {"active": "yes"})) == {world.users["team_leader"].username}
    html = client.get(LIST, {"active": "no"}).content.decode()
    assert "Deactivated" in html and "Thôn Tháp Thượng" in html


def test_a_role_filter_outside_the_viewers_reach_shows_an_error_not_more_accounts(world, client_as):
    response = client_as(world.users["commune_officer"]).get(LIST, {"role": "national_admin"})
    assert response.status_code == 200 and 'class="error"' in response.content.decode()
    assert world.users["national_admin"].username not in _usernames(response)


def test_it_searches_user_names_and_full_names(world, client_as):
    f.make_user(Role.TEAM_MEMBER, world.village2, username="ha.tran", full_name="Trần Thu Hà")
    client = client_as(world.users["commune_officer"])
    assert _usernames(client.get(LIST, {"q": "Thu Hà"})) == {"ha.tran"}
    assert _usernames(client.get(LIST, {"q": "ha.tr"})) == {"ha.tran"}


def test_it_pages_through_the_accounts(world, client_as, settings):
    settings.GOCUA_PAGE_SIZE = 5
    for i in range(9):
        f.make_user(Role.TEAM_MEMBER, world.village2, username=f"tv-{i:02d}")
    client = client_as(world.users["commune_officer"])
    first, second = client.get(LIST, {"role": "team_member"}), client.get(LIST, {"role": "team_member", "page": 2})
    assert len(first.context["page"].object_list) == 5 and len(second.context["page"].object_list) == 5
    assert not _usernames(first) & _usernames(second)
    assert "role=team_member&amp;page=2" in first.content.decode()
    assert client.get(LIST, {"page": "zzz"}).status_code == 200


def _query_count(client) -> int:
    return f.get_counting(client, LIST)[1]


@pytest.mark.parametrize("role", ["national_admin", "commune_officer"])
def test_the_list_costs_the_same_queries_for_3_or_30_accounts(world, client_as, role):
    client = client_as(world.users[role])
    few = _query_count(client)
    for i in range(27):
        f.make_user(Role.TEAM_MEMBER, world.village2 if i % 2 else world.village)
    assert _query_count(client) == few <= 6
