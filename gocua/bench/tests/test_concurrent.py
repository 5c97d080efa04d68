"""`gocua bench concurrent`: writers of different provinces at once, exact rollups, no shared rollup row."""

import json

import pytest
from django.db import connection

from gocua import testing as f


@pytest.mark.skipif(connection.vendor == "postgresql", reason="the SQLite answer; PostgreSQL runs it below")
def test_it_says_why_it_does_not_run_on_sqlite(tmp_path):
    env = f.process_env(tmp_path)
    assert f.run_gocua(env, "migrate", "-v", "0").returncode == 0
    result = f.run_gocua(env, "bench", "concurrent", "--json", "--iterations", "1")
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert (out["skipped"], "PostgreSQL only" in out["reason"]) == (True, True)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")
@pytest.mark.django_db
def test_two_provinces_sync_at_once_without_waiting_on_a_rollup_row_and_stay_exact(tmp_path):
    with f.throwaway_postgresql("gocua_conc") as url:
        env = f.process_env(tmp_path, url)
        for args in (("migrate", "-v", "0"), ("load_units",),
                     ("generate", "--provinces", "2", "--residents", "1500", "--seed", "3")):
            done = f.run_gocua(env, *args)
            assert done.returncode == 0, done.stderr
        result = f.run_gocua(env, "bench", "concurrent", "--json", "--iterations", "1", "--smoke")
        assert result.returncode == 0, result.stderr
        out = json.loads(result.stdout.strip().splitlines()[-1])
    rounds = out["rounds"]
    assert [r["writers"] for r in rounds] == [1, 2]
    assert len(rounds[1]["provinces"]) == 2
    assert all(r["visits"] == r["writers"] * out["batch"] for r in rounds)
    assert out["rollup_lock_waits"] == 0
    assert out["check_rollups_differences"] == 0
