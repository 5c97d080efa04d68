"""`gocua partitions`: lists, creates ahead, refuses a bad month with a message (both databases)."""

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    out = io.StringIO()
    call_command("partitions", *args, stdout=out)
    return out.getvalue()


def test_the_command_lists_the_months_or_says_sqlite_has_none():
    text = _run("--ensure")
    if connection.vendor == "postgresql":
        assert "accounts_auditevent_default" in text and "households_indicatorchange_p" in text
    else:
        assert "SQLite" in text


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only checks the month")
@pytest.mark.parametrize("bad", ["2024-13", "tháng 3", "2024/01"])
def test_a_bad_month_is_refused_with_a_message(bad):
    with pytest.raises(CommandError, match="Tháng không hợp lệ"):
        _run("--detach-before", bad)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
def test_months_ahead_out_of_range_is_refused():
    with pytest.raises(CommandError, match="0–36"):
        _run("--ensure", "--months-ahead", "99")
