"""`gocua generate` with several worker processes writes the same rows as one process.

Real processes on real databases: each run is a child `gocua` process on a database of its own
(a SQLite file, or a throwaway PostgreSQL database), so that the workers it forks can see it.
"""

import shutil

import pytest
from django.db import connection

from gocua import testing as f

pytestmark = pytest.mark.django_db

# Lower the size from which a run drops the secondary indexes and the search triggers, so that a
# test-sized run takes the same path as a million residents.
GENERATE = (
    "from django.core.management import call_command\n"
    "from gocua.bench import generator\n"
    "generator.DROP_INDEXES_FROM = 1_000\n"
    "call_command('generate', '--provinces', '3', '--residents', '3001', '--seed', '5', '--workers', '{workers}')\n"
)
# Columns that differ between two runs by design: timestamps of the moment of writing, the
# encrypted citizen ID (a fresh nonce each time; its hash and mask are compared), and the ids the
# database hands out itself in the order rows arrive (the generator's own ids are compared).
DIFFERENT = {"created_at", "updated_at", "assigned_at", "citizen_id_encrypted"}
TABLES = {
    "places_unit": set(),
    "teams_team": set(),
    "teams_member": set(),
    "households_household": set(),
    "households_resident": set(),
    "outreach_visit": set(),
    "outreach_visitresident": set(),
    "outreach_visit_members": {"id"},
    "outreach_visitoutcome": {"id"},
    "households_indicatorchange": {"id"},
    "households_assignment": {"id"},
}
DUMP = (
    "import hashlib\n"
    "from django.db import connection\n"
    "c = connection.cursor()\n"
    f"for table, skip in {sorted(TABLES.items())!r}:\n"
    f"    skip = set(skip) | {DIFFERENT!r}\n"
    "    c.execute(f'SELECT * FROM {table}')\n"
    "    keep = [i for i, d in enumerate(c.description) if d[0] not in skip]\n"
    "    rows = sorted(repr(tuple(str(row[i]) for i in keep)) for row in c.fetchall())\n"
    "    print(table, len(rows), hashlib.sha256('\\n'.join(rows).encode()).hexdigest())\n"
    "if connection.vendor == 'sqlite':\n"
    "    for word in ('nguyen', 'thi', 'van'):\n"
    "        c.execute(\"SELECT count(*) FROM households_resident_fts WHERE households_resident_fts MATCH %s\", [word])\n"
    "        fts = c.fetchone()[0]\n"
    "        c.execute(\"SELECT count(*) FROM households_resident WHERE ' ' || name_folded || ' ' LIKE %s\", ['% ' + word + ' %'])\n"
    "        print('search', word, fts, c.fetchone()[0])\n"
)
# After the run the app must go on adding rows: the id sequences moved past what the workers wrote.
ADD_AFTER = (
    "from gocua import testing as f\n"
    "village = f.make_village('00004', 'Thôn Sau Khi Sinh')\n"
    "team = f.make_team(village)\n"
    "f.make_member(team)\n"
    "household = f.make_household(village, 'H9999')\n"
    "f.make_resident(household, full_name='Trần Thị Sau')\n"
    "print('added', village.pk, team.pk, household.pk)\n"
)


def _ok(env, *args):
    result = f.run_gocua(env, *args)
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    return result.stdout


def _databases(tmp_path):
    """Yield (env one, env two): two copies of one migrated database, of the suite's vendor."""
    if connection.vendor == "sqlite":
        first, second = tmp_path / "one.sqlite3", tmp_path / "two.sqlite3"
        env_one = f.process_env(tmp_path / "data", f"sqlite:///{first}")
        _ok(env_one, "migrate", "-v", "0")
        shutil.copy(first, second)
        yield env_one, f.process_env(tmp_path / "data", f"sqlite:///{second}")
        return
    with f.throwaway_postgresql("gocua_gen_one") as one:
        env_one = f.process_env(tmp_path / "data", one)
        _ok(env_one, "migrate", "-v", "0")
        with f.throwaway_postgresql("gocua_gen_two", template=one.rsplit("/", 1)[1]) as two:
            yield env_one, f.process_env(tmp_path / "data", two)


@pytest.fixture
def two_databases(tmp_path):
    yield from _databases(tmp_path)


def test_two_workers_write_the_same_rows_as_one_and_the_app_goes_on_after(two_databases):
    one, two = two_databases
    alone = _ok(one, "shell", "-c", GENERATE.format(workers=1))
    together = _ok(two, "shell", "-c", GENERATE.format(workers=2))
    for output in (alone, together):
        assert "3,001 residents" in output and "no drift" in output
    dump_one, dump_two = _ok(one, "shell", "-c", DUMP), _ok(two, "shell", "-c", DUMP)
    assert dump_one == dump_two
    rows = [line.split() for line in dump_one.splitlines()]
    counts = {row[0]: int(row[1]) for row in rows if row and row[0] in TABLES}
    assert counts["households_resident"] == 3_001 and counts["outreach_visitoutcome"] > 3_001
    for line in dump_two.splitlines():
        if line.startswith("search"):  # the search tables were filled after the load, completely
            _search, word, found, expected = line.split()
            assert found == expected and int(expected) > 0, line
    assert "added" in _ok(two, "shell", "-c", ADD_AFTER)


def test_a_worker_that_fails_stops_the_run_with_a_clear_message(two_databases):
    one, _two = two_databases
    broken = GENERATE.replace(
        "generator.DROP_INDEXES_FROM = 1_000\n",
        "generator.DROP_INDEXES_FROM = 1_000\n"
        "def fail(self, chunk):\n"
        "    raise RuntimeError('disk on fire')\n"
        "generator.ShareWriter.write = fail\n",
    ).format(workers=2)
    result = f.run_gocua(one, "shell", "-c", broken)
    assert result.returncode != 0
    assert "Generation failed: RuntimeError: disk on fire" in result.stderr
    assert "--reset" in result.stderr
