"""Fixtures for help requests: a filled-in public form, as a resident's phone sends it."""

import time

import pytest

from gocua.field.tests.conftest import database_restored  # noqa: F401 — the browser test's fixture
from gocua.helprequests import services


def pytest_configure(config):
    # As in gocua/field/tests/conftest.py: the marker is registered where it is used.
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright (skipped without it)")


def form(**overrides) -> dict:
    """Return the fields of a public form opened a minute ago (past the time-to-fill check)."""
    data = {
        "service": "vneid", "other_text": "Quên mật khẩu VNeID", "preferred_time": "evening",
        "name": "Nguyễn Thị Hồng", "phone": "0912 345 678", "consent": "1", "website": "",
        "t": services.form_token(time.time() - 60),
    }
    data.update(overrides)
    return data


def submit(village, address="203.0.113.7", **overrides):
    return services.help_submit(village=village, data=form(**overrides), client_address=address)


@pytest.fixture
def filed(world):
    """Return a request filed for Tháp Thượng from the phone of the world's resident."""
    world.resident.phone = "0912345678"
    world.resident.save(update_fields=["phone"])
    return submit(world.village)
