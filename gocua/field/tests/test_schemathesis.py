"""Schemathesis over the whole OpenAPI schema at /api/v1/openapi.json: no generated request gets a 5xx.

Runs in-process (WSGI) against the `world` data with a device token of EVERY role (member, leader,
commune officer, province officer, national admin), so each operation has its body fuzzed by a
caller allowed to reach it, not only by one that gets 401/403; a bounded number of examples per
operation and role keeps it to a few minutes on two cores, so it is its own CI stage:
`GOCUA_SCHEMATHESIS=1 pytest gocua/field/tests/test_schemathesis.py` (skipped otherwise;
GOCUA_SCHEMATHESIS_EXAMPLES overrides the examples per operation and role).
"""

import os

import pytest
from hypothesis import HealthCheck, settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402

from gocua.field.tests.conftest import issue  # noqa: E402

EXAMPLES = int(os.environ.get("GOCUA_SCHEMATHESIS_EXAMPLES", "2"))
ROLES = ["team_member", "team_leader", "commune_officer", "province_officer", "national_admin"]


def _schema():
    from django.core.wsgi import get_wsgi_application

    # Loaded at collection through the app itself: the schema is built from code, not the database.
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


schema = _schema()


@pytest.mark.schemathesis
@pytest.mark.skipif(not os.environ.get("GOCUA_SCHEMATHESIS"), reason="its own CI stage: set GOCUA_SCHEMATHESIS=1")
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
def test_no_request_the_schema_allows_gets_a_server_error(case, world, role):
    user = world.users[role]
    issued = getattr(user, "fuzz_token", None)
    if issued is not None:
        issued.token.refresh_from_db(fields=["revoked_at"])
    if issued is None or issued.token.revoked_at is not None:
        # One token per role, renewed when an example logged the device out (DELETE /auth/token[s/{id}]).
        issued = user.fuzz_token = issue(user)
    case.call_and_validate(headers={"Authorization": f"Bearer {issued.secret}"}, checks=[not_a_server_error])
