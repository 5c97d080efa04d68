"""The audit log browser: national admins only, filtered, newest first, a page at a time."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import AuditEvent
from gocua.accounts.services import audit_record

AUDIT = reverse("accounts:audit")
Action = AuditEvent.Action


def _event_at(when: dt.datetime, **kwargs) -> AuditEvent:
    # `at` is set on insert and rows can never be updated: pretend the clock said `when`.
    with mock.patch("django.utils.timezone.now", return_value=when):
        return audit_record(**kwargs)


def _ids(response) -> list[int]:
    return [event.pk for event in response.context["page"].rows]


@pytest.fixture
def admin_client(world, client_as):
    return client_as(world.users["national_admin"])


@pytest.mark.parametrize("role", ["province_officer", "commune_officer", "team_leader", "team_member"])
def test_only_national_admins_may_browse_the_log(world, client_as, role):
    response = client_as(world.users[role]).get(AUDIT)
    assert response.status_code == 403
    assert "Audit log" not in response.content.decode()


def test_a_deactivated_national_admin_may_not_browse_the_log(world, client_as):
    admin = world.users["national_admin"]
    client = client_as(admin)
    admin.is_active = False
    admin.save(update_fields=["is_active"])
    assert client.get(AUDIT).status_code != 200


def test_it_shows_events_newest_first_with_who_what_and_where(world, admin_client):
    officer = world.users["commune_officer"]
    old = audit_record(actor=officer, action=Action.ACCOUNT_CREATED, obj=world.users["team_member"])
    new = audit_record(actor=None, action=Action.LOGIN_FAILED, username="ke-la")
    response = admin_client.get(AUDIT)
    assert _ids(response)[:2] == [new.pk, old.pk]
    html = response.content.decode()
    assert officer.username in html and "ke-la" in html
    assert f"created the account {world.users['team_member'].username}" in html


def test_it_filters_by_action_and_user_name(world, admin_client):
    officer = world.users["commune_officer"]
    created = audit_record(actor=officer, action=Action.ACCOUNT_CREATED, obj=world.users["team_member"])
    audit_record(actor=officer, action=Action.LOGIN, obj=officer)
    audit_record(actor=world.users["province_officer"], action=Action.ACCOUNT_CREATED, obj=officer)
    response = admin_client.get(AUDIT, {"action": "account_created", "username": officer.username})
    assert _ids(response) == [created.pk]


def test_it_filters_by_object(world, admin_client):
    target = world.users["team_member"]
    about = audit_record(actor=world.users["commune_officer"], action=Action.PASSWORD_RESET, obj=target)
    audit_record(actor=world.users["commune_officer"], action=Action.PASSWORD_RESET, obj=world.users["team_leader"])
    response = admin_client.get(AUDIT, {"object_type": "accounts.user", "object_id": str(target.pk)})
    assert _ids(response) == [about.pk]


def test_it_filters_by_local_date_range_inclusive(world, admin_client):
    tz = timezone.get_current_timezone()  # Asia/Ho_Chi_Minh, UTC+7
    before = _event_at(dt.datetime(2025, 3, 31, 23, 59, tzinfo=tz), actor=None, action=Action.LOGIN_FAILED)
    first = _event_at(dt.datetime(2025, 4, 1, 0, 1, tzinfo=tz), actor=None, action=Action.LOGIN_FAILED)
    last = _event_at(dt.datetime(2025, 4, 2, 23, 59, tzinfo=tz), actor=None, action=Action.LOGIN_FAILED)
    after = _event_at(dt.datetime(2025, 4, 3, 0, 0, tzinfo=tz), actor=None, action=Action.LOGIN_FAILED)
    response = admin_client.get(AUDIT, {"date_from": "2025-04-01", "date_to": "2025-04-02"})
    assert _ids(response) == [last.pk, first.pk]
    assert before.pk not in _ids(response) and after.pk not in _ids(response)


def test_a_bad_filter_shows_an_error_instead_of_failing(world, admin_client):
    response = admin_client.get(AUDIT, {"date_from": "hôm qua", "before": "abc", "action": "nuke"})
    assert response.status_code == 200
    assert 'class="error"' in response.content.decode()


def test_it_pages_back_and_forth_by_id(world, admin_client, settings):
    settings.GOCUA_PAGE_SIZE = 10
    events = [audit_record(actor=None, action=Action.LOGIN_FAILED, username=f"u{i}") for i in range(25)]
    ids = [e.pk for e in reversed(events)]
    first = admin_client.get(AUDIT, {"action": "login_failed"})
    assert _ids(first) == ids[:10] and first.context["page"].newer is None
    second = admin_client.get(AUDIT, {"action": "login_failed", "before": first.context["page"].older})
    assert _ids(second) == ids[10:20]
    assert 'name="before"' not in second.content.decode()  # new filters start from the newest again
    third = admin_client.get(AUDIT, {"action": "login_failed", "before": second.context["page"].older})
    assert _ids(third) == ids[20:] and third.context["page"].older is None
    back = admin_client.get(AUDIT, {"action": "login_failed", "after": second.context["page"].newer})
    assert _ids(back) == ids[:10]
    assert f"action=login_failed&amp;before={first.context['page'].older}" in first.content.decode()


def _query_count(client) -> int:
    return f.get_counting(client, AUDIT)[1]


def test_the_browser_costs_the_same_queries_for_few_or_many_events(world, admin_client):
    # The readable lines look names up once per kind of object on the page, not once per event.
    def one_of_each():
        audit_record(actor=world.users["commune_officer"], action=Action.LOGIN, obj=world.users["commune_officer"])
        audit_record(actor=world.users["team_member"], action=Action.RESIDENT_CHANGED, obj=world.resident)
        audit_record(actor=world.users["team_member"], action=Action.HOUSEHOLD_CHANGED, obj=world.household)

    one_of_each()
    few = _query_count(admin_client)
    for _ in range(15):
        one_of_each()
    assert _query_count(admin_client) == few <= 9
