"""The account page: deactivate, reactivate, reset the password, change the role or area."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from gocua import testing as f
from gocua.accounts.models import AuditEvent, Role, UserSession
from gocua.accounts.tests.conftest import IP

TEMP = "tam-thoi-2025"


def _url(name, user):
    return reverse(f"accounts:{name}", args=[user.pk])


def _events(action, user):
    return AuditEvent.objects.filter(action=action, object_type="accounts.user", object_id=str(user.pk))


def test_deactivation_logs_the_user_out_on_their_next_request(world, client_as, login_as):
    target = world.users["team_member"]
    their_client = login_as(target)
    key = their_client.session.session_key
    assert their_client.get(reverse("accounts:password_change")).status_code == 200

    response = client_as(world.users["commune_officer"]).post(_url("set_active", target), {"active": "0"})

    assert response.status_code == 302
    target.refresh_from_db()
    assert not target.is_active
    assert not Session.objects.filter(session_key=key).exists()
    assert not UserSession.objects.filter(user=target).exists()
    after = their_client.get(reverse("accounts:password_change"))
    assert after.status_code == 302 and after.url.startswith(reverse("web:login"))
    event = _events(AuditEvent.Action.ACCOUNT_DEACTIVATED, target).get()
    assert event.actor == world.users["commune_officer"] and event.ip == IP


def test_a_deactivated_user_cannot_log_in_until_reactivated(world, client_as):
    target = world.users["team_member"]
    officer = client_as(world.users["commune_officer"])
    officer.post(_url("set_active", target), {"active": "0"})
    refused = Client().post(reverse("web:login"), {"username": target.username, "password": f.PASSWORD})
    assert refused.status_code == 200 and "_auth_user_id" not in refused.client.session

    officer.post(_url("set_active", target), {"active": "1"})

    target.refresh_from_db()
    assert target.is_active
    assert _events(AuditEvent.Action.ACCOUNT_REACTIVATED, target).get().actor == world.users["commune_officer"]
    accepted = Client().post(reverse("web:login"), {"username": target.username, "password": f.PASSWORD})
    assert accepted.status_code == 302


def test_a_reset_forces_a_password_change_at_the_next_log_in(world, client_as, login_as):
    target = world.users["team_leader"]
    old_client = login_as(target)

    response = client_as(world.users["commune_officer"]).post(_url("reset_password", target), {"new_password": TEMP})

    assert response.status_code == 302
    target.refresh_from_db()
    assert target.must_change_password and target.check_password(TEMP)
    assert old_client.get(reverse("accounts:password_change")).status_code == 302  # old session ended
    event = _events(AuditEvent.Action.PASSWORD_RESET, target).get()
    assert event.actor == world.users["commune_officer"] and event.ip == IP and TEMP not in str(event.detail)

    client = login_as(target, TEMP)
    home = client.get(reverse("web:home"))
    assert home.status_code == 302 and home.url == reverse("accounts:password_change")
    api = client.get("/api/v1/units/")
    assert api.status_code == 403 and api.json()["code"] == "password_change_required"

    changed = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEMP, "new_password": "rieng-cua-toi-77", "new_password_again": "rieng-cua-toi-77"},
    )
    assert changed.status_code == 302
    target.refresh_from_db()
    assert not target.must_change_password and target.check_password("rieng-cua-toi-77")
    assert client.get(reverse("web:home")).url == reverse("web:unit", kwargs={"code": world.village.code})
    assert UserSession.objects.filter(user=target, session_key=client.session.session_key).exists()
    assert _events(AuditEvent.Action.PASSWORD_CHANGED, target).get().ip == IP


def test_a_weak_reset_password_is_shown_in_place(world, client_as):
    target = world.users["team_member"]
    response = client_as(world.users["commune_officer"]).post(_url("reset_password", target), {"new_password": "123"})
    assert response.status_code == 400
    assert 'class="error"' in response.content.decode()
    target.refresh_from_db()
    assert not target.must_change_password and target.check_password(f.PASSWORD)


def test_a_role_change_is_audited_with_before_and_after(world, client_as):
    target = world.users["team_member"]
    response = client_as(world.users["commune_officer"]).post(
        _url("change_role", target), {"role": "team_leader", "scope_unit": world.village2.code}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.role == Role.TEAM_LEADER and target.scope_unit == world.village2
    event = _events(AuditEvent.Action.ROLE_CHANGED, target).get()
    assert event.detail == {
        "before": {"role": "team_member", "scope": world.village.code},
        "after": {"role": "team_leader", "scope": world.village2.code},
    }
    assert event.actor == world.users["commune_officer"] and event.ip == IP


def test_making_a_national_admin_gives_admin_site_access(world, client_as):
    target = world.users["province_officer"]
    client_as(world.users["national_admin"]).post(_url("change_role", target), {"role": "national_admin", "scope_unit": "VN"})
    target.refresh_from_db()
    assert target.role == Role.NATIONAL_ADMIN and target.is_staff and target.is_superuser


@pytest.mark.parametrize(
    "data",
    [
        {"role": "team_leader", "scope_unit": "19774"},  # another province
        {"role": "commune_officer", "scope_unit": "09784"},  # the officer's own rank
        {"role": "team_leader", "scope_unit": "01"},  # a province for a team role
    ],
)
def test_a_role_change_outside_the_officers_reach_is_refused(world, client_as, data):
    target = world.users["team_member"]
    response = client_as(world.users["commune_officer"]).post(_url("change_role", target), data)
    assert response.status_code == 400
    target.refresh_from_db()
    assert target.role == Role.TEAM_MEMBER and target.scope_unit == world.village
    assert not _events(AuditEvent.Action.ROLE_CHANGED, target).exists()


def test_an_account_outside_the_area_is_not_found(world, client_as):
    stranger = f.make_user(Role.TEAM_MEMBER, world.other_commune_village)
    officer = client_as(world.users["commune_officer"])
    assert officer.get(_url("detail", stranger)).status_code == 404
    assert officer.post(_url("set_active", stranger), {"active": "0"}).status_code == 404
    stranger.refresh_from_db()
    assert stranger.is_active


def test_an_account_of_equal_rank_is_not_found(world, client_as):
    peer = world.users["other_commune_officer"]
    province = client_as(world.users["province_officer"])
    assert province.get(_url("detail", world.users["commune_officer"])).status_code == 200
    assert province.get(_url("detail", peer)).status_code == 404  # Huế, outside Hà Nội
    assert client_as(world.users["commune_officer"]).get(_url("detail", peer)).status_code == 404


def test_a_leader_manages_only_their_own_teams_accounts(world, client_as):
    other_team = f.make_team(world.village, "Tổ CNSCĐ số 2")
    outsider = f.make_user(Role.TEAM_MEMBER, world.village)
    f.make_member(other_team, full_name="Phạm Văn Khác", user=outsider)
    leader = client_as(world.users["team_leader"])

    page = leader.get(_url("detail", outsider))
    assert page.status_code == 200 and "Deactivate the account" not in page.content.decode()
    assert leader.post(_url("set_active", outsider), {"active": "0"}).status_code == 403
    outsider.refresh_from_db()
    assert outsider.is_active

    own = world.users["team_member"]
    assert "Deactivate the account" in leader.get(_url("detail", own)).content.decode()
    assert leader.post(_url("set_active", own), {"active": "0"}).status_code == 302
    own.refresh_from_db()
    assert not own.is_active


def test_nobody_manages_their_own_account_from_this_page(world, client_as):
    admin = world.users["national_admin"]
    client = client_as(admin)
    assert "Deactivate the account" not in client.get(_url("detail", admin)).content.decode()
    assert client.post(_url("set_active", admin), {"active": "0"}).status_code == 403
    admin.refresh_from_db()
    assert admin.is_active


def test_a_team_member_has_no_account_pages(world, client_as):
    client = client_as(world.users["team_member"])
    assert client.get(_url("detail", world.users["team_member"])).status_code == 403
    assert client.get(reverse("accounts:create")).status_code == 403


def test_a_national_admin_gives_an_area_to_an_account_that_has_none(world, client_as):
    bare = f.make_user(Role.TEAM_MEMBER, "VN")
    bare.scope_unit = None  # as `createsuperuser` leaves it
    bare.save(update_fields=["scope_unit"])
    assert client_as(world.users["commune_officer"]).get(_url("detail", bare)).status_code == 404
    response = client_as(world.users["national_admin"]).post(
        _url("change_role", bare), {"role": "commune_officer", "scope_unit": "09784"}
    )
    assert response.status_code == 302
    bare.refresh_from_db()
    assert bare.role == Role.COMMUNE_OFFICER and bare.scope_unit.code == "09784"
    assert _events(AuditEvent.Action.ROLE_CHANGED, bare).get().detail["before"] == {"role": "team_member", "scope": None}


def test_a_garbled_activation_request_changes_nothing(world, client_as):
    target = world.users["team_member"]
    response = client_as(world.users["commune_officer"]).post(_url("set_active", target), {"active": "maybe"})
    assert response.status_code == 400
    target.refresh_from_db()
    assert target.is_active
    assert not AuditEvent.objects.filter(object_id=str(target.pk), object_type="accounts.user").exists()
