"""A resident files a help request in a real browser; a member works it offline in the field app.

Debian's chromium through Playwright, with the field tests' live `server` fixture (it can be
stopped for the offline part) and `database_restored`.
"""

import time

import pytest

from gocua.field.tests import test_browser as base
from gocua.helprequests.models import HelpRequest, Status
from gocua.households.models import Household, Resident
from gocua.outreach.models import ServiceItem, Visit

pytestmark = [*base.pytestmark, pytest.mark.vietnamese]
server, browser_page = base.server, base.browser_page  # the fixtures of the offline-app test


def test_a_request_from_the_qr_page_is_claimed_offline_and_closed_by_a_visit(
    database_restored, server, browser_page, settings
):
    settings.GOCUA_HELP_MIN_FILL_SECONDS = 1
    page = browser_page
    village = base._demo_village()
    head = Resident.objects.get(full_name="Phạm Văn Hùng")
    Resident.objects.filter(pk=head.pk).update(phone="0912345678")
    household = Household.objects.get(household_key="TT-002")

    # The resident, from the QR code: no account, a few taps.
    page.goto(f"{server.url}/h/{village.code}/")
    page.click("label.help-choice:has(input[value='vneid'])")
    page.click("label.help-time:has(input[value='evening'])")
    page.fill("input[name=name]", "Phạm Văn Hùng")
    page.fill("input[name=phone]", "0912 345 678")
    page.check("input[name=consent]")
    time.sleep(1.1)  # people take longer than this; the time-to-fill check refuses faster
    page.click("form.help-form button[type=submit]")
    page.wait_for_selector(".help-sent")
    code = page.locator(".help-sent .ticket").inner_text()
    status_url = page.url
    request = HelpRequest.objects.get(code=code)
    assert (request.phone, request.service.code, request.preferred_time) == ("0912345678", "vneid", "evening")

    # The member's phone syncs, then works with no network at all.
    base._log_in(page, server.url)
    base._wait_synced(page)
    assert page.locator("a.help-link").inner_text().endswith("(1)")
    server.stop()
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    page.click("a.help-link")
    page.click(f"li.help-entry[data-id='{request.pk}'] a")
    page.click("button.help-claim")
    page.wait_for_selector(".help-status[data-status='claimed']")
    page.click(f"button.help-link-household[data-household='{household.uuid}']")
    page.click("a.help-visit")
    page.click("button.qv-person >> nth=0")
    vneid = ServiceItem.objects.get(code="vneid")
    page.click(f"button.qv-a[data-item='{vneid.pk}'][data-outcome='done'] >> nth=0")
    page.click("#qv-save")
    page.wait_for_selector("a[href$='/resident']")
    assert page.locator("#pending").inner_text() == "3"
    request.refresh_from_db()
    assert request.status == Status.NEW and not Visit.objects.exists()

    # Back online: the app sends the claim, the link and the visit; the visit closes the request.
    server.start()
    page.context.set_offline(False)
    base._wait_synced(page)
    request.refresh_from_db()
    visit = Visit.objects.get(household=household)
    assert (request.status, request.close_reason, request.visit) == (Status.CLOSED, "visit", visit)
    assert request.claimed_by.full_name == "Đỗ Văn Tuấn" and request.household == household

    # The resident's status page says so, and shows nothing of the household.
    page.goto(status_url.replace("?new=1", ""))
    assert page.locator(".help-status").get_attribute("data-status") == "closed"
    assert "Đã xong" in page.locator(".help-status").inner_text()
    assert "TT-002" not in page.content() and "Lê Thị Mai" not in page.content()
    assert page.errors == []
    assert page.csp_violations == []
