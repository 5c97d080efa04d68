"""Sessions: idle expiry per role, log-out everywhere on a password change, cookie flags."""

import subprocess
import sys
import time

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from gocua import testing as f
from gocua.accounts.middleware import LAST_SEEN_KEY
from gocua.accounts.tests.conftest import IP


def _age_session(client, seconds: int) -> None:
    session = client.session
    session[LAST_SEEN_KEY] = int(time.time()) - seconds
    session.save()


def _home(client):
    return client.get(reverse("web:home"))


def test_an_officer_session_ends_after_the_idle_limit(world, login_as, settings):
    client = login_as(world.users["commune_officer"])
    assert _home(client).status_code == 302 and "/login/" not in _home(client)["Location"]
    _age_session(client, settings.GOCUA_SESSION_IDLE_MINUTES * 60 + 5)
    response = _home(client)
    assert response.status_code == 302 and response["Location"].startswith(reverse("web:login"))
    assert "_auth_user_id" not in client.session


def test_a_session_used_within_the_limit_stays(world, login_as, settings):
    client = login_as(world.users["commune_officer"])
    _age_session(client, settings.GOCUA_SESSION_IDLE_MINUTES * 60 - 60)
    assert "/login/" not in _home(client)["Location"]
    assert client.session[LAST_SEEN_KEY] > time.time() - 5  # the clock restarted


def test_a_team_member_has_the_longer_member_limit(world, login_as, settings):
    settings.GOCUA_SESSION_IDLE_MINUTES = 60
    settings.GOCUA_MEMBER_SESSION_IDLE_MINUTES = 600
    member, officer = login_as(world.users["team_member"]), login_as(world.users["commune_officer"])
    for client in (member, officer):
        _age_session(client, 2 * 60 * 60)
    assert "/login/" not in _home(member)["Location"]
    assert _home(officer)["Location"].startswith(reverse("web:login"))


def test_an_idle_session_on_the_api_answers_401(world, login_as, settings):
    client = login_as(world.users["commune_officer"])
    _age_session(client, settings.GOCUA_SESSION_IDLE_MINUTES * 60 + 5)
    response = client.get("/api/v1/me")
    assert response.status_code == 401 and response.json()["code"] == "session_expired"


def test_a_password_change_logs_out_every_other_session_and_keeps_this_one(world, login_as):
    user = world.users["team_leader"]
    here, there = login_as(user), login_as(user)
    response = here.post(
        reverse("accounts:password_change"),
        {"old_password": f.PASSWORD, "new_password": "mat-khau-moi-2026", "new_password_again": "mat-khau-moi-2026"},
    )
    assert response.status_code == 302
    assert "/login/" not in _home(here)["Location"]
    assert _home(there)["Location"].startswith(reverse("web:login"))
    assert Session.objects.filter(session_key=there.session.session_key).count() == 0


def test_production_session_cookies_are_secure_httponly_and_lax(tmp_path):
    env = f.process_env(tmp_path)
    env.update(
        GOCUA_ENV="production", GOCUA_SECRET_KEY="s" * 60, GOCUA_PII_KEY="p" * 40, GOCUA_ALLOWED_HOSTS="example.org"
    )
    code = (
        "import django, json; django.setup(); from django.conf import settings as s; "
        "print(json.dumps([s.SESSION_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, "
        "s.CSRF_COOKIE_SECURE, s.GOCUA_2FA_REQUIRED_ROLES, s.GOCUA_SESSION_IDLE_MINUTES]))"
    )
    out = subprocess.run([sys.executable, "-c", code], env={**env, "DJANGO_SETTINGS_MODULE": "gocua.settings"},
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == '[true, true, "Lax", true, ["national_admin"], 480]'


@pytest.mark.parametrize("value", ["0", "-5"])
def test_a_bad_idle_limit_is_refused_at_start(tmp_path, value):
    env = {**f.process_env(tmp_path), "GOCUA_SESSION_IDLE_MINUTES": value, "DJANGO_SETTINGS_MODULE": "gocua.settings"}
    result = subprocess.run([sys.executable, "-c", "import django; django.setup()"], env=env, capture_output=True,
                            text=True)
    assert result.returncode != 0 and "GOCUA_SESSION_IDLE_MINUTES" in result.stderr


def test_the_session_cookie_is_httponly_and_lax_here_too(world):
    client = Client(REMOTE_ADDR=IP)
    response = client.post(reverse("web:login"), {"username": world.users["team_member"].username,
                                                  "password": f.PASSWORD})
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
