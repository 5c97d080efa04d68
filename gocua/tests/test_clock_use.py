"""Dates come from the project's clock, asked when they are needed.

The machine's clock runs in UTC, seven hours behind Vietnam: from 17:00 UTC `date.today()` is
yesterday there. And a date kept in a module constant goes stale when a test run crosses
Vietnamese midnight: a CI run that started at 16:45 UTC failed 63 tests that way, each refusing a
visit dated "yesterday" to a household created "today". Code asks `timezone.localdate()`; tests
ask `gocua.testing.today()`.
"""

import re
from pathlib import Path

import gocua

ROOT = Path(gocua.__file__).parent
UTC_TODAY = re.compile(r"\b(?:dt\.|datetime\.)?date\.today\(\)|\bdatetime\.(?:now|today)\(\)(?!\.timestamp)")
MODULE_DATE = re.compile(r"^[A-Z][A-Z0-9_]* *=.*\b(?:localdate|today|now)\(\)", re.M)


def _sources():
    for path in sorted(ROOT.rglob("*.py")):
        if "migrations" not in path.parts:
            yield path, path.read_text(encoding="utf-8")


def test_no_code_asks_the_machine_for_a_utc_date():
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}"
        for path, text in _sources() if path.name != "test_clock_use.py"
        for m in UTC_TODAY.finditer(text)
        if "`" not in text[text.rfind("\n", 0, m.start()):m.start()]  # a mention in a docstring
    ]
    assert found == []


def test_no_module_keeps_a_date_in_a_constant():
    found = [
        f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}"
        for path, text in _sources()
        for m in MODULE_DATE.finditer(text)
    ]
    assert found == []


def test_the_patterns_catch_what_they_are_meant_to():
    assert UTC_TODAY.search("x = dt.date.today().isoformat()")
    assert UTC_TODAY.search("started = dt.datetime.now()")
    assert not UTC_TODAY.search("timezone.localdate()")
    assert MODULE_DATE.search("TODAY = timezone.localdate()\n")
    assert MODULE_DATE.search("THIS_YEAR = dt.date.today().year\n")
    assert not MODULE_DATE.search("    today = timezone.localdate()\n")
