"""The browser test of the skills form uses the field tests' fixtures and their marker."""

from gocua.field.tests.conftest import database_restored  # noqa: F401 - a fixture


