"""Make a big import's write cheap on SQLite: indexes and search rows built once, after the rows.

Every resident inserted one by one costs an entry in 13 secondary indexes and three FTS5 search
tables (kept by AFTER INSERT triggers): at 100,000 rows that was most of the write. When an
import adds at least as many residents as the table already holds (`worth_it`), `loading()`
drops, inside the import's own transaction, the secondary indexes that no foreign-key check
needs and the search tables' insert triggers; after the rows it creates the indexes again and
fills the search tables for the new rows with one INSERT … SELECT per table, running each
trigger's own statement over the new rows. SQLite's DDL is transactional: when anything fails
before the commit, the rollback brings back indexes and triggers as they were, so a failed
import leaves neither rows nor a missing index behind.

PostgreSQL is left alone: DROP INDEX there locks the table against every reader until commit.
"""

import re
from contextlib import contextmanager

from django.conf import settings
from django.db import connection

from gocua.households.models import Household, IndicatorChange, Resident
from gocua.lib.bulk import secondary_indexes

DEFAULT_MIN_ROWS = 5_000
MODELS = (Household, Resident, IndicatorChange)
SEARCHED = (Household, Resident)  # the tables whose rows the search triggers copy
# A search trigger as the households migration writes it: one INSERT … VALUES (new.…) statement.
_TRIGGER = re.compile(
    r"^CREATE TRIGGER (?P<name>\S+) AFTER INSERT ON (?P<table>\S+) BEGIN "
    r"(?P<insert>INSERT INTO \S+\([^)]*\)) VALUES \((?P<values>.*)\); END$",
    re.S,
)


def min_rows() -> int:
    """Return the number of new residents from which a big import rebuilds indexes (setting)."""
    return int(getattr(settings, "GOCUA_IMPORT_REBUILD_INDEXES_ROWS", DEFAULT_MIN_ROWS))


def worth_it(new_residents: int) -> bool:
    """Return whether building the indexes after the rows is cheaper than keeping them up to date.

    Building costs a sort of the whole table, keeping them an index update per new row: so only
    when the import at least doubles the table (MAX(id) counts deleted rows too: a safe side).
    """
    if connection.vendor != "sqlite" or new_residents < min_rows():
        return False
    return new_residents >= _top_id(Resident)


def _top_id(model) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(model._meta.db_table)}")
        return cursor.fetchone()[0]


def _foreign_key_columns(model) -> set[str]:
    return {f.column for f in model._meta.concrete_fields if f.is_relation}


def droppable_indexes() -> list[tuple[str, str, str]]:
    """Return (name, table, CREATE statement) of the indexes a big import may build after its rows.

    Kept: unique indexes (they refuse a duplicate citizen ID or key as the rows go in) and an
    index over exactly one foreign-key column (SQLite's foreign-key checks scan the child table
    without it, once per parent row written).
    """
    keys = {m._meta.db_table: _foreign_key_columns(m) for m in MODELS}
    out = []
    with connection.cursor() as cursor:
        for name, table, sql in secondary_indexes(MODELS):
            cursor.execute(f"PRAGMA index_info({connection.ops.quote_name(name)})")
            columns = [row[2] for row in cursor.fetchall()]
            if len(columns) == 1 and columns[0] in keys[table]:
                continue
            out.append((name, table, sql))
    return out


def search_triggers() -> list[tuple[str, str, str, str]]:
    """Return (name, table, CREATE statement, INSERT … SELECT over `new`) of each search insert trigger."""
    tables = [m._meta.db_table for m in SEARCHED]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN (%s, %s) ORDER BY name",
            tables,
        )
        found = cursor.fetchall()
    out = []
    for name, sql in found:
        match = _TRIGGER.match(" ".join(sql.split()))
        if match is None:
            continue  # delete and update triggers, or one of another shape: kept as they are
        fill = f"{match['insert']} SELECT {match['values']} FROM {match['table']} AS new WHERE new.id > {{top}}"
        out.append((name, match["table"], sql, fill))
    return out


@contextmanager
def loading():
    """Drop droppable indexes and search insert triggers for the block; build them again after it.

    Call inside the import's transaction (the write lock is held, so the new rows are exactly the
    rows above the ids seen here). On an exception nothing is rebuilt: the rollback restores all.
    """
    indexes, triggers = droppable_indexes(), search_triggers()
    tops = {m._meta.db_table: _top_id(m) for m in SEARCHED}
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for name, _table, _sql in indexes:
            cursor.execute(f"DROP INDEX {quote(name)}")
        for name, _table, _sql, _fill in triggers:
            cursor.execute(f"DROP TRIGGER {quote(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, _table, sql in indexes:
            cursor.execute(sql)
        for _name, table, sql, fill in triggers:
            cursor.execute(fill.format(top=int(tops[table])))
            cursor.execute(sql)
