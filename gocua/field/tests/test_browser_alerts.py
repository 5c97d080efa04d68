"""A province's scam alert on a village member's phone, offline: the banner, the visit checklist, the count."""

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.alerts.models import HouseholdWarned
from gocua.alerts.selectors import warned_counts
from gocua.alerts.tests.factories import publish
from gocua.field.tests import test_browser as base
from gocua.households.models import Household
from gocua.outreach.models import Visit

pytestmark = base.pytestmark
server, browser_page = base.server, base.browser_page  # the fixtures of the offline-app test
_log_in, _wait_synced, _demo_village = base._log_in, base._wait_synced, base._demo_village


def test_a_province_alert_reaches_the_phone_and_is_ticked_offline(database_restored, server, browser_page):
    page = browser_page
    village = _demo_village()
    officer = f.make_user(Role.PROVINCE_OFFICER, "01", username="canbotinh")
    alert = publish(officer, "01", title="Giả danh công an gọi điện đòi chuyển tiền")
    publish(f.make_user(Role.COMMUNE_OFFICER, "19774"), "19774", title="Cảnh báo riêng của Huế")

    _log_in(page, server.url)
    _wait_synced(page)

    # Offline: no server at all. The alert came with the download and is read from IndexedDB.
    server.stop()
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    banner = page.locator(".alert-banner")
    assert banner.count() == 1
    assert "Giả danh công an gọi điện đòi chuyển tiền" in banner.inner_text()
    assert "Huế" not in banner.inner_text()
    page.click(f".alert-banner details[data-alert='{alert.pk}'] summary")
    assert "xưng là công an phường" in banner.inner_text()

    page.click("a.row:has-text('TT-001')")
    page.click("a[href$='/visit']")
    box = page.locator(f"input.qv-warned[value='{alert.pk}']")
    assert box.count() == 1 and not box.is_checked()
    page.click("button.qv-person >> nth=0")
    page.click("button.qv-away >> nth=0")
    box.check()
    page.click("#qv-save")
    page.wait_for_selector("a[href$='/resident']")
    assert not Visit.objects.exists()

    # Back online: the visit and its tick arrive together and count at every level at once.
    server.start()
    page.context.set_offline(False)
    _wait_synced(page)
    household = Household.objects.get(household_key="TT-001")
    warned = HouseholdWarned.objects.get()
    assert warned.household == household and warned.visit == Visit.objects.get(household=household)
    for code in (village.code, "09784", "01", "VN"):
        assert warned_counts([alert.pk], code)[alert.pk] == 1, code

    # After the sync the phone knows the household was warned: the box shows ticked and cannot be sent again.
    page.click("#sync-now")
    _wait_synced(page)
    page.click("a[href$='/visit']")
    box = page.locator(f"input.qv-warned[value='{alert.pk}']")
    assert box.is_checked() and box.is_disabled()
    assert page.errors == []
    assert page.csp_violations == []
