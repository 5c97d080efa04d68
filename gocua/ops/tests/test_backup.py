"""A backup round trip: back up, damage the data, restore, and find the same rows and rollups."""

import pytest
from django.db import connection

from gocua import testing as f

TABLES = ["households_household", "households_resident", "teams_member", "places_unit", "indicators_unitstat"]


def _env(tmp_path, database_url=None):
    return f.process_env(tmp_path, database_url)


_gocua = f.run_gocua


def _counts(env) -> str:
    code = (
        "from django.db import connection\n"
        "c = connection.cursor()\n"
        f"for table in {TABLES!r}:\n"
        "    c.execute('SELECT COUNT(*) FROM ' + table)\n"
        "    print(table, c.fetchone()[0])\n"
        "c.execute('SELECT SUM(residents), SUM(households_covered) FROM indicators_unitstat')\n"
        "print('rollups', c.fetchone())\n"
    )
    result = _gocua(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.fixture
def database_url(db):
    """Return a throwaway database URL of the vendor the suite runs on."""
    if connection.vendor != "postgresql":
        yield None
        return
    with f.throwaway_postgresql("gocua_backup") as url:
        yield url


def test_backup_and_restore_round_trip_keeps_rows_and_rollups(tmp_path, database_url):
    env = _env(tmp_path / "data", database_url)
    for args in (("migrate", "-v", "0"), ("generate", "--provinces", "1", "--residents", "300", "--seed", "3")):
        result = _gocua(env, *args)
        assert result.returncode == 0, result.stderr
    before = _counts(env)
    assert "households_resident 300" in before
    photo = tmp_path / "data" / "media" / "projects" / "den.jpg"
    photo.parent.mkdir(parents=True)
    photo.write_bytes(b"\xff\xd8 photo bytes")
    backup = tmp_path / "gocua.backup"
    assert _gocua(env, "backup", str(backup)).returncode == 0
    assert backup.stat().st_size > 10_000
    photo.unlink()
    assert _gocua(env, "generate", "--reset").returncode == 0
    assert _counts(env) != before  # the damage is real
    restored = _gocua(env, "restore", str(backup), "--yes")
    assert restored.returncode == 0, restored.stderr
    assert _counts(env) == before
    assert photo.read_bytes() == b"\xff\xd8 photo bytes"
    check = _gocua(env, "check_rollups", "VN")
    assert check.returncode == 0, check.stdout + check.stderr


def test_backup_refuses_to_overwrite_and_restore_refuses_a_file_that_is_not_a_backup(tmp_path):
    env = _env(tmp_path / "data")
    assert _gocua(env, "migrate", "-v", "0").returncode == 0
    existing = tmp_path / "exists.backup"
    existing.write_text("x")
    result = _gocua(env, "backup", str(existing))
    assert result.returncode != 0 and "already exists" in result.stderr
    bogus = tmp_path / "bogus.backup"
    bogus.write_bytes(b"definitely not a database" * 50)
    result = _gocua(env, "restore", str(bogus), "--yes")
    assert result.returncode != 0 and "Traceback" not in result.stderr
    assert "backup" in result.stderr.lower()
