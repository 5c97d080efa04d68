"""Log in, log out and the start page (gocua/web/views/auth.py)."""

import pytest
from django.test import Client
from django.urls import reverse

from gocua import testing as f
from gocua.accounts.models import AuditEvent, Role, UserSession
from gocua.accounts.tests.conftest import IP

LOGIN = reverse("web:login")


def _log_in(username, password=f.PASSWORD, next_url=None, client=None):
    client = client or Client(REMOTE_ADDR=IP)
    url = f"{LOGIN}?next={next_url}" if next_url else LOGIN
    return client.post(url, {"username": username, "password": password})


def test_a_log_in_is_audited_with_the_address_and_the_session_remembered(world):
    user = world.users["commune_officer"]
    response = _log_in(user.username)
    assert response.status_code == 302
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert event.actor == user and event.actor_username == user.username and event.ip == IP
    assert UserSession.objects.filter(user=user, session_key=response.client.session.session_key).exists()


def test_a_failed_log_in_is_audited_without_the_password(world):
    response = _log_in(world.users["commune_officer"].username, password="sai-mat-khau-1")
    assert response.status_code == 200 and "_auth_user_id" not in response.client.session
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert event.actor is None and event.actor_username == world.users["commune_officer"].username
    assert event.ip == IP and "sai-mat-khau-1" not in str(event.detail)


def test_an_inactive_user_cannot_log_in(world):
    user = world.users["team_member"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = _log_in(user.username)
    assert response.status_code == 200 and "_auth_user_id" not in response.client.session
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED, actor_username=user.username).exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()


def test_it_follows_a_safe_next_address(world):
    response = _log_in(world.users["commune_officer"].username, next_url="/accounts/?role=team_leader")
    assert response.url == "/accounts/?role=team_leader"


@pytest.mark.parametrize(
    "target", ["https://evil.example/steal", "//evil.example/steal", "http://testserver.evil.example/", "javascript:alert(1)"]
)
def test_it_ignores_a_next_address_on_another_site(world, target):
    response = _log_in(world.users["commune_officer"].username, next_url=target)
    assert response.status_code == 302 and response.url == reverse("web:home")


@pytest.mark.parametrize(
    "role, code",
    [
        ("national_admin", "VN"),
        ("province_officer", "01"),
        ("commune_officer", "09784"),
        ("team_leader", None),
    ],
)
def test_home_sends_each_role_to_its_unit_page(world, client_as, role, code):
    response = client_as(world.users[role]).get(reverse("web:home"))
    assert response.status_code == 302
    assert response.url == reverse("web:unit", kwargs={"code": code or world.village.code})


def test_home_sends_a_team_member_to_the_work_list(world, client_as):
    response = client_as(world.users["team_member"]).get(reverse("web:home"))
    assert response.status_code == 302 and response.url == reverse("outreach:work")


def test_home_tells_a_user_without_a_unit_to_ask_for_one(world, client_as):
    user = f.make_user(Role.TEAM_MEMBER, world.village)
    user.scope_unit = None
    user.save(update_fields=["scope_unit"])
    assert client_as(user).get(reverse("web:home")).status_code == 403


def test_home_asks_anonymous_visitors_to_log_in(db):
    response = Client().get(reverse("web:home"))
    assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_a_log_out_is_audited_and_forgets_the_session(world, login_as):
    user = world.users["team_leader"]
    client = login_as(user)
    key = client.session.session_key
    assert client.get(reverse("web:logout")).status_code == 405  # only by POST (a link cannot log you out)
    response = client.post(reverse("web:logout"))
    assert response.status_code == 302 and response.url == LOGIN
    assert not UserSession.objects.filter(session_key=key).exists()
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert event.actor == user and event.ip == IP


def test_a_second_log_in_forgets_sessions_that_expired(world, login_as):
    user = world.users["team_leader"]
    UserSession.objects.create(user=user, session_key="x" * 32)  # its Session row is long gone
    login_as(user)
    assert not UserSession.objects.filter(session_key="x" * 32).exists()
    assert UserSession.objects.filter(user=user).count() == 1
