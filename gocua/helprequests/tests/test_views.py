"""The team's pages: the queue and a request's page, in scope and out of it, and the actions."""

import pytest
from django.test import Client

from gocua.accounts.models import AuditEvent
from gocua.helprequests.models import HelpRequest, Status
from gocua.helprequests.tests.conftest import submit

pytestmark = pytest.mark.django_db


def _as(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_the_team_sees_the_full_phone_and_the_officer_sees_it_masked(world, filed):
    page = _as(world.users["team_member"]).get(f"/help/{filed.pk}/").content.decode()
    assert 'href="tel:0912345678"' in page and "Nguyễn Thị Hồng" in page
    officer = _as(world.users["commune_officer"]).get("/help/").content.decode()
    assert "091****678" in officer and "0912345678" not in officer


def test_out_of_scope_pages_and_actions_are_404_and_others_403(world, filed):
    outsider = _as(world.users["other_commune_officer"])
    assert outsider.get(f"/help/{filed.pk}/").status_code == 404
    assert outsider.post(f"/help/{filed.pk}/claim/").status_code == 404
    assert "Nguyễn Thị Hồng" not in outsider.get("/help/").content.decode()
    assert _as(world.users["commune_officer"]).post(f"/help/{filed.pk}/claim/").status_code == 403
    assert _as(world.users["team_member"]).post(f"/help/{filed.pk}/unspam/").status_code == 403
    assert _as(world.users["team_member"]).post(f"/help/{filed.pk}/explode/").status_code == 404
    assert Client().get("/help/").status_code == 302
    assert _as(world.users["team_member"]).get(f"/help/{filed.pk}/claim/").status_code == 405
    filed.refresh_from_db()
    assert filed.status == Status.NEW


def test_the_member_claims_links_and_closes_from_the_web(world, filed):
    member = _as(world.users["team_member"])
    assert member.post(f"/help/{filed.pk}/claim/").status_code == 302
    page = member.get(f"/help/{filed.pk}/").content.decode()
    assert "TT-001" in page  # the household with this phone, offered for linking
    assert member.post(f"/help/{filed.pk}/link/", {"household": world.household.pk}).status_code == 302
    refused = member.post(f"/help/{filed.pk}/link/", {"household": world.other_household.pk})
    assert refused.status_code == 400 and 'role="alert"' in refused.content.decode()
    assert member.post(f"/help/{filed.pk}/link/", {"household": "abc"}).status_code == 400
    assert member.post(f"/help/{filed.pk}/close/", {"reason": "zzz"}).status_code == 400
    assert member.post(f"/help/{filed.pk}/close/", {"reason": "other", "note": "x" * 301}).status_code == 400
    assert member.post(f"/help/{filed.pk}/close/", {"reason": "solved_by_phone", "note": "Đã cài lại VNeID"}).status_code == 302
    filed.refresh_from_db()
    assert (filed.status, filed.household, filed.close_reason) == (Status.CLOSED, world.household, "solved_by_phone")
    assert AuditEvent.objects.filter(action__in=["help_claimed", "help_linked", "help_closed"]).count() == 3


def test_spam_from_the_web_hides_the_phone_and_the_officer_shows_it_again(world, filed):
    submit(world.village)
    member = _as(world.users["team_member"])
    assert member.post(f"/help/{filed.pk}/spam/").status_code == 302
    assert 'class="help-entry"' not in member.get("/help/").content.decode()
    assert 'class="help-entry"' in member.get("/help/?tab=spam").content.decode()
    assert _as(world.users["commune_officer"]).post(f"/help/{filed.pk}/unspam/").status_code == 302
    assert not HelpRequest.objects.filter(is_spam=True).exists()


def test_the_queue_takes_a_constant_number_of_queries(world, django_assert_max_num_queries):
    for i in range(15):
        submit(world.village, phone=f"0912{i:06d}")
    client = _as(world.users["team_leader"])
    client.get("/help/")
    with django_assert_max_num_queries(12):
        page = client.get("/help/").content.decode()
    assert page.count('class="help-entry"') == 15


def test_the_overdue_tab_lists_only_overdue_entries(world, filed, settings):
    settings.GOCUA_HELP_OVERDUE_HOURS = 1
    from datetime import timedelta

    from django.utils import timezone

    HelpRequest.objects.filter(pk=filed.pk).update(created_at=timezone.now() - timedelta(hours=2))
    fresh = submit(world.village, phone="0987654321", name="Lê Văn Tám")
    page = _as(world.users["commune_officer"]).get("/help/?tab=overdue").content.decode()
    assert filed.code in page and fresh.code not in page


def test_the_team_page_links_the_queue_and_the_villages_qr_poster(world):
    page = _as(world.users["team_leader"]).get(f"/teams/{world.team.pk}/").content.decode()
    assert 'href="/help/"' in page and f'href="/h/{world.village.code}/poster/"' in page


def test_overdue_requests_show_on_the_leaders_progress_and_the_officers_left_behind_list(world, filed, settings):
    from datetime import timedelta

    from django.utils import timezone

    settings.GOCUA_HELP_OVERDUE_HOURS = 1
    progress = _as(world.users["team_leader"]).get("/outreach/progress/", follow=True).content.decode()
    assert "help-overdue" not in progress  # nothing overdue yet
    HelpRequest.objects.filter(pk=filed.pk).update(created_at=timezone.now() - timedelta(hours=2))
    progress = _as(world.users["team_leader"]).get("/outreach/progress/", follow=True).content.decode()
    assert "help-overdue" in progress and 'href="/help/?tab=overdue"' in progress
    officer_page = _as(world.users["commune_officer"]).get("/outreach/left-behind/").content.decode()
    assert "help-overdue" in officer_page and world.village.name in officer_page.split("help-overdue", 1)[1]
    # Another commune's officer does not see this commune's overdue requests.
    other = _as(world.users["other_commune_officer"]).get("/outreach/left-behind/").content.decode()
    assert "help-overdue" not in other
