"""A big import on SQLite builds indexes and search rows after its rows (gocua/imports/bulkload.py)."""

import pytest
from django.db import connection

from gocua import testing as f
from gocua.households.models import Household, IndicatorChange, Resident
from gocua.households.search import household_search, resident_search
from gocua.imports import bulkload, writer
from gocua.imports.tests.helpers import person, problems_of, roster, run
from gocua.indicators.services import rollups_check

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif("connection.vendor != 'sqlite'", reason="PostgreSQL keeps its indexes during an import"),
]

ROSTER = (
    person("TT-200", "Phạm Văn Hùng", 1975, cid="001075000111", phone="0912 345 678", smartphone="x", vneid="không"),
    person("TT-200", "Đỗ Thị Mai", 1978, gender="Nữ", relation="Vợ", smartphone="có"),
    person("TT-200", "Phạm Thị Lan Anh", 2001, gender="Nữ", relation="Con"),
    person("TT-201", "Nguyễn Văn Bình", 1960, phone="+84 987 654 321", vneid="x"),
)


def _schema() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT type, name, sql FROM sqlite_master WHERE type IN ('index', 'trigger') "
            "AND tbl_name LIKE 'households_%%' ORDER BY name"
        )
        return cursor.fetchall()


@pytest.fixture
def big(settings, monkeypatch):
    """Take the big-import path for any import of at least one new resident; record that it was taken."""
    settings.GOCUA_IMPORT_REBUILD_INDEXES_ROWS = 1
    taken = []
    loading = bulkload.loading

    def spy():
        taken.append(True)
        return loading()

    monkeypatch.setattr(bulkload, "loading", spy)
    return taken


def _history() -> list[tuple]:
    return sorted(
        (c.resident.full_name, c.indicator, c.old_value, c.new_value, c.source, c.province_code)
        for c in IndicatorChange.objects.select_related("resident")
    )


def test_a_big_import_leaves_indexes_triggers_and_search_as_a_row_by_row_import_does(world, officer, big):
    before = _schema()
    result = run(officer, f.unit("09784"), roster(*ROSTER))
    assert problems_of(result) == [] and big == [True]
    assert _schema() == before
    assert [r.full_name for r in resident_search(user=officer, query="lan anh")] == ["Phạm Thị Lan Anh"]
    assert [r.full_name for r in resident_search(user=officer, query="pham van hung")] == ["Phạm Văn Hùng"]
    assert "TT-201" in [h.household_key for h in household_search(user=officer, query="Nguyễn Văn Bình")]
    # The search tables agree with their tables exactly (FTS5's own consistency check).
    with connection.cursor() as cursor:
        for table in ("households_resident_fts", "households_household_fts"):
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('integrity-check')")
    assert rollups_check().differences == []


def test_a_big_import_records_the_same_history_as_the_row_by_row_path(world, officer, big, settings):
    run(officer, f.unit("09784"), roster(*ROSTER))
    fast = _history()
    assert big == [True]
    assert ("Phạm Văn Hùng", "smartphone", 0, 1, "import", "01") in fast
    assert ("Nguyễn Văn Bình", "vneid_level2", 0, 1, "import", "01") in fast
    Household.objects.filter(household_key__in=["TT-200", "TT-201"]).update(head=None)
    IndicatorChange.objects.all().delete()
    Resident.objects.filter(household__household_key__in=["TT-200", "TT-201"]).delete()
    Household.objects.filter(household_key__in=["TT-200", "TT-201"]).delete()
    settings.GOCUA_IMPORT_REBUILD_INDEXES_ROWS = 10**9
    run(officer, f.unit("09784"), roster(*ROSTER))
    assert big == [True]  # not taken the second time
    assert _history() == fast


def test_reimporting_after_a_big_import_creates_nothing(world, officer, big):
    data = roster(*ROSTER)
    run(officer, f.unit("09784"), data)
    counts = Resident.objects.count(), Household.objects.count(), IndicatorChange.objects.count()
    again = run(officer, f.unit("09784"), data)
    assert (Resident.objects.count(), Household.objects.count(), IndicatorChange.objects.count()) == counts
    assert again.summary["residents"]["new"] == 0 and big == [True]  # nothing new: the usual path


def test_a_big_import_that_fails_mid_way_leaves_no_row_and_every_index_and_trigger(world, officer, big, monkeypatch):
    before = _schema()
    residents = Resident.objects.count()

    def boom(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(writer, "_set_heads", boom)  # after the rows, before the indexes come back
    with pytest.raises(RuntimeError):
        run(officer, f.unit("09784"), roster(*ROSTER))
    assert big == [True]
    assert _schema() == before
    assert Resident.objects.count() == residents and not Household.objects.filter(household_key="TT-200").exists()
    assert resident_search(user=officer, query="lan anh") == []


def test_only_an_import_that_at_least_doubles_the_table_rebuilds(world, settings):
    settings.GOCUA_IMPORT_REBUILD_INDEXES_ROWS = 5_000
    top = Resident.objects.order_by("-id").values_list("id", flat=True).first()
    assert not bulkload.worth_it(4_999)  # a small file: the indexes are kept up to date
    assert bulkload.worth_it(max(5_000, top))
    settings.GOCUA_IMPORT_REBUILD_INDEXES_ROWS = 1
    assert not bulkload.worth_it(top - 1)  # fewer new residents than the table holds


def test_unique_and_foreign_key_indexes_are_never_dropped(db):
    dropped = {name for name, _table, _sql in bulkload.droppable_indexes()}
    assert "households_resident_household_id_3e1228d6" not in dropped  # foreign-key checks need it
    assert "households_indicatorchange_resident_id_2d1c19f0" not in dropped
    assert not any(name.startswith("sqlite_autoindex") for name in dropped)  # unique: citizen ID, uuid
    assert {"resident_name_id", "indchange_resident", "households_resident_village_code_219e32b6"} <= dropped
    assert {name for name, *_rest in bulkload.search_triggers()} == {
        "households_household_fts_ai", "households_resident_fts_ai", "households_resident_rest_fts_ai"}
