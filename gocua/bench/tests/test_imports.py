import json

import pytest
from django.core.management import call_command
from django.db import connection

from gocua.accounts.models import User
from gocua.bench import imports as bench
from gocua.bench.benchmarks import REGISTRY
from gocua.households.models import Household

pytestmark = pytest.mark.django_db


def test_the_import_benchmark_is_registered_on_gocua_bench():
    assert "import" in REGISTRY and REGISTRY["import"].run is bench.import_roster


def test_the_generated_roster_mixes_legacy_and_2025_addresses():
    data, distinct = bench.generate_roster(400)
    assert distinct == 16  # at least 4 villages × legacy/2025 × with/without diacritics
    assert bench.bare_read(data) == 401


def test_it_previews_and_imports_then_leaves_no_trace(monkeypatch, capsys, settings):
    monkeypatch.setattr(bench, "ROWS_PER_ITERATION", 300)
    settings.GOCUA_IMPORT_REBUILD_INDEXES_ROWS = 1  # the big-file path, as at 100,000 rows
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master ORDER BY name" if connection.vendor == "sqlite"
                       else "SELECT indexname, indexdef FROM pg_indexes ORDER BY indexname")
        schema = cursor.fetchall()
    call_command("bench", "import", "--json", "--iterations", "2")
    result = json.loads(capsys.readouterr().out)
    assert result["debug"] is False
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, sql FROM sqlite_master ORDER BY name" if connection.vendor == "sqlite"
                       else "SELECT indexname, indexdef FROM pg_indexes ORDER BY indexname")
        assert cursor.fetchall() == schema
    assert result["rows"] == 600 and result["written"]["residents_created"] > 550
    assert result["preview_s"] > 0 and result["import_s"] > 0 and result["ratio_to_bare_read"] > 1
    assert not Household.objects.exists() and not User.objects.filter(username__startswith="bench-").exists()
