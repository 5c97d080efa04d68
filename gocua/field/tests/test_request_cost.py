"""A device-token call reads no session and no second user row (the cheap path of every sync)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_a_token_sync_download_reads_no_session(device_of):
    device = device_of("team_member")
    with CaptureQueriesContext(connection) as queries:
        response = device.get("/sync")
    assert response.status_code == 200
    sql = [q["sql"].lower() for q in queries.captured_queries]
    assert not [q for q in sql if "django_session" in q]
    # The user comes with the token (one joined query), not from a session lookup afterwards.
    assert len([q for q in sql if 'from "accounts_user"' in q]) == 0


def test_a_page_with_a_session_still_checks_the_temporary_password(client, world):
    user = world.users["team_member"]
    user.must_change_password = True
    user.save(update_fields=["must_change_password"])
    client.force_login(user)
    response = client.get("/outreach/work/")
    assert response.status_code == 302 and "password" in response["Location"]
