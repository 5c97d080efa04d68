"""Fixtures for help requests: a filled-in public form, as a resident's phone sends it."""

import time

import pytest

from gocua.field.tests.conftest import database_restored  # noqa: F401 — the browser test's fixture
from gocua.helprequests import services


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
