"""Two-factor sign-in (TOTP, django-otp): enrolment with a local QR code, the code after the password,
recovery codes, mandatory roles, the admin and the device-token door."""

import re
from base64 import b32decode

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import totp

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.accounts.tests.conftest import IP
from gocua.accounts.two_factor import has_two_factor
from gocua.field.tests.conftest import DeviceClient

ENROL, VERIFY, LOGIN = reverse("accounts:otp_enrol"), reverse("accounts:otp_verify"), reverse("web:login")


@pytest.fixture
def no_otp_backoff(settings):
    """Let a right code follow a wrong one at once (django-otp otherwise waits 1 s, 2 s, 4 s … after failures)."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


def _log_in(user, client=None):
    client = client or Client(REMOTE_ADDR=IP)
    response = client.post(LOGIN, {"username": user.username, "password": f.PASSWORD})
    assert response.status_code == 302
    return client, response


def _key_from_page(html: str) -> bytes:
    text = re.search(r'<code class="secret">([A-Z2-7 ]+)</code>', html).group(1).replace(" ", "")
    return b32decode(text + "=" * (-len(text) % 8))


def _code(key: bytes, step_ahead: int = 0) -> str:
    # RFC 6238 by the library's own function, not by our view: drift moves to a later 30 s step.
    return f"{totp(key, drift=step_ahead):06d}"


def _enrol(user):
    client, _ = _log_in(user)
    page = client.get(ENROL)
    key = _key_from_page(page.content.decode())
    done = client.post(ENROL, {"code": _code(key)})
    assert done.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    return client, key, codes


def test_enrolment_shows_a_local_qr_code_and_the_secret_and_a_code_turns_it_on(world, no_otp_backoff):
    officer = world.users["commune_officer"]
    client, _ = _log_in(officer)
    page = client.get(ENROL)
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "http" not in html.split("<svg", 1)[1].split("</svg>")[0]
    key = _key_from_page(html)
    assert client.post(ENROL, {"code": "000000" if _code(key) != "000000" else "111111"}).status_code == 400
    done = client.post(ENROL, {"code": _code(key)})
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", done.content.decode())
    assert len(codes) == 10 and len(set(codes)) == 10
    assert AuditEvent.objects.filter(action=AuditEvent.Action.TWO_FACTOR_ENABLED, actor=officer).exists()
    assert client.get(reverse("web:home")).status_code == 302  # this session proved the code: it goes on
    assert "/two-factor/" not in client.get(reverse("web:home"))["Location"]


def test_after_the_password_the_code_is_asked_before_anything_else(world, no_otp_backoff):
    officer = world.users["commune_officer"]
    _, key, _codes = _enrol(officer)
    client, response = _log_in(officer)
    assert response["Location"].startswith(VERIFY)
    assert client.get(reverse("web:home"))["Location"].startswith(VERIFY)
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["code"] == "otp_required"
    wrong = client.post(VERIFY, {"code": "12345"})
    assert wrong.status_code == 400 and "This code is wrong" in wrong.content.decode()
    right = client.post(VERIFY, {"code": _code(key, step_ahead=1), "next": "/accounts/devices/"})
    assert right.status_code == 302 and right["Location"] == "/accounts/devices/"
    assert client.get("/api/v1/me").status_code == 200


def test_a_recovery_code_works_once(world):
    officer = world.users["commune_officer"]
    _, _key, codes = _enrol(officer)
    first, _ = _log_in(officer)
    assert first.post(VERIFY, {"code": codes[0]}).status_code == 302
    assert first.get("/api/v1/me").status_code == 200
    second, _ = _log_in(officer)
    assert second.post(VERIFY, {"code": codes[0]}).status_code == 400
    assert second.get("/api/v1/me").status_code == 403


def test_enrolling_logs_out_sessions_that_had_only_the_password(world):
    officer = world.users["commune_officer"]
    older, _ = _log_in(officer)
    assert older.get("/api/v1/me").status_code == 200
    _enrol(officer)
    assert older.get("/api/v1/me").status_code == 401


def test_a_required_role_is_sent_to_enrolment_until_done(world, settings):
    settings.GOCUA_2FA_REQUIRED_ROLES = ["commune_officer"]
    officer, member = world.users["commune_officer"], world.users["team_member"]
    client, _ = _log_in(officer)
    assert client.get(reverse("web:home"))["Location"] == ENROL
    api = client.get("/api/v1/me")
    assert api.status_code == 403 and api.json()["code"] == "otp_enrolment_required"
    key = _key_from_page(client.get(ENROL).content.decode())
    client.post(ENROL, {"code": _code(key)})
    assert client.get("/api/v1/me").status_code == 200
    member_client, _ = _log_in(member)  # not a required role: password alone
    assert member_client.get("/api/v1/me").status_code == 200


def test_the_admin_is_behind_the_code_too(world):
    admin = world.users["national_admin"]
    _, key, _codes = _enrol(admin)
    client, _ = _log_in(admin)
    assert client.get("/admin/")["Location"].startswith(VERIFY)
    client.post(VERIFY, {"code": _code(key, step_ahead=1)})
    assert client.get("/admin/").status_code == 200


def test_a_device_token_needs_the_code_for_an_enrolled_account(world, no_otp_backoff):
    officer = world.users["commune_officer"]
    _, key, _codes = _enrol(officer)
    payload = {"username": officer.username, "password": f.PASSWORD, "device_name": "Máy văn phòng"}
    without = DeviceClient(None).post("/auth/token", payload)
    assert without.status_code == 403 and without.json()["code"] == "otp_required"
    wrong = DeviceClient(None).post("/auth/token", {**payload, "otp": "000001"})
    assert wrong.status_code == 401 and wrong.json()["code"] == "otp_wrong"
    right = DeviceClient(None).post("/auth/token", {**payload, "otp": _code(key, step_ahead=1)})
    assert right.status_code == 201


def test_wrong_codes_make_the_library_wait_before_it_checks_again(world):
    officer = world.users["commune_officer"]
    _, key, _codes = _enrol(officer)
    client, _ = _log_in(officer)
    assert client.post(VERIFY, {"code": "000001" if _code(key, 1) != "000001" else "000002"}).status_code == 400
    # Even the right code is refused during django-otp's back-off after a failure.
    assert client.post(VERIFY, {"code": _code(key, step_ahead=1)}).status_code == 400


@pytest.mark.parametrize("role", ["national_admin"])
def test_a_required_role_without_enrolment_gets_no_device_token(world, settings, role):
    settings.GOCUA_2FA_REQUIRED_ROLES = [role]
    payload = {"username": world.users[role].username, "password": f.PASSWORD, "device_name": "Máy"}
    response = DeviceClient(None).post("/auth/token", payload)
    assert response.status_code == 403 and response.json()["code"] == "otp_enrolment_required"


def test_a_manager_in_scope_removes_a_lost_authenticator_and_an_outsider_cannot(world, client_as):
    officer = world.users["commune_officer"]
    _enrol(officer)
    remove = reverse("accounts:otp_remove", args=[officer.pk])
    assert client_as(world.users["other_commune_officer"]).post(remove).status_code == 404
    assert has_two_factor(officer)
    assert client_as(world.users["province_officer"]).post(remove).status_code == 302
    assert not has_two_factor(officer)
    event = AuditEvent.objects.get(action=AuditEvent.Action.TWO_FACTOR_DISABLED)
    assert event.actor == world.users["province_officer"] and event.object_id == str(officer.pk)
    client, response = _log_in(officer)
    assert response["Location"] == reverse("web:home")  # the password alone again


def test_a_password_alone_cannot_change_the_password_of_an_enrolled_account(world, no_otp_backoff):
    officer = world.users["commune_officer"]
    _, key, _codes = _enrol(officer)
    type(officer).objects.filter(pk=officer.pk).update(must_change_password=True)
    client, _ = _log_in(officer)
    change = reverse("accounts:password_change")
    form = {"old_password": f.PASSWORD, "new_password": "mat-khau-moi-2026", "new_password_again": "mat-khau-moi-2026"}
    assert client.post(change, form)["Location"].startswith(VERIFY)
    officer.refresh_from_db()
    assert officer.check_password(f.PASSWORD)
    assert client.get(reverse("web:home"))["Location"].startswith(reverse("accounts:password_change"))
    assert client.post(VERIFY, {"code": _code(key, step_ahead=1)}).status_code == 302  # the code page is reachable
    assert client.post(change, form).status_code == 302
    officer.refresh_from_db()
    assert officer.check_password("mat-khau-moi-2026")
