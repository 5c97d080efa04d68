"""The progress of a background preview in a real browser (Debian's chromium through Playwright).

The page polls its status JSON from imports/progress.js and reloads itself when the work is
done; a strict Content-Security-Policy would block an inline script, so none is used.
"""

import os
from pathlib import Path

import pytest
from django.test import Client

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.field.tests import conftest as field_conftest
from gocua.field.tests import test_browser as field_browser
from gocua.imports import services, tasks
from gocua.imports.tests.helpers import person, roster

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"{CHROMIUM} is missing")
# The field tests' server (not pytest-django's live_server, whose flush runs after every fixture
# and so would leave the next tests without units): database_restored puts them back.
database_restored = field_conftest.database_restored
server = field_browser.server


@pytest.fixture(autouse=True)
def _no_network():
    """The browser talks to the live server on 127.0.0.1: this module's tests need sockets."""


def test_the_progress_bar_follows_the_worker_and_the_page_shows_the_preview_when_it_is_done(
    database_restored, server, settings
):
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop
    settings.GOCUA_IMPORT_BACKGROUND_ROWS = 1
    f.make_village("09784", "Thôn Tháp Thượng")
    officer = f.make_user(Role.COMMUNE_OFFICER, "09784")
    address = "Thôn Tháp Thượng, Xã Đan Phượng, Thành phố Hà Nội"
    data = roster(person("TT-1", "Hoàng Văn Nam", 1975, address=address),
                  person("TT-2", "Đặng Văn Sơn", 1960, address=address))
    batch = services.import_start(actor=officer, commune=f.unit("09784"), filename="r.xlsx", data=data)
    client = Client()
    client.force_login(officer)
    cookie = {"name": "sessionid", "value": client.cookies["sessionid"].value, "url": server.url}
    try:
        with sync_api.sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 360, "height": 740})
            context.add_cookies([cookie])
            page = context.new_page()
            errors = []
            page.on("pageerror", lambda exc: errors.append(str(exc)))
            page.goto(f"{server.url}/imports/{batch.uuid}/")
            assert page.locator("progress[data-progress-bar]").get_attribute("max") == "2"
            assert page.locator('button[value="confirm"]').count() == 0
            tasks.preview_batch.call(batch.pk)  # the worker does its work; the page finds out by itself
            page.wait_for_selector('button[value="confirm"]', timeout=15_000)
            assert page.locator("progress").count() == 0 and "2" in page.locator("#rows-add-up").inner_text()
            assert errors == []
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 360 + 1, width  # no sideways scrolling on a 360 px phone
            browser.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
