"""The quick visit form of the offline app in a real browser at 360 px: the common case, counted in taps."""

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.field.tests import test_browser as base
from gocua.households.digital import INDICATOR_NAMES, Tri
from gocua.households.models import Resident
from gocua.outreach.models import ServiceItem, Visit

MAX_TAPS, MAX_SCREENS = 8, 3
pytestmark = base.pytestmark
server, browser_page = base.server, base.browser_page  # the fixtures of the offline-app test
_log_in, _wait_synced = base._log_in, base._wait_synced


def _household_lacking_vneid():
    village = f.make_village("09784", "Thôn Tháp Thượng")
    team = f.make_team(village, "Tổ công nghệ số cộng đồng thôn Tháp Thượng")
    member = f.make_user(Role.TEAM_MEMBER, village, username="thanhvien")
    f.make_member(team, full_name="Đỗ Văn Tuấn", role="member", user=member)
    household = f.make_household(village, "TT-001", address_line="Xóm 1")
    almost = {**dict.fromkeys(INDICATOR_NAMES, Tri.YES), "vneid_level2": Tri.NO}
    f.make_resident(household, full_name="Nguyễn Thị Lan", gender="female", birth_year=1970, indicators=almost)
    f.make_resident(household, full_name="Bé Na", gender="female", relation="child", birth_year=2020)
    for key in ("TT-002", "TT-003"):  # the log-in helper waits for a list of three
        f.make_resident(f.make_household(village, key), full_name=f"Chủ hộ {key}",
                        indicators=dict.fromkeys(INDICATOR_NAMES, Tri.YES))
    return household


def test_guided_vneid_done_takes_four_taps_on_three_screens(database_restored, server, browser_page):
    page = browser_page
    _household_lacking_vneid()
    vneid = ServiceItem.objects.get(code="vneid")
    _log_in(page, server.url)
    _wait_synced(page)
    taps, screens = [], {page.evaluate("location.hash") or "#/"}

    def tap(selector):
        page.click(selector)
        taps.append(selector)
        screens.add(page.evaluate("location.hash") or "#/")

    tap("a.row:has-text('TT-001')")
    tap("a[href$='/visit']")
    # Only the adult who still lacks something is offered, already open; the child is not.
    assert page.locator("button.qv-person").all_inner_texts() == ["Nguyễn Thị Lan 1970"]
    offered = {int(i) for i in page.locator("button.qv-done").evaluate_all("bs => bs.map(b => b.dataset.item)")}
    assert vneid.pk in offered
    assert not offered & {i.pk for i in ServiceItem.objects.filter(code__in=["smartphone", "payment"])}
    tap(f"button.qv-a[data-item='{vneid.pk}'][data-outcome='done']")
    tap("#qv-save")
    page.wait_for_selector("a[href$='/resident']")
    assert len(taps) <= MAX_TAPS and len(screens) <= MAX_SCREENS
    assert len(taps) == 4
    _wait_synced(page)
    visit = Visit.objects.get()
    assert [o.outcome for vr in visit.visit_residents.all() for o in vr.outcomes.all()] == ["done"]
    assert Resident.objects.get(full_name="Nguyễn Thị Lan").vneid_level2 == Tri.YES
    # The household's history on the phone shows the visit just recorded.
    assert page.locator("ol.history li").first.inner_text().startswith(visit.visited_on.strftime("%d/%m/%Y"))
    assert page.errors == []


def test_needs_more_help_sets_a_come_back_date_and_the_list_shows_it_due(database_restored, server, browser_page):
    page = browser_page
    _household_lacking_vneid()
    vneid = ServiceItem.objects.get(code="vneid")
    _log_in(page, server.url)
    _wait_synced(page)
    page.click("a.row:has-text('TT-001')")
    page.click("a[href$='/visit']")
    page.click(f"button.qv-a[data-item='{vneid.pk}'][data-outcome='partly']")
    page.click("button.chip[data-days='3']")
    page.click("#qv-save")
    page.wait_for_selector("a[href$='/resident']")
    _wait_synced(page)
    visit = Visit.objects.get()
    assert (visit.follow_up_on - visit.visited_on).days == 3
    page.click("a[href='#/']")
    assert "need-1" in page.locator("a.row:has-text('TT-001')").get_attribute("class")  # due this week
    assert page.errors == []
