"""Fixtures for the field app: device log-ins, a bearer-token JSON client, record builders."""

import uuid
from importlib import import_module

import pytest
from django.db import connection

from gocua import testing as f
from gocua.field import tokens
from gocua.outreach.models import ServiceItem


class DeviceClient(f.ApiClient):
    """A JSON client that calls /api/v1/ with `Authorization: Bearer <token>` and no session."""

    def __init__(self, secret: str | None, *, language: str = "en"):
        super().__init__(token=secret, language=language)
        self.secret = secret

    def sync(self, *records):
        response = self.post("/sync", {"records": list(records)})
        assert response.status_code == 200, response.content
        return response.json()


def issue(user, name: str = "Điện thoại thử"):
    return tokens.token_issue(username=user.username, password=f.PASSWORD, device_name=name)


@pytest.fixture
def device_of(world):
    """Return a function giving a logged-in DeviceClient for a `world` role name or a user."""

    def make(who="team_member", **kwargs) -> DeviceClient:
        user = world.users[who] if isinstance(who, str) else who
        return DeviceClient(issue(user).secret, **kwargs)

    return make


@pytest.fixture
def items(db):
    return {i.code: i for i in ServiceItem.objects.all()}


def record(kind: str, data: dict, uid=None) -> dict:
    return {"uuid": str(uid or uuid.uuid4()), "type": kind, "data": data}


@pytest.fixture
def database_restored(django_db_setup, django_db_blocker):
    """Let a transactional test flush the database, then put back what the session loaded.

    Set up before `transactional_db` (so torn down after its flush): the audit log's
    append-only triggers refuse the flush's DELETE, so they are dropped for the test and
    created again afterwards (with the migration's own SQL); the flush also empties the
    units and the catalogue that the session loaded once, so both are loaded again.
    """
    audit = import_module("gocua.accounts.migrations.0002_audit_append_only")
    with django_db_blocker.unblock():
        with connection.schema_editor() as editor:
            audit.backwards(None, editor)
    yield
    with django_db_blocker.unblock():
        from gocua.outreach.catalogue import catalogue_load
        from gocua.places.services import units_load

        with connection.schema_editor() as editor:
            audit.forwards(None, editor)
        units_load()
        catalogue_load()
