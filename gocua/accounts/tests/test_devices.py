"""Logged-in devices: the page and the API where a user, or whoever manages them, logs devices out."""

import pytest
from django.urls import reverse

from gocua.accounts.models import AuditEvent
from gocua.field.models import DeviceToken
from gocua.field.tests.conftest import DeviceClient, issue


@pytest.fixture
def device_of(world):
    """Return a function giving a bearer-token client for a `world` role name or a user."""
    return lambda who: DeviceClient(issue(world.users[who] if isinstance(who, str) else who).secret)


def _live(user) -> int:
    return DeviceToken.objects.filter(user=user, revoked_at__isnull=True).count()


def test_a_user_sees_their_devices_with_name_and_last_use(world, client_as):
    member = world.users["team_member"]
    issued = issue(member, "Điện thoại của Hà")
    DeviceClient(issued.secret).get("/me")  # sets last use
    page = client_as(member).get(reverse("accounts:devices"))
    assert page.status_code == 200
    body = page.content.decode()
    assert "Điện thoại của Hà" in body and issued.token.prefix in body and "never" not in body


def test_a_user_logs_out_one_device_and_then_all_from_the_page(world, client_as):
    member = world.users["team_member"]
    phone, tablet, laptop = issue(member, "A"), issue(member, "B"), issue(member, "C")
    client = client_as(member)
    response = client.post(reverse("accounts:device_revoke", args=[phone.token.pk]))
    assert response.status_code == 302 and _live(member) == 2
    assert DeviceClient(phone.secret).get("/me").status_code == 401
    assert DeviceClient(tablet.secret).get("/me").status_code == 200
    client.post(reverse("accounts:device_revoke_all"))
    assert _live(member) == 0 and DeviceClient(laptop.secret).get("/me").status_code == 401
    event = AuditEvent.objects.get(action=AuditEvent.Action.DEVICES_REVOKED)
    assert event.actor == member and event.detail["reason"] == "by_owner"


def test_a_leader_logs_out_a_members_devices_in_their_team(world, client_as):
    member, leader = world.users["team_member"], world.users["team_leader"]
    issued = issue(member)
    client = client_as(leader)
    assert client.get(reverse("accounts:member_devices", args=[member.pk])).status_code == 200
    client.post(reverse("accounts:member_device_revoke_all", args=[member.pk]))
    assert DeviceClient(issued.secret).get("/me").status_code == 401
    event = AuditEvent.objects.get(action=AuditEvent.Action.DEVICES_REVOKED)
    assert event.actor == leader and event.object_id == str(member.pk) and event.detail["reason"] == "by_manager"


def test_an_officer_of_another_commune_gets_404_for_a_members_devices(world, client_as):
    member, outsider = world.users["team_member"], world.users["other_commune_officer"]
    issued = issue(member)
    client = client_as(outsider)
    assert client.get(reverse("accounts:member_devices", args=[member.pk])).status_code == 404
    assert client.post(reverse("accounts:member_device_revoke_all", args=[member.pk])).status_code == 404
    assert client.post(reverse("accounts:member_device_revoke", args=[member.pk, issued.token.pk])).status_code == 404
    assert _live(member) == 1


def test_a_member_cannot_reach_another_users_devices_page(world, client_as):
    leader_token = issue(world.users["team_leader"])
    client = client_as(world.users["team_member"])
    assert client.get(reverse("accounts:member_devices", args=[world.users["team_leader"].pk])).status_code == 404
    assert client.post(reverse("accounts:device_revoke", args=[leader_token.token.pk])).status_code == 404
    assert _live(world.users["team_leader"]) == 1


# --- API ------------------------------------------------------------------------------------------


def test_the_api_lists_and_revokes_ones_own_devices(world, device_of):
    member = world.users["team_member"]
    other = issue(member, "Máy tính bảng")
    client = device_of(member)
    listed = client.get("/accounts/devices")
    assert listed.status_code == 200
    assert {d["name"] for d in listed.json()["items"]} == {"Điện thoại thử", "Máy tính bảng"}
    response = client.post(f"/accounts/devices/{other.token.pk}/revoke", {})
    assert response.status_code == 200 and response.json()["revoked_at"] is not None
    assert DeviceClient(other.secret).get("/me").status_code == 401
    assert client.post("/accounts/devices/revoke-all", {}).json() == {"revoked": 1}
    assert client.get("/accounts/devices").status_code == 401  # its own token went too


def test_the_api_lets_a_leader_revoke_a_members_devices_but_not_an_outsider(world, device_of):
    member = world.users["team_member"]
    issued = issue(member)
    outsider = device_of("other_commune_officer")
    assert outsider.get("/accounts/devices", user=member.pk).status_code == 404
    assert outsider.post(f"/accounts/devices/{issued.token.pk}/revoke", {}).status_code == 404
    assert outsider.post("/accounts/devices/revoke-all", {"user": member.pk}).status_code == 404
    assert _live(member) == 1
    leader = device_of("team_leader")
    assert leader.get("/accounts/devices", user=member.pk).json()["count"] == 1
    assert leader.post("/accounts/devices/revoke-all", {"user": member.pk}).json() == {"revoked": 1}
    assert DeviceClient(issued.secret).get("/me").status_code == 401


def test_the_api_needs_a_log_in(db):
    assert DeviceClient(None).get("/accounts/devices").status_code == 401
    assert DeviceClient(None).post("/accounts/devices/revoke-all", {}).status_code == 401
