"""One log-in limiter (gocua/accounts/throttle.py) at every password door: page, admin, password change."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gocua import testing as f

LOGIN = reverse("web:login")
ATTACKER, OFFICE, HOME = "198.51.100.66", "203.0.113.10", "192.0.2.44"


def _log_in(username, password=f.PASSWORD, ip=ATTACKER, path=LOGIN):
    return Client(REMOTE_ADDR=ip).post(path, {"username": username, "password": password})


def _logged_in(response) -> bool:
    return "_auth_user_id" in response.client.session


def test_twenty_wrong_passwords_on_the_log_in_page_end_in_a_lockout(world, settings):
    user = world.users["commune_officer"]
    answers = [_log_in(user.username, f"doan-{i}") for i in range(20)]
    assert answers[0].status_code == 200  # the first guesses are only wrong
    assert answers[-1].status_code == 429
    assert "Too many failed log-ins" in answers[-1].content.decode()
    assert 0 < int(answers[-1]["Retry-After"]) <= settings.AXES_COOLOFF_TIME.total_seconds() + 1
    # The right password from the guessing address is refused too, until the window passes.
    locked = _log_in(user.username)
    assert locked.status_code == 429 and not _logged_in(locked)


def test_the_right_password_works_from_another_address_and_after_the_window(world, settings):
    user = world.users["commune_officer"]
    for i in range(20):
        _log_in(user.username, f"doan-{i}")
    elsewhere = _log_in(user.username, ip=HOME)
    assert elsewhere.status_code == 302 and _logged_in(elsewhere)
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1))
    again = _log_in(user.username)
    assert again.status_code == 302 and _logged_in(again)


@pytest.mark.vietnamese
def test_the_lockout_message_is_in_vietnamese(world, settings):
    settings.GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS = 2
    user = world.users["team_leader"]
    _log_in(user.username, "sai-1")
    response = _log_in(user.username, "sai-2")
    assert response.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in response.content.decode()


def test_one_address_guessing_many_accounts_is_stopped_before_the_account_limit(world, settings):
    assert settings.GOCUA_LOGIN_FAILURES_PER_ADDRESS < settings.GOCUA_LOGIN_FAILURES_PER_ACCOUNT
    for i in range(settings.GOCUA_LOGIN_FAILURES_PER_ADDRESS):
        _log_in(f"khong-ai-{i}", "doan")
    blocked = _log_in(world.users["team_member"].username)
    assert blocked.status_code == 429 and not _logged_in(blocked)
    assert _log_in(world.users["team_member"].username, ip=HOME).status_code == 302


def test_a_botnet_locks_an_account_for_new_addresses_but_not_for_its_known_device(world, settings):
    settings.GOCUA_LOGIN_FAILURES_PER_ACCOUNT = 6
    user = world.users["commune_officer"]
    assert _log_in(user.username, ip=OFFICE).status_code == 302  # the officer's usual office
    for i in range(6):
        _log_in(user.username, "doan", ip=f"198.51.100.{100 + i}")
    assert _log_in(user.username, ip=HOME).status_code == 429  # a new address: the account is locked
    known = _log_in(user.username, ip=OFFICE)
    assert known.status_code == 302 and _logged_in(known)


def test_someone_elses_failures_behind_the_same_address_do_not_lock_a_known_device(world, settings):
    user = world.users["team_leader"]
    assert _log_in(user.username, ip=OFFICE).status_code == 302
    for i in range(settings.GOCUA_LOGIN_FAILURES_PER_ADDRESS):
        _log_in(f"khong-ai-{i}", "doan", ip=OFFICE)
    assert _log_in(world.users["team_member"].username, ip=OFFICE).status_code == 429  # not known here
    assert _log_in(user.username, ip=OFFICE).status_code == 302


def test_failures_during_a_lockout_do_not_extend_it(world, settings):
    settings.GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS = 2
    user = world.users["team_leader"]
    _log_in(user.username, "a")
    _log_in(user.username, "b")
    counted = AccessAttempt.objects.get(username=user.username).failures_since_start
    for _ in range(5):
        assert _log_in(user.username, "c").status_code == 429
    assert AccessAttempt.objects.get(username=user.username).failures_since_start == counted


def test_the_admin_log_in_takes_no_password_of_its_own_and_sends_to_the_throttled_page(world, settings):
    admin = world.users["national_admin"]
    for i in range(settings.GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS):
        _log_in(admin.username, f"doan-{i}")
    response = _log_in(admin.username, path=reverse("admin:login"))  # a POST with the right password
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert not _logged_in(response)
    assert _log_in(admin.username).status_code == 429


def test_guessing_the_current_password_on_the_change_page_is_throttled(world, client_as, settings):
    user = world.users["team_member"]
    client = client_as(user)
    page = reverse("accounts:password_change")
    form = {"old_password": "doan", "new_password": "mat-khau-moi-2026", "new_password_again": "mat-khau-moi-2026"}
    for _ in range(settings.GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS):
        client.post(page, form)
    right = {**form, "old_password": f.PASSWORD}
    response = client.post(page, right)
    assert "Too many failed log-ins" in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(f.PASSWORD)  # unchanged


def test_the_username_is_one_key_whatever_its_case_or_spaces(world, settings):
    settings.GOCUA_LOGIN_FAILURES_PER_ACCOUNT_ADDRESS = 3
    user = world.users["team_leader"]
    for variant in (user.username.upper(), f" {user.username}", user.username.title()):
        _log_in(variant, "doan")
    assert _log_in(user.username).status_code == 429
