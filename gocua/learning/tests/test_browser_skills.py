"""The skills assessment in the offline app, in a real browser: two screens, made offline, sent on reconnect."""

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.field.tests import test_browser as base
from gocua.learning import stats
from gocua.learning.models import Assessment
from gocua.learning.services import framework_load
from gocua.learning.tests.helpers import SHIPPED

pytestmark = base.pytestmark
server, browser_page = base.server, base.browser_page
_log_in, _wait_synced = base._log_in, base._wait_synced


def test_an_assessment_made_offline_takes_two_screens_and_is_sent_on_reconnect(database_restored, server,
                                                                               browser_page):
    page = browser_page
    framework_load(actor=None, data=SHIPPED.read_bytes())
    village = f.make_village("09784", "Thôn Tháp Thượng")
    team = f.make_team(village, "Tổ công nghệ số cộng đồng thôn Tháp Thượng")
    member = f.make_user(Role.TEAM_MEMBER, village, username="thanhvien")
    f.make_member(team, full_name="Đỗ Văn Tuấn", role="member", user=member)
    for key in ("TT-001", "TT-002", "TT-003"):  # the log-in helper waits for a list of three
        f.make_resident(f.make_household(village, key), full_name=f"Chủ hộ {key}")
    _log_in(page, server.url)
    _wait_synced(page)
    server.stop()
    page.context.set_offline(True)
    page.click("a.row:has-text('TT-001')")
    screens = {page.evaluate("location.hash")}
    page.click("a.skills-link")
    screens.add(page.evaluate("location.hash"))
    assert page.locator("fieldset.skills-group legend").first.inner_text() == "0. Sử dụng thiết bị và phần mềm trên thiết bị"
    for code in ("0.a", "1.a", "2.a", "3.a", "4.a", "5.a"):
        page.check(f"input[data-code='{code}']")
    page.click("#skills-save")
    page.wait_for_selector("a.skills-link")
    assert len(screens) == 2
    assert page.locator("#pending").inner_text() == "1" and not Assessment.objects.exists()
    server.start()
    page.context.set_offline(False)
    _wait_synced(page)
    assessment = Assessment.objects.get()
    assert assessment.passed and assessment.framework.version == "2025.1"
    assert assessment.answers["0.a"] is True and assessment.answers["0.b"] is False
    assert stats.counts(["09784"])["09784"]["skills_passed"] == 1
    assert page.errors == [] and page.csp_violations == []
