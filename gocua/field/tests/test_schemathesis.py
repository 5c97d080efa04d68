"""Schemathesis over the whole OpenAPI schema at /api/v1/openapi.json: no generated request gets a 5xx.

Runs in-process (WSGI) against the `world` data, as a commune officer with a device token, with a
bounded number of examples per operation. It takes a minute or two, so it is its own CI stage:
`GOCUA_SCHEMATHESIS=1 pytest gocua/field/tests/test_schemathesis.py` (skipped otherwise).
"""

import os

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402

from gocua.field.tests.conftest import issue  # noqa: E402

EXAMPLES = 8


def _schema():
    from django.core.wsgi import get_wsgi_application

    # Loaded at collection through the app itself: the schema is built from code, not the database.
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


schema = _schema()


@pytest.mark.schemathesis
@pytest.mark.skipif(not os.environ.get("GOCUA_SCHEMATHESIS"), reason="its own CI stage: set GOCUA_SCHEMATHESIS=1")
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_request_the_schema_allows_gets_a_server_error(case, world):
    token = issue(world.users["commune_officer"]).secret
    case.call_and_validate(headers={"Authorization": f"Bearer {token}"}, checks=[not_a_server_error])
