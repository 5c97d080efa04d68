"""The field app's daily-reminders button in a real browser at 360 px (the push itself is tested in test_push)."""

from gocua.field.tests import test_browser as base

pytestmark = base.pytestmark
server, browser_page = base.server, base.browser_page  # the fixtures of the offline-app test


def test_a_logged_in_member_is_offered_daily_reminders_and_the_worker_handles_pushes(
        database_restored, server, browser_page):
    page = browser_page
    base._demo_village()
    page.goto(f"{server.url}/field/")
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#push-toggle").is_hidden()  # not before log-in: the subscription needs the token
    base._log_in(page, server.url)
    page.reload()
    page.wait_for_selector("#push-toggle:visible", timeout=10000)
    button = page.locator("#push-toggle")
    assert button.inner_text() == button.get_attribute("data-off") in ("Daily reminders", "Nhắc việc hằng ngày")
    assert page.locator("#push-toggle").get_attribute("aria-pressed") == "false"
    worker = page.evaluate("() => fetch('/field/sw.js').then((r) => r.text())")
    assert 'addEventListener("push"' in worker and 'addEventListener("notificationclick"' in worker
    cached = page.evaluate("() => caches.keys().then((k) => caches.open(k[0])).then((c) => c.keys())"
                           ".then((r) => r.map((x) => new URL(x.url).pathname))")
    assert any(path.endswith("field/push.js") for path in cached)  # precached: the app opens offline with it
    assert page.errors == [] and page.csp_violations == []
