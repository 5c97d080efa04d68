"""The offline app in a real browser: Debian's chromium driven by Playwright (no downloaded browsers).

The test runs against a live server thread of its own (like pytest-django's `live_server`, on a
transactional database) because it must stop the server for the offline part and start it
again on the same port: Playwright's offline switch may not cover the service worker's own
requests, and with the server gone the app cannot pass by reaching it.
"""

import datetime as dt
import os
import socket
from pathlib import Path

import pytest
from django.db import connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler

from gocua import testing as f
from gocua.accounts.models import Role, User
from gocua.field import tokens
from gocua.field.models import DeviceToken
from gocua.households.digital import Tri
from gocua.households.models import Household, Resident
from gocua.outreach.models import ServiceItem, Visit

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
FIRST_LOAD_LIMIT = 300 * 1024

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason=f"{CHROMIUM} is missing: install Debian's chromium (.ci/install-browser does it in CI)",
    ),
]


# --- fixtures ---------------------------------------------------------------------------------


class _ReusableServerThread(LiveServerThread):
    def _create_server(self, connections_override=None):
        # Django's live server refuses SO_REUSEADDR; a restart on the same port needs it
        # while the browser's old connections linger in TIME_WAIT.
        from django.test.testcases import QuietWSGIRequestHandler

        return self.server_class(
            (self.host, self.port), QuietWSGIRequestHandler, allow_reuse_address=True,
            connections_override=connections_override,
        )


class Server:
    """A live server thread that can be stopped and started again on the same port."""

    def __init__(self):
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        # In-memory SQLite: the server thread must use this thread's connection to see the data.
        self.overrides = {
            conn.alias: conn for conn in connections.all() if conn.vendor == "sqlite" and conn.is_in_memory_db()
        }
        self.thread = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        for conn in self.overrides.values():
            conn.inc_thread_sharing()
        self.thread = _ReusableServerThread("127.0.0.1", _StaticFilesHandler, self.overrides, port=self.port)
        self.thread.daemon = True
        self.thread.start()
        self.thread.is_ready.wait()
        if self.thread.error:
            raise self.thread.error

    def stop(self) -> None:
        if self.thread is not None:
            self.thread.terminate()
            self.thread = None
            for conn in self.overrides.values():
                conn.dec_thread_sharing()


@pytest.fixture
def server(transactional_db, settings):
    settings.ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
    # Playwright's sync API runs an event loop in this thread; Django refuses ORM calls in a
    # thread with a running loop unless told the calls are deliberate (they are: the test's).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    live = Server()
    live.start()
    yield live
    live.stop()
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def browser_page():
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    sync_playwright = sync_api.sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 360, "height": 740}, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", service_workers="allow")
        # Every Content-Security-Policy violation, from the page's own event and from the console
        # (Chromium logs "Refused to …" there), across navigations: tests assert there is none.
        violations = []
        context.expose_binding("reportCspViolation", lambda source, text: violations.append(text))
        context.add_init_script(CSP_LISTENER)
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.on("console", lambda msg: violations.append(msg.text) if "Content Security Policy" in msg.text else None)
        page.errors = errors
        page.csp_violations = violations
        yield page
        context.close()
        browser.close()


CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (e) => {
  window.reportCspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
});"""


def _demo_village():
    """The demo's member `thanhvien` in Thôn Tháp Thượng, with three households (factories, not `gocua demo`)."""
    village = f.make_village("09784", "Thôn Tháp Thượng")
    team = f.make_team(village, "Tổ công nghệ số cộng đồng thôn Tháp Thượng")
    leader = f.make_user(Role.TEAM_LEADER, village, username="totruong")
    member = f.make_user(Role.TEAM_MEMBER, village, username="thanhvien")
    f.make_member(team, full_name="Bùi Văn Trường", role="leader", user=leader)
    f.make_member(team, full_name="Đỗ Văn Tuấn", role="member", user=member)
    for number, (head, spouse) in enumerate(
        [("Đỗ Xuân Dương", "Nguyễn Thị Lan"), ("Phạm Văn Hùng", "Lê Thị Mai"), ("Trần Văn Nam", "Bùi Thị Hoa")],
        start=1,
    ):
        household = f.make_household(village, f"TT-{number:03d}", address_line="Xóm 1")
        f.make_resident(household, full_name=head, birth_year=1960 + number)
        f.make_resident(household, full_name=spouse, gender="female", relation="wife", birth_year=1962 + number)
    return village


def _commune_smartphones() -> int:
    return Resident.objects.filter(commune_code="09784", smartphone=Tri.YES).count()


# --- the test ----------------------------------------------------------------------------------


def _log_in(page, url: str) -> int:
    """Open the app for the first time and log in; return the bytes the first load transferred."""
    sizes = []
    page.on("response", lambda r: sizes.append(len(r.body())) if r.request.method == "GET" and r.ok else None)
    page.goto(f"{url}/field/")
    page.wait_for_selector("body[data-ready='1']")
    first_load = sum(sizes)
    page.fill("input[name=username]", "thanhvien")
    page.fill("input[name=password]", f.PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_selector("ul.list li >> nth=2")
    _wait_controlled(page)
    return first_load


def _wait_controlled(page) -> None:
    """Wait until the service worker controls the page.

    The worker's install caches the whole shell; on a loaded CI machine one of those fetches can
    fail against the single live-server thread, and the browser (like a phone) then installs again
    on the next load. So: wait generously, and if the page is still not controlled, load it once
    more, as a member would, and require control then.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    # Functions, not expression strings: Playwright evaluates a string with eval(), which the CSP refuses.
    try:
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)
    except PlaywrightTimeout:
        page.reload()
        page.wait_for_selector("body[data-ready='1']")
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=20000)


def _wait_synced(page, pending: int = 0) -> None:
    page.wait_for_function(
        f"() => document.getElementById('pending').textContent === '{pending}'"
        " && document.body.dataset.syncing === '0'",
        timeout=15000,
    )


def _record_visit(page, key: str, smartphone: ServiceItem) -> None:
    page.click(f"a.row:has-text('{key}')")
    page.click("a[href$='/visit']")
    page.click("button.qv-person >> nth=0")
    page.click(f"button.qv-a[data-item='{smartphone.pk}'][data-outcome='done'] >> nth=0")
    page.click("#qv-save")
    page.wait_for_selector("a[href$='/resident']")


def test_the_app_works_offline_and_every_change_reaches_the_server_once(database_restored, server, browser_page):
    page = browser_page
    _demo_village()
    smartphone = ServiceItem.objects.get(code="smartphone")
    assert _commune_smartphones() == 0

    first_load = _log_in(page, server.url)
    assert first_load < FIRST_LOAD_LIMIT
    assert page.locator("ul.list li").count() == 3

    # Offline: no server at all, and the browser's own switch.
    server.stop()
    page.context.set_offline(True)
    page.reload()
    page.wait_for_selector("body[data-ready='1']")
    assert page.locator("#net.off").count() == 1
    assert page.locator("ul.list li").count() == 3  # from IndexedDB, the shell from the cache

    _record_visit(page, "TT-001", smartphone)
    page.click("a[href$='/resident']")
    page.fill("input[name=full_name]", "Đỗ Minh Khôi")
    page.fill("input[name=birth_year]", "2001")
    page.select_option("select[name=relation]", "child")
    page.click("form button[type=submit]")
    page.wait_for_selector("text=Đỗ Minh Khôi")
    assert page.locator("#pending").inner_text() == "2"
    assert not Visit.objects.exists()

    # Back online: the app syncs by itself.
    server.start()
    page.context.set_offline(False)
    _wait_synced(page)
    household = Household.objects.get(household_key="TT-001")
    assert Visit.objects.filter(household=household).count() == 1
    assert Resident.objects.filter(full_name="Đỗ Minh Khôi", household=household).count() == 1
    assert _commune_smartphones() == 1
    assert page.errors == []
    assert page.csp_violations == []


def test_a_sync_cut_off_mid_request_is_retried_without_duplicates(database_restored, server, browser_page):
    page = browser_page
    _demo_village()
    smartphone = ServiceItem.objects.get(code="smartphone")
    _log_in(page, server.url)
    _wait_synced(page)

    cut = []

    def deliver_then_drop(route):
        # The server receives and applies the batch; the phone never hears the answer.
        if route.request.method == "POST" and not cut:
            route.fetch()
            cut.append(True)
            route.abort("internetdisconnected")
        else:
            route.continue_()

    page.route("**/api/v1/sync*", deliver_then_drop)
    with page.expect_event("requestfailed", lambda r: "/api/v1/sync" in r.url, timeout=15000):
        _record_visit(page, "TT-002", smartphone)
    _wait_synced(page, pending=1)
    household = Household.objects.get(household_key="TT-002")
    assert cut and Visit.objects.filter(household=household).count() == 1
    assert page.locator("#pending").inner_text() == "1"  # the phone does not know it arrived

    page.unroute("**/api/v1/sync*")
    page.click("#sync-now")
    _wait_synced(page)
    assert Visit.objects.filter(household=household).count() == 1
    assert Resident.objects.get(full_name="Phạm Văn Hùng").smartphone == Tri.YES
    assert f.today() - Visit.objects.get().visited_on <= dt.timedelta(days=1)

    # The leader logs the phone out from afar: at its next contact the app wipes what it holds.
    device = DeviceToken.objects.get(user__username="thanhvien")
    tokens.token_revoke(actor=User.objects.get(username="totruong"), token=device)
    _contact_until_wiped(page)
    assert page.evaluate(COUNT_HOUSEHOLDS) == 0


def _contact_until_wiped(page) -> None:
    """Press "sync now" until the app hears it was logged out and shows the login form.

    A press while a sync is running is ignored (the app's 60-second sync may have begun just
    before the revocation and end well); a second press is the next contact, which wipes. The
    wipe may also come from that background sync, with no press at all.
    """
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    login = page.locator("input[name=username]")
    for _attempt in range(2):
        if login.is_visible():
            return
        if page.locator("#sync-now").is_visible():
            page.click("#sync-now")
        try:
            login.wait_for(state="visible", timeout=30000)
            return
        except PlaywrightTimeout:
            continue
    login.wait_for(state="visible", timeout=1000)


COUNT_HOUSEHOLDS = """() => new Promise((resolve) => {
  const open = indexedDB.open("gocua-field", 1);
  open.onsuccess = () => {
    const request = open.result.transaction("households").objectStore("households").count();
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
  };
})"""


# --- the PIN lock ------------------------------------------------------------------------------------

COUNT_QUEUE = """() => new Promise((resolve) => {
  const open = indexedDB.open("gocua-field", 1);
  open.onsuccess = () => {
    const request = open.result.transaction("queue").objectStore("queue").count();
    request.onsuccess = () => { open.result.close(); resolve(request.result); };
  };
})"""

READ_PIN = """() => new Promise((resolve) => {
  const open = indexedDB.open("gocua-field", 1);
  open.onsuccess = () => {
    const request = open.result.transaction("kv").objectStore("kv").get("pin");
    request.onsuccess = () => { open.result.close(); resolve(request.result || null); };
  };
})"""


def _set_pin(page, pin: str, minutes: str = "5") -> None:
    page.click("a[href='#/pin']")
    page.fill("input[name=pin]", pin)
    page.fill("input[name=again]", pin)
    page.select_option("select[name=minutes]", minutes)
    page.click("form button[type=submit]")
    page.wait_for_selector("ul.list")


def test_an_idle_app_locks_and_the_pin_unlocks_the_same_screen_with_the_queue_kept(
    database_restored, server, browser_page
):
    page = browser_page
    page.clock.install()  # the real clock runs on; fast_forward below stands for minutes of idleness
    _demo_village()
    smartphone = ServiceItem.objects.get(code="smartphone")
    _log_in(page, server.url)
    _wait_synced(page)
    _set_pin(page, "2468")
    stored = page.evaluate(READ_PIN)
    assert stored["iterations"] >= 100000 and len(stored["salt"]) > 16 and "2468" not in str(stored)

    # Offline, a visit waits in the queue; the member leaves the phone on a household's page.
    server.stop()
    page.context.set_offline(True)
    _record_visit(page, "TT-003", smartphone)
    assert page.locator("#pending").inner_text() == "1"
    heading = page.locator("#view h1").inner_text()

    page.clock.fast_forward("04:00")
    assert page.locator("#lock").count() == 0  # not yet: 5 minutes
    page.clock.fast_forward("01:30")
    page.wait_for_selector("#lock input[name=pin]")
    assert page.locator("#view").is_hidden()

    page.fill("#lock input[name=pin]", "1111")
    page.click("#lock button[type=submit]")
    page.wait_for_function("() => document.querySelector('#lock .error').textContent.length > 0")
    assert page.locator("#view").is_hidden()

    page.reload()  # a reload does not open a locked app
    page.wait_for_selector("#lock input[name=pin]")
    page.fill("#lock input[name=pin]", "2468")
    page.click("#lock button[type=submit]")
    page.wait_for_selector("#lock", state="detached")
    assert page.locator("#view h1").inner_text() == heading
    assert page.locator("#pending").inner_text() == "1"
    assert page.evaluate(COUNT_QUEUE) == 1

    # Back online, the queued visit is sent as before.
    server.start()
    page.context.set_offline(False)
    _wait_synced(page)
    assert Visit.objects.filter(household__household_key="TT-003").count() == 1

    # The member may stop locking: the current PIN and an empty new one.
    page.click("a:has-text('←')")
    page.click("a[href='#/pin']")
    page.fill("input[name=current]", "2468")
    page.click("form button[type=submit]")
    page.wait_for_selector("ul.list")
    assert page.evaluate(READ_PIN) is None and page.locator("button.lock-now").count() == 0
    assert page.errors == [] and page.csp_violations == []


def test_a_forgotten_pin_logs_out_but_the_queue_is_sent_after_the_same_member_logs_in(
    database_restored, server, browser_page
):
    page = browser_page
    _demo_village()
    smartphone = ServiceItem.objects.get(code="smartphone")
    _log_in(page, server.url)
    _wait_synced(page)
    _set_pin(page, "135790", minutes="1")
    server.stop()
    page.context.set_offline(True)
    _record_visit(page, "TT-001", smartphone)
    page.click("a:has-text('←')")
    page.click("button.lock-now")
    page.wait_for_selector("#lock")

    page.click("#lock button.link")
    page.wait_for_selector("input[name=username]")
    assert page.evaluate(COUNT_QUEUE) == 1  # logged out, the queue kept
    assert page.evaluate(READ_PIN) is None

    server.start()
    page.context.set_offline(False)
    # Someone else may not log in on top of the member's unsent records.
    page.fill("input[name=username]", "totruong")
    page.fill("input[name=password]", f.PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_selector("form .error:has-text('thanhvien')")
    assert page.evaluate(COUNT_QUEUE) == 1

    page.fill("input[name=username]", "thanhvien")
    page.click("form button[type=submit]")
    page.wait_for_selector("ul.list li >> nth=2")
    _wait_synced(page)
    assert Visit.objects.filter(household__household_key="TT-001").count() == 1
    assert page.evaluate(COUNT_QUEUE) == 0
    assert page.errors == [] and page.csp_violations == []


# --- server pages under the Content-Security-Policy ------------------------------------------------


def test_server_pages_run_without_a_policy_violation(database_restored, server, browser_page):
    page = browser_page
    village = _demo_village()
    f.make_user(Role.COMMUNE_OFFICER, "09784", username="canbo")
    page.goto(f"{server.url}/login/")
    page.fill("input[name=username]", "totruong")
    page.fill("input[name=password]", f.PASSWORD)
    with page.expect_navigation():
        page.click("main form button.primary")
    for path in ("/outreach/work/", "/outreach/left-behind/", "/outreach/work/print/"):
        response = page.goto(server.url + path)
        assert response.status == 200, path
    page.context.clear_cookies()
    page.goto(f"{server.url}/login/")
    page.fill("input[name=username]", "canbo")
    page.fill("input[name=password]", f.PASSWORD)
    with page.expect_navigation():
        page.click("main form button.primary")
    for path in ("/dashboards/09784/", f"/units/{village.code}/", "/imports/", "/community/"):
        response = page.goto(server.url + path)
        assert response.status == 200, path
        assert "no-store" in response.headers["cache-control"]
    # The print button works through the page's script file, not an inline handler.
    page.goto(f"{server.url}/dashboards/09784/report/")
    page.evaluate("() => { window.print = () => { document.body.dataset.printed = '1'; }; }")
    page.click("button[data-print]")
    page.wait_for_selector("body[data-printed='1']")
    assert page.errors == [] and page.csp_violations == []

    # The listener is live: an inline script injected now is refused and reported.
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1'; "
                  "document.body.append(s); }")
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.ran === undefined")
    assert any("script-src" in v for v in page.csp_violations)
