"""The router against a real primary and streaming standby (`.ci/run` starts them with pg_basebackup).

Skipped unless GOCUA_DATABASE_REPLICA_URL is set. The standby's replay is paused to make it lag on
purpose, so what each read returns shows which server answered.
"""

import time

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext

from gocua import testing as f
from gocua.accounts.models import Role
from gocua.ops import replica

pytestmark = [
    pytest.mark.skipif(not replica.configured(), reason="needs GOCUA_DATABASE_REPLICA_URL (a streaming standby)"),
    pytest.mark.django_db(transaction=True, databases=["default", "replica"]),
]


def _wait_for_replay(timeout: float = 20.0) -> None:
    with connections["default"].cursor() as cur:
        cur.execute("SELECT pg_current_wal_lsn()")
        target = cur.fetchone()[0]
    deadline = time.monotonic() + timeout
    with connections["replica"].cursor() as cur:
        while time.monotonic() < deadline:
            cur.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target])
            if cur.fetchone()[0]:
                return
            time.sleep(0.05)
    raise AssertionError("the standby did not catch up")


def _set_replay(paused: bool) -> None:
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_wal_replay_pause()" if paused else "SELECT pg_wal_replay_resume()")


@pytest.fixture
def officer_client(client):
    from gocua.places.services import units_load

    units_load()  # a transactional test starts from empty tables
    village = f.make_village("09784", "Thôn Tháp Thượng")
    officer = f.make_user(Role.COMMUNE_OFFICER, "09784")
    client.force_login(officer)
    _wait_for_replay()
    yield client, village
    _set_replay(False)


def _households(client, village) -> tuple[int, int, int]:
    """Return (households figure, queries on the primary, queries on the replica) of one API read."""
    with CaptureQueriesContext(connections["default"]) as primary, CaptureQueriesContext(connections["replica"]) as rep:
        response = client.get(f"/api/v1/units/{village.code}/indicators")
    assert response.status_code == 200, response.content
    return response.json()["figures"]["households"], len(primary), len(rep)


def test_the_standby_is_a_real_streaming_replica():
    with connections["replica"].cursor() as cur:
        cur.execute("SELECT pg_is_in_recovery()")
        assert cur.fetchone()[0] is True


def test_a_dashboard_read_is_served_by_the_replica(officer_client):
    client, village = officer_client
    f.make_household(village, "TT-001")
    _wait_for_replay()
    households, _on_primary, on_replica = _households(client, village)
    assert households == 1
    assert on_replica > 0


def test_a_lagging_replica_answers_stale_to_others_but_the_writer_reads_its_write(officer_client):
    client, village = officer_client
    _set_replay(True)
    f.make_household(village, "TT-002")  # committed on the primary, not yet replayed on the standby
    stale, _p, on_replica = _households(client, village)
    assert (stale, on_replica > 0) == (0, True)  # proves the read went to the lagging standby

    response = client.post("/i18n/setlang/", {"language": "en"})  # any write pins the client
    assert replica.COOKIE in response.cookies
    fresh, on_primary, on_replica = _households(client, village)
    assert fresh == 1
    assert on_replica == 0 and on_primary > 0


def test_writes_never_go_to_the_replica(officer_client):
    client, village = officer_client
    with CaptureQueriesContext(connections["replica"]) as rep, replica.eligible_reads():
        f.make_household(village, "TT-003")
    assert not [q for q in rep.captured_queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE"))]
