"""Account services and permission rules, called directly (as the API and commands do)."""

import pytest

from gocua import testing as f
from gocua.accounts import services
from gocua.accounts.models import Role, User
from gocua.accounts.permissions import can_manage_account, can_manage_user
from gocua.errors import DomainError, Forbidden


def test_a_commune_level_leader_manages_only_their_teams_unit(world):
    commune = f.unit("09784")
    team = f.make_team(commune, "Tổ CNSCĐ xã Đan Phượng")
    leader = f.make_user(Role.TEAM_LEADER, commune)
    f.make_member(team, role="leader", user=leader)
    assert can_manage_account(leader, role=Role.TEAM_MEMBER, scope_unit=commune)
    assert not can_manage_account(leader, role=Role.TEAM_MEMBER, scope_unit=world.village)


def test_a_leader_cannot_create_an_account_in_a_village_of_their_commune(world):
    commune = f.unit("09784")
    team = f.make_team(commune, "Tổ CNSCĐ xã Đan Phượng")
    leader = f.make_user(Role.TEAM_LEADER, commune)
    f.make_member(team, role="leader", user=leader)
    spare = f.make_member(team, full_name="Lê Văn Mới")
    with pytest.raises(Forbidden):
        services.account_create(
            actor=leader, username="moi", password="tam-thoi-2025", role=Role.TEAM_MEMBER,
            scope_unit=world.village, member=spare,
        )
    assert not User.objects.filter(username="moi").exists()


def test_nobody_manages_their_own_account(world):
    for user in world.users.values():
        assert not can_manage_user(user, user)


def test_an_officer_account_is_never_linked_to_a_team_member(world):
    spare = f.make_member(world.team, full_name="Lê Văn Mới")
    with pytest.raises(DomainError) as exc:
        services.account_create(
            actor=world.users["province_officer"], username="moi", password="tam-thoi-2025",
            role=Role.COMMUNE_OFFICER, scope_unit=f.unit("09784"), member=spare,
        )
    assert exc.value.code == "member_role"
    spare.refresh_from_db()
    assert spare.user is None


def test_a_role_change_to_an_unknown_role_is_refused(world):
    with pytest.raises(DomainError) as exc:
        services.account_change_role(
            actor=world.users["commune_officer"], user=world.users["team_member"], role="king",
            scope_unit=world.village,
        )
    assert exc.value.code == "role_invalid"


@pytest.mark.django_db
def test_createsuperuser_makes_a_national_admin_scoped_to_the_nation():
    from django.core.management import call_command

    from gocua.accounts.models import Role, User

    call_command("createsuperuser", username="root-admin", email="", interactive=False, verbosity=0)
    user = User.objects.get(username="root-admin")
    assert user.role == Role.NATIONAL_ADMIN
    assert user.scope_unit.code == "VN"
    assert user.is_superuser and user.is_staff
