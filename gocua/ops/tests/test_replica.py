"""The replica router's rules, on any database (the primary + standby run is test_replica_pair.py)."""

import time

import pytest
from django.core import signing
from django.test import RequestFactory

from gocua.ops import replica

rf = RequestFactory()


def _with_cookie(request, until: float):
    request.COOKIES[replica.COOKIE] = signing.dumps(until, salt=replica.SALT)
    return request


def test_a_dashboard_read_is_eligible():
    assert replica.is_eligible(rf.get("/dashboards/09784/"))


def test_the_left_behind_api_is_eligible_but_the_sync_download_is_not():
    assert replica.is_eligible(rf.get("/api/v1/outreach/left-behind"))
    assert not replica.is_eligible(rf.get("/api/v1/sync"))


def test_a_write_is_never_eligible():
    assert not replica.is_eligible(rf.post("/dashboards/09784/"))


def test_a_page_that_writes_is_not_a_replica_path():
    assert not replica.is_eligible(rf.get("/outreach/visits/new/"))


def test_a_client_that_wrote_recently_reads_from_the_primary():
    request = _with_cookie(rf.get("/dashboards/09784/"), time.time() + 10)
    assert not replica.is_eligible(request)


def test_the_pin_expires():
    request = _with_cookie(rf.get("/dashboards/09784/"), time.time() - 1)
    assert replica.is_eligible(request)


def test_a_forged_pin_cookie_is_ignored():
    request = rf.get("/dashboards/09784/")
    request.COOKIES[replica.COOKIE] = "9999999999"
    assert replica.pinned_until(request) == 0.0


no_replica = pytest.mark.skipif(replica.configured(), reason="a replica is configured in this run")


@no_replica
def test_without_a_replica_every_read_goes_to_the_primary():
    assert not replica.configured()
    router = replica.ReplicaRouter()
    with replica.eligible_reads():
        from gocua.households.models import Household

        assert router.db_for_read(Household) == "default"


@no_replica
@pytest.mark.django_db
def test_without_a_replica_a_post_sets_no_pin_cookie(client):
    response = client.post("/i18n/setlang/", {"language": "en"})
    assert response.status_code in (200, 302)
    assert replica.COOKIE not in response.cookies


def test_sessions_and_users_are_never_read_from_the_replica():
    from django.contrib.sessions.models import Session

    from gocua.accounts.models import User

    router = replica.ReplicaRouter()
    token = replica._eligible.set(True)
    try:
        assert router.db_for_read(Session) == "default"
        assert router.db_for_read(User) == "default"
    finally:
        replica._eligible.reset(token)


def test_a_replica_needs_postgresql_for_the_primary(tmp_path):
    from gocua import testing as f

    env = f.process_env(tmp_path)
    env["GOCUA_DATABASE_REPLICA_URL"] = "postgres://postgres@127.0.0.1:1/x"
    env.pop("DATABASE_URL", None)
    result = f.run_gocua(env, "check")
    assert result.returncode != 0
    assert "GOCUA_DATABASE_REPLICA_URL needs DATABASE_URL on PostgreSQL" in result.stderr
