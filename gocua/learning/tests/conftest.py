"""The browser test of the skills form uses the field tests' fixtures and their marker."""

from gocua.field.tests.conftest import database_restored  # noqa: F401 - a fixture


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Debian's chromium through Playwright (skipped without it)")
