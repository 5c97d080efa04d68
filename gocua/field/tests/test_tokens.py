"""Device tokens: log-in, hashed storage, expiry, revocation, throttling and the audit log."""

import datetime as dt
import hashlib

import pytest
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.accounts.services import account_reset_password, account_set_active, password_change
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


def _log_in_from(ip, username, password=f.PASSWORD):
    payload = {"username": username, "password": password, "device_name": "Điện thoại của Hà"}
    return DeviceClient(None).post("/auth/token", payload, REMOTE_ADDR=ip)


def test_repeated_failures_lock_the_account_even_for_the_right_password(world, settings):
    user = world.users["team_member"]
    limit = settings.GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS
    for _ in range(limit - 1):
        assert _log_in(user.username, "guess").status_code == 401
    locking = _log_in(user.username, "guess")  # the failure that reaches the limit already answers 429
    assert locking.status_code == 429
    response = _log_in(user.username)
    assert response.status_code == 429 and response.json()["code"] == "too_many_attempts"
    assert 0 < int(response["Retry-After"]) <= settings.AXES_COOLOFF_TIME.total_seconds() + 1
    assert not DeviceToken.objects.exists()
    assert _log_in(world.users["team_leader"].username).status_code == 201  # other accounts still log in


def test_failures_from_one_address_are_throttled_across_accounts(world, settings):
    settings.GOCUA_LOGIN_FAILURES_PER_ADDRESS = 3
    for name in ("a", "b", "c"):
        _log_in_from("198.51.100.9", f"nobody-{name}", "guess")
    response = _log_in_from("198.51.100.9", world.users["team_leader"].username)
    assert response.status_code == 429 and response.json()["code"] == "too_many_attempts"
    assert _log_in_from("198.51.100.10", world.users["team_leader"].username).status_code == 201


def test_old_failures_no_longer_count(world, settings):
    from axes.models import AccessAttempt

    user = world.users["team_member"]
    for _ in range(settings.GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS):
        _log_in(user.username, "guess")
    assert _log_in(user.username).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
    assert _log_in(user.username).status_code == 201


def test_a_token_dies_with_a_password_reset_even_after_the_new_password_is_chosen(world):
    member, leader = world.users["team_member"], world.users["team_leader"]
    issued = issue(member)
    account_reset_password(actor=leader, user=member, new_password="tam-thoi-2026")
    password_change(user=member, old_password="tam-thoi-2026", new_password="mat-khau-moi-2026")
    response = DeviceClient(issued.secret).get("/me")
    assert response.status_code == 401 and response.json()["code"] == "token_revoked"
    event = AuditEvent.objects.get(action=AuditEvent.Action.DEVICES_REVOKED)
    assert event.actor == leader and event.detail == {"tokens": [issued.token.pk], "reason": "password_reset"}


def test_a_token_dies_when_its_owner_changes_the_password(world):
    member = world.users["team_member"]
    phone, tablet = issue(member, "Điện thoại"), issue(member, "Máy tính bảng")
    password_change(user=member, old_password=f.PASSWORD, new_password="mat-khau-moi-2026")
    for issued in (phone, tablet):
        assert DeviceClient(issued.secret).get("/me").status_code == 401
    assert DeviceToken.objects.filter(user=member, revoked_at__isnull=True).count() == 0


def test_a_reactivated_account_does_not_revive_its_old_tokens(world):
    member, leader = world.users["team_member"], world.users["team_leader"]
    issued = issue(member)
    account_set_active(actor=leader, user=member, active=False)
    account_set_active(actor=leader, user=member, active=True)
    response = DeviceClient(issued.secret).get("/me")
    assert response.status_code == 401 and response.json()["code"] == "token_revoked"
    assert DeviceClient(issue(member).secret).get("/me").status_code == 200  # a new log-in works


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
    assert response.status_code == 401 and response.json()["code"] in ("account_inactive", "token_revoked")


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
