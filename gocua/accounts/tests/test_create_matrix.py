"""Who may create which account where: every creator role × target role × inside/outside."""

import pytest
from django.urls import reverse

from gocua import testing as f
from gocua.accounts.models import AuditEvent, Role, User
from gocua.accounts.tests.conftest import IP

CREATORS = [r.value for r in Role]
TARGETS = [r.value for r in Role]
TEAM_ROLES = (Role.TEAM_LEADER, Role.TEAM_MEMBER)

# What each creator may create inside their own area. Outside it, only national admins
# (whose area is the whole country) may create anything.
ALLOWED_INSIDE = {
    Role.NATIONAL_ADMIN: set(TARGETS),
    Role.PROVINCE_OFFICER: {Role.COMMUNE_OFFICER, Role.TEAM_LEADER, Role.TEAM_MEMBER},
    Role.COMMUNE_OFFICER: {Role.TEAM_LEADER, Role.TEAM_MEMBER},
    Role.TEAM_LEADER: {Role.TEAM_MEMBER},
    Role.TEAM_MEMBER: set(),
}


def _target_place(world, target: str, where: str):
    """Return (unit, member to link) for an account with role `target` inside Đan Phượng or in Huế."""
    inside = where == "inside"
    if target == Role.NATIONAL_ADMIN:
        return f.unit("VN"), None
    if target == Role.PROVINCE_OFFICER:
        return f.unit("01" if inside else "46"), None
    if target == Role.COMMUNE_OFFICER:
        return f.unit("09784" if inside else "19774"), None
    if inside:
        return world.village, f.make_member(world.team, full_name="Lê Văn Mới")
    team = f.make_team(world.other_province_village)
    return world.other_province_village, f.make_member(team, full_name="Hồ Thị Xa")


@pytest.mark.parametrize("where", ["inside", "outside"])
@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("creator", CREATORS)
def test_account_creation_follows_the_role_matrix(world, client_as, creator, target, where):
    unit, member = _target_place(world, target, where)
    data = {"role": target, "scope_unit": unit.code, "username": "moi.tao", "full_name": "Người Mới",
            "password": "tam-thoi-2025"}
    if member is not None:
        data["member"] = member.pk
    response = client_as(world.users[creator]).post(reverse("accounts:create"), data)

    allowed = target in ALLOWED_INSIDE[creator] and (where == "inside" or creator == Role.NATIONAL_ADMIN)
    created = User.objects.filter(username="moi.tao").first()
    if allowed:
        assert response.status_code == 302
        assert created is not None and created.role == target and created.scope_unit == unit
        assert created.must_change_password and created.check_password("tam-thoi-2025")
        event = AuditEvent.objects.get(action=AuditEvent.Action.ACCOUNT_CREATED, object_id=str(created.pk))
        assert event.actor == world.users[creator] and event.ip == IP
        if member is not None:
            member.refresh_from_db()
            assert member.user == created
    else:
        assert response.status_code == (403 if creator == Role.TEAM_MEMBER else 400)
        assert created is None
        assert not AuditEvent.objects.filter(action=AuditEvent.Action.ACCOUNT_CREATED).exists()
        if member is not None:
            member.refresh_from_db()
            assert member.user is None
