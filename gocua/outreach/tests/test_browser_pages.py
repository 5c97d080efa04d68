"""Outreach and registry pages in a real browser at 360 px (Debian's chromium through Playwright).

Visits from the household page, a follow-up that falls overdue (its rows back-dated, as the
clock would move them), the leader's left-behind cards, assignments by village with select-all,
and the resident form's errors all at once.
"""

import datetime as dt

import pytest
from django.utils import timezone

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.field.tests import conftest as field_conftest
from gocua.field.tests import test_browser as base
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.households.models import Assignment, Household
from gocua.outreach.models import ServiceItem, Visit, VisitOutcome
from gocua.outreach.services.assignments import assignment_bulk

pytestmark = [*base.pytestmark, pytest.mark.vietnamese]  # assert on what a Vietnamese user reads
server, browser_page = base.server, base.browser_page
database_restored = field_conftest.database_restored


def _world():
    """Thôn Tháp Thượng and Thôn Tháp Hạ with a commune team, its leader and a member."""
    village = f.make_village("09784", "Thôn Tháp Thượng")
    village2 = f.make_village("09784", "Thôn Tháp Hạ")
    team = f.make_team(f.unit("09784"), "Tổ CNSCĐ xã Đan Phượng")
    leader = f.make_user(Role.TEAM_LEADER, "09784", username="totruong")
    member = f.make_user(Role.TEAM_MEMBER, "09784", username="thanhvien")
    f.make_member(team, full_name="Bùi Văn Trường", role="leader", user=leader)
    me = f.make_member(team, full_name="Đỗ Văn Tuấn", role="member", user=member)
    households = []
    for v, prefix in ((village, "TT"), (village2, "TH")):
        for i in range(1, 4):
            household = Household.objects.get(pk=f.make_household(v, f"{prefix}-00{i}", address_line="Xóm 1").pk)
            household.created_at = timezone.now() - dt.timedelta(days=60)
            household.save(update_fields=["created_at"])
            f.make_resident(household, full_name=f"Chủ hộ {prefix} {i}", birth_year=1970,
                            indicators={**dict.fromkeys(INDICATOR_NAMES, Tri.YES), "vneid_level2": Tri.NO})
            households.append(household)
    return {"team": team, "me": me, "households": households, "village2": village2}


def _log_in(page, url, username):
    page.goto(f"{url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", f.PASSWORD)
    page.click("form button.primary")
    page.wait_for_load_state()


def test_a_member_records_a_visit_from_the_household_page_and_its_follow_up_falls_overdue(
    database_restored, server, browser_page
):
    page = browser_page
    world = _world()
    household = world["households"][0]
    assignment_bulk(actor=world["me"].team.members.get(role="leader").user, team=world["team"],
                    households=[household], member=world["me"])
    vneid = ServiceItem.objects.get(code="vneid")
    _log_in(page, server.url, "thanhvien")
    page.goto(f"{server.url}/households/{household.pk}/")
    page.click("a.button:has-text('Ghi lượt hỗ trợ')")  # screen 1: the household is already chosen
    assert page.locator(f"input[name=household][value='{household.pk}']").is_checked()
    page.click("button.primary.big")  # → screen 2
    page.check("input[name=residents] >> nth=0")
    page.click("button.primary.big")  # → screen 3
    resident = household.residents.get()
    page.select_option(f"select[name='r{resident.pk}_i{vneid.pk}']", "follow_up")
    page.check(f"input[name='r{resident.pk}_follow_up_in'][value='3']")
    page.click("button.primary.big")
    page.wait_for_url("**/outreach/visits/*/")
    outcome = VisitOutcome.objects.get()
    assert outcome.follow_up_on == timezone.localdate() + dt.timedelta(days=3)

    page.goto(f"{server.url}/outreach/work/")
    assert "Hẹn quay lại ngày" in page.locator("ul.work li").first.inner_text()  # due this week
    # Four days later (the rows moved back in time, as the clock would move forward).
    visit = Visit.objects.get()
    four = dt.timedelta(days=4)
    Visit.objects.filter(pk=visit.pk).update(visited_on=visit.visited_on - four, follow_up_on=visit.follow_up_on - four)
    VisitOutcome.objects.filter(pk=outcome.pk).update(follow_up_on=outcome.follow_up_on - four)
    page.reload()
    first = page.locator("ul.work li").first
    assert "Quá hạn quay lại" in first.inner_text() and household.household_key in first.inner_text()
    page.goto(f"{server.url}/households/{household.pk}/")
    assert vneid.name_vi in page.locator("#visits").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.errors == []


def test_the_leader_opens_a_left_behind_card_and_lands_on_the_household(database_restored, server, browser_page):
    page = browser_page
    world = _world()
    _log_in(page, server.url, "totruong")
    page.goto(f"{server.url}/outreach/left-behind/?village={world['village2'].pk}")
    cards = page.locator("ul.lb-cards a.card")
    # One markup for every screen: stacked cards at 360 px, without the column titles ...
    assert cards.count() == 3 and page.locator(".lb-head").is_hidden()
    assert cards.first.evaluate("e => getComputedStyle(e).display") == "block"
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    # ... and the same rows as a grid under column titles on a desktop screen.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert page.locator(".lb-head").is_visible() and cards.count() == 3
    assert cards.first.evaluate("e => getComputedStyle(e).display") == "grid"
    assert page.locator(".lb-cards .lb-label").first.is_hidden()  # the titles say it once, above
    page.set_viewport_size({"width": 360, "height": 740})
    assert f"village={world['village2'].pk}" in page.url  # the filter stays in the URL
    cards.first.click()
    page.wait_for_url("**/households/*/")
    assert page.locator("h1").inner_text().startswith("Hộ")
    assert "TH-00" in page.locator("h1").inner_text()
    assert page.errors == []


def test_the_leader_assigns_a_village_with_select_all(database_restored, server, browser_page):
    page = browser_page
    world = _world()
    _log_in(page, server.url, "totruong")
    page.goto(f"{server.url}/outreach/teams/{world['team'].pk}/assignments/")
    page.select_option("#f-village", str(world["village2"].pk))
    page.click("form[role=search] button.primary")
    page.wait_for_url(f"**village={world['village2'].pk}**")
    page.click("#select-all")
    assert page.locator("input[name=households]:checked").count() == 3
    page.select_option("select#member", str(world["me"].pk))
    page.click("#assign-form button.primary.big")
    page.wait_for_load_state()
    assert f"village={world['village2'].pk}" in page.url  # the filters are kept after saving
    assigned = set(Assignment.objects.filter(member=world["me"]).values_list("household__household_key", flat=True))
    assert assigned == {"TH-001", "TH-002", "TH-003"}
    assert "Đỗ Văn Tuấn (3)" in page.locator("#f-member").inner_text()  # the member's load
    assert page.errors == []


def test_the_resident_form_shows_all_its_errors_at_once(database_restored, server, browser_page):
    page = browser_page
    world = _world()
    household = world["households"][0]
    _log_in(page, server.url, "thanhvien")
    page.goto(f"{server.url}/households/{household.pk}/residents/new/")
    page.fill("input[name=birth_year]", "1850")
    page.fill("input[name=phone]", "12345")
    page.fill("input[name=citizen_id]", "00119200456X")
    page.check("input[name=gender][value=female]")
    # The server's checks, not the browser's (a phone may not run them all).
    page.evaluate("document.querySelector('input[name=citizen_id]').form.noValidate = true")
    page.click("main form button.primary")
    page.wait_for_load_state()
    errors = page.locator(".field.has-error")
    assert errors.count() == 4  # name, year, phone, citizen ID: all at once
    assert page.input_value("input[name=phone]") == "12345"
    assert page.errors == []
