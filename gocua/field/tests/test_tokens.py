"""Device tokens: log-in, hashed storage, expiry, revocation, throttling and the audit log."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.accounts.services import account_set_active
from gocua.field import tokens
from gocua.field.models import DeviceToken
from gocua.field.tests.conftest import DeviceClient, issue


def _log_in(username, password=f.PASSWORD, **extra):
    payload = {"username": username, "password": password, "device_name": "Điện thoại của Hà", **extra}
    return DeviceClient(None).post("/auth/token", payload)


def test_a_device_logs_in_and_only_the_hash_of_its_token_is_stored(world):
    user = world.users["team_member"]
    response = _log_in(user.username)
    assert response.status_code == 201, response.content
    body = response.json()
    secret = body["token"]
    assert secret.startswith("gocua_") and body["user"]["username"] == user.username
    token = DeviceToken.objects.get(user=user)
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.name == "Điện thoại của Hà" and secret[6:14] == token.prefix
    assert not DeviceToken.objects.filter(key_hash=secret).exists()
    assert timezone.now() + dt.timedelta(days=29) < token.expires_at <= timezone.now() + dt.timedelta(days=30)
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN, actor=user).get()
    assert event.detail == {"via": "device_token", "token": token.pk}


def test_the_token_lifetime_is_configurable(world, settings):
    settings.GOCUA_DEVICE_TOKEN_DAYS = 7
    token = issue(world.users["team_member"]).token
    assert token.expires_at < timezone.now() + dt.timedelta(days=7, minutes=1)


def test_a_bearer_token_authenticates_api_requests(world, device_of):
    response = device_of("team_member").get("/me")
    assert response.status_code == 200
    assert response.json()["username"] == world.users["team_member"].username


def test_a_bearer_token_decides_even_next_to_a_session_cookie(world):
    client = DeviceClient("gocua_not-a-real-token")
    client.client.force_login(world.users["commune_officer"])
    response = client.get("/me")
    assert response.status_code == 401 and response.json()["code"] == "token_invalid"


def test_a_wrong_password_gets_no_token_and_is_audited(world):
    user = world.users["team_member"]
    response = _log_in(user.username, "wrong-password")
    assert response.status_code == 401 and response.json()["code"] == "login_failed"
    assert not DeviceToken.objects.exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.actor_username == user.username and "wrong-password" not in str(event.detail)


def test_repeated_failures_lock_the_account_even_for_the_right_password(world):
    user = world.users["team_member"]
    for _ in range(tokens.MAX_FAILURES_PER_ACCOUNT):
        assert _log_in(user.username, "guess").status_code == 401
    response = _log_in(user.username)
    assert response.status_code == 429 and response.json()["code"] == "too_many_attempts"
    assert not DeviceToken.objects.exists()
    assert _log_in(world.users["team_leader"].username).status_code == 201  # other accounts still log in


def test_failures_from_one_address_are_throttled_across_accounts(world, monkeypatch):
    monkeypatch.setattr(tokens, "MAX_FAILURES_PER_ADDRESS", 3)
    for name in ("a", "b", "c"):
        assert _log_in(f"nobody-{name}", "guess").status_code == 401
    response = _log_in(world.users["team_leader"].username)
    assert response.status_code == 429 and response.json()["code"] == "too_many_attempts"


def test_old_failures_no_longer_count(world):
    user = world.users["team_member"]
    for _ in range(tokens.MAX_FAILURES_PER_ACCOUNT):
        _log_in(user.username, "guess")
    tokens.LoginFailure.objects.update(at=timezone.now() - tokens.FAIL_WINDOW - dt.timedelta(seconds=1))
    assert _log_in(user.username).status_code == 201
    assert not tokens.LoginFailure.objects.filter(username=user.username).exists()


@pytest.mark.parametrize(
    ("change", "code"),
    [
        (lambda t: DeviceToken.objects.filter(pk=t.pk).update(expires_at=timezone.now()), "token_expired"),
        (lambda t: DeviceToken.objects.filter(pk=t.pk).update(revoked_at=timezone.now()), "token_revoked"),
        (lambda t: type(t.user).objects.filter(pk=t.user_id).update(must_change_password=True),
         "password_change_required"),
    ],
)
def test_a_dead_token_is_refused_with_its_own_code(world, change, code):
    issued = issue(world.users["team_member"])
    change(issued.token)
    response = DeviceClient(issued.secret).get("/me")
    assert response.status_code == 401 and response.json()["code"] == code


def test_deactivating_the_account_stops_its_tokens(world):
    issued = issue(world.users["team_member"])
    account_set_active(actor=world.users["team_leader"], user=world.users["team_member"], active=False)
    response = DeviceClient(issued.secret).get("/sync")
    assert response.status_code == 401 and response.json()["code"] == "account_inactive"


@pytest.mark.parametrize("header", ["Bearer gocua_unknown", "Bearer x" * 30, "Bearer abc"])
def test_an_unknown_token_is_refused(world, header):
    client = DeviceClient(None)
    response = client.client.get("/api/v1/me", HTTP_AUTHORIZATION=header)
    assert response.status_code == 401 and response.json()["code"] == "token_invalid"


def test_a_user_lists_and_revokes_their_devices(world):
    user = world.users["team_member"]
    phone, tablet = issue(user, "Điện thoại"), issue(user, "Máy tính bảng")
    client = DeviceClient(phone.secret)
    listed = client.get("/auth/tokens").json()
    assert [t["name"] for t in listed["items"]] == ["Máy tính bảng", "Điện thoại"]
    assert all("token" not in t and "key_hash" not in t for t in listed["items"])
    response = client.delete(f"/auth/tokens/{tablet.token.pk}")
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert DeviceClient(tablet.secret).get("/me").json()["code"] == "token_revoked"
    assert client.delete("/auth/token").status_code == 200  # log-out of this device
    assert DeviceClient(phone.secret).get("/me").status_code == 401


def test_a_leader_lists_and_revokes_a_members_device_and_it_is_audited(world):
    member, leader = world.users["team_member"], world.users["team_leader"]
    issued = issue(member)
    client = DeviceClient(issue(leader).secret)
    assert [t["id"] for t in client.get("/auth/tokens", user=member.pk).json()["items"]] == [issued.token.pk]
    assert client.delete(f"/auth/tokens/{issued.token.pk}").status_code == 200
    event = AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT).get()
    assert event.actor == leader and event.object_id == str(member.pk) and event.detail["by_manager"] is True


def test_a_member_cannot_see_or_revoke_someone_elses_devices(world):
    leader_token = issue(world.users["team_leader"]).token
    client = DeviceClient(issue(world.users["team_member"]).secret)
    assert client.get("/auth/tokens", user=world.users["team_leader"].pk).status_code == 404
    assert client.delete(f"/auth/tokens/{leader_token.pk}").status_code == 404
    leader_token.refresh_from_db()
    assert leader_token.revoked_at is None


def test_a_new_account_sets_its_password_from_the_device(world):
    user = world.users["team_member"]
    type(user).objects.filter(pk=user.pk).update(must_change_password=True)
    refused = _log_in(user.username)
    assert refused.status_code == 403 and refused.json()["code"] == "password_change_required"
    assert _log_in(user.username, new_password="short").json()["code"] == "password_weak"
    response = _log_in(user.username, new_password="rau-muong-xao-toi-9")
    assert response.status_code == 201
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("rau-muong-xao-toi-9")


def test_a_device_name_is_required(world):
    response = _log_in(world.users["team_member"].username, device_name="  ")
    assert response.status_code == 400 and response.json()["code"] == "device_name_required"
