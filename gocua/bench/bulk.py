"""Insert and delete many rows quickly, for generated benchmark data only.

`QuerySet.bulk_create` compiles every value through the ORM (about 3 µs each); for 100,000
residents of ~40 columns that was 12 of the 19 seconds of `gocua generate`. Here the values are
plain Python values that the database driver takes as they are (see also `gocua.lib.bulk`, the
same idea for the application's own batch writes).

`Table` is the fast path of `gocua generate`: rows are tuples in a fixed column order, written
with `COPY … FROM STDIN` on PostgreSQL (psycopg 3 `cursor.copy()`) and batched `executemany` on
SQLite; columns the caller does not give get their constant default. `IdBlock` hands out primary
keys in advance (so that rows can point at rows not yet written) and `reset_sequences` moves
PostgreSQL's identity sequences past them afterwards. Generation assumes no other writer meanwhile.

`QuerySet.delete` loads every row it deletes (the collector needs them for signals and
cascades); `delete_rows` instead follows the relations pointing at the model without
loading rows: it cascades (recursively, the same way) and nulls, refuses when a protecting
row exists, then deletes with one statement.
"""

import datetime as dt
import functools
import importlib
import os
import sqlite3
from contextlib import AbstractContextManager, nullcontext

from django.db import connection, models, transaction
from django.db.models import CASCADE, DO_NOTHING, SET_NULL, ProtectedError, QuerySet
from django.utils import timezone

from gocua.lib.bulk import secondary_indexes


def delete_rows(queryset: QuerySet, *, handled: tuple[type[models.Model], ...] = ()) -> int:
    """Delete the rows of `queryset` in one statement; return how many.

    Rows of other tables that point at them are deleted (CASCADE) or unlinked (SET_NULL)
    first, DO_NOTHING references are ignored (as QuerySet.delete does), and any other
    reference (PROTECT, RESTRICT, …) raises ProtectedError: call it inside a transaction so
    that the cascades already done roll back. Models in `handled` are the caller's business.
    """
    model = queryset.model
    keys = queryset.order_by().values("pk")
    # Every relation pointing here, including hidden ones (related_name="+") and M2M links,
    # as Django's own deletion collector finds them.
    relations = [
        f
        for f in model._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_one or f.one_to_many)
    ]
    for relation in relations:
        if relation.related_model in handled or relation.on_delete is DO_NOTHING:
            continue
        dependents = relation.related_model._base_manager.filter(**{f"{relation.field.name}__in": keys})
        if relation.on_delete is CASCADE:
            delete_rows(dependents)
        elif relation.on_delete is SET_NULL:
            dependents.update(**{relation.field.name: None})
        elif dependents.exists():
            label = relation.related_model._meta.verbose_name_plural
            raise ProtectedError(f"{label} still refer to {model._meta.verbose_name_plural}", dependents[:10])
    sql, params = keys.query.sql_with_params()
    table, pk = (
        connection.ops.quote_name(model._meta.db_table),
        connection.ops.quote_name(model._meta.pk.column),
    )
    with connection.cursor() as cursor:
        # A plain IN (sub-select): no derived table whose column names could resolve to the outer row.
        cursor.execute(f"DELETE FROM {table} WHERE {pk} IN ({sql})", params)
        return cursor.rowcount


# --- the fast path for generated rows -------------------------------------------------------------


def is_postgresql() -> bool:
    return connection.vendor == "postgresql"


def fast_load() -> None:
    """Tune this connection for a bulk load (SQLite: a big page cache, no fsync per commit)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            # Generated data can be generated again: durability against power loss is not needed here,
            # and index pages of a few million rows must stay in memory or every insert reads disk.
            cursor.execute("PRAGMA cache_size=-1000000")
            if not connection.in_atomic_block:  # SQLite refuses these inside a transaction
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA temp_store=MEMORY")
                # Rows are consistent by construction. Checked, a parent row written while a deferred
                # reference is pending (households point at their heads) makes SQLite scan each child
                # table, which without the dropped indexes costs minutes.
                cursor.execute("PRAGMA foreign_keys=OFF")


def fast_load_done() -> None:
    """Undo what fast_load changed that matters after the load (SQLite: enforce foreign keys again)."""
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=NORMAL")


def skip_row_checks() -> bool:
    """Inside a transaction on PostgreSQL, skip the per-row foreign-key triggers if allowed; return whether.

    `session_replication_role = replica` (superuser only, reset at commit) is what pg_restore uses:
    generated rows are consistent by construction, and the per-row checks would double the load.
    """
    if not is_postgresql():
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if not cursor.fetchone()[0]:
            return False
        cursor.execute("SET LOCAL session_replication_role = replica")
    return True


@functools.lru_cache(maxsize=4096)
def _sqlite_datetime(value: dt.datetime) -> str:
    return connection.ops.adapt_datetimefield_value(value)


def db_datetime(value: dt.datetime | None):
    """Return an aware datetime as the database driver takes it (SQLite: Django's UTC text)."""
    if value is None or is_postgresql():
        return value
    return _sqlite_datetime(value)


@functools.lru_cache(maxsize=4096)
def _db_date(value: dt.date):
    return value if is_postgresql() else value.isoformat()


def db_date(value: dt.date | None):
    return None if value is None else _db_date(value)


def uuid_hex(bits: int) -> str:
    """Return a version-4 UUID made from 128 random bits, as 32 hex digits (both databases take it)."""
    bits = (bits & ~(0xF << 76)) | (0x4 << 76)
    bits = (bits & ~(0x3 << 62)) | (0x2 << 62)
    return f"{bits:032x}"


def uuid_text(hex32: str) -> str:
    """Return the usual 8-4-4-4-12 form of a 32-hex-digit UUID (as str(uuid.UUID) gives it)."""
    return f"{hex32[:8]}-{hex32[8:12]}-{hex32[12:16]}-{hex32[16:20]}-{hex32[20:]}"


class Table:
    """Collect rows for one model's table and write them in bulk (COPY or executemany)."""

    def __init__(self, model: type[models.Model], columns: list[str]):
        fields = {f.attname: f for f in model._meta.concrete_fields}
        unknown = [c for c in columns if c not in fields]
        if unknown:
            raise ValueError(f"{model.__name__} has no columns {unknown}")
        now = db_datetime(timezone.now())
        rest, tail = [], []
        for f in fields.values():
            if f.attname in columns or f.primary_key:
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                tail.append(now)
            elif f.has_default() and callable(f.default):
                raise ValueError(f"{model.__name__}.{f.attname} has a per-row default: give it")
            else:
                tail.append(f.get_db_prep_save(f.get_default(), connection))
            rest.append(f.attname)
        self.model, self.tail = model, tuple(tail)
        self.table = connection.ops.quote_name(model._meta.db_table)
        self.columns = [fields[c].column for c in [*columns, *rest]]
        self.rows: list[tuple] = []
        self.written = 0

    def add(self, row: tuple) -> None:
        self.rows.append(row)

    def flush(self) -> int:
        """Write the collected rows; return how many."""
        rows, self.rows = self.rows, []
        if not rows:
            return 0
        tail = self.tail
        columns = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if is_postgresql():
                with cursor.cursor.copy(f"COPY {self.table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row + tail)
            else:
                marks = ", ".join(["?"] * len(self.columns))
                sql = f"INSERT INTO {self.table} ({columns}) VALUES ({marks})"
                for start in range(0, len(rows), 20_000):
                    # The driver's own executemany: Django's wrapper would rewrite the SQL and tee the rows.
                    sqlite3.Cursor.executemany(cursor.cursor, sql, [r + tail for r in rows[start : start + 20_000]])
        self.written += len(rows)
        return len(rows)


class IdBlock:
    """Hand out primary keys after the largest one in use, per table."""

    def __init__(self, *models_: type[models.Model]):
        self.next = {m: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) + 1 for m in models_}

    @classmethod
    def starting_at(cls, starts: dict[type[models.Model], int]) -> "IdBlock":
        """Return a block whose next keys are `starts` (a range set aside for one part of a run)."""
        block = cls()
        block.next = dict(starts)
        return block

    def take(self, model: type[models.Model], count: int = 1) -> int:
        """Return the first of `count` new consecutive keys."""
        first = self.next[model]
        self.next[model] = first + count
        return first


def reset_sequences(*models_: type[models.Model]) -> None:
    """Move PostgreSQL's id sequences past the largest id (rows were written with explicit ids)."""
    if not is_postgresql():
        return  # SQLite's AUTOINCREMENT already follows the largest id written
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST((SELECT MAX(id) FROM {table}), 1))",
                [table],
            )


FTS_TABLES = ("households_resident_fts", "households_household_fts", "households_resident_rest_fts")


def optimize_search() -> None:
    """On SQLite, merge the search tables' segments after a bulk load (FTS5 'optimize').

    Rows added one by one leave FTS5 with many small segments, which every search must read;
    one merge after a load makes the search as fast as on a rebuilt index.
    """
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for table in FTS_TABLES:
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('optimize')")


def analyze(*models_: type[models.Model]) -> None:
    """Refresh the planner's statistics after a bulk load (both databases plan by them).

    On PostgreSQL outside a transaction, VACUUM too: it marks the new pages all-visible, so that
    index-only scans (the first step of a name search) need not visit the table.
    """
    vacuum = is_postgresql() and not connection.in_atomic_block
    with connection.cursor() as cursor:
        for model in models_:
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"VACUUM (ANALYZE) {table}" if vacuum else f"ANALYZE {table}")


# --- secondary indexes: dropped for a big load, built again after --------------------------------


def indexes_drop(*models_: type[models.Model]) -> int:
    """Drop the non-unique indexes of these tables, recording them first in DroppedIndex; return how many."""
    from gocua.bench.models import DroppedIndex

    found = secondary_indexes(models_)
    DroppedIndex.objects.bulk_create(
        [DroppedIndex(name=name, table=table, definition=sql) for name, table, sql in found], ignore_conflicts=True
    )
    with connection.cursor() as cursor:
        for name, _table, _sql in found:
            cursor.execute(f"DROP INDEX IF EXISTS {connection.ops.quote_name(name)}")
    return len(found)


def indexes_build(*, search: bool = True) -> int:
    """Build every index recorded in DroppedIndex (after a load, or after a run that died); return how many.

    With `search`, the search triggers recorded there are restored too (`search_tables_restore`).
    """
    from gocua.bench.models import DroppedIndex

    built = 0
    with connection.cursor() as cursor:
        if is_postgresql():
            cursor.execute("SET maintenance_work_mem = '1GB'")
        else:
            # Let SQLite's sorter use more than one core for CREATE INDEX (the default is none).
            cursor.execute(f"PRAGMA threads = {min(os.cpu_count() or 1, 8)}")
        for dropped in DroppedIndex.objects.exclude(pk__in=_dropped_triggers()).order_by("name"):
            sql = dropped.definition.replace("CREATE INDEX ", "CREATE INDEX IF NOT EXISTS ", 1)
            # A partitioned table's index reads "ON ONLY t": built like that, its partitions would
            # stay unindexed (gocua/lib/partitions.py). Built on the parent, it covers every month.
            sql = sql.replace(" ON ONLY ", " ON ", 1)
            cursor.execute(sql)
            dropped.delete()
            built += 1
    return built + (search_tables_restore() if search else 0)


# --- SQLite's search tables: filled in one pass after a load, not row by row ----------------------

# The AFTER INSERT triggers that keep the FTS5 tables (households migration 0002). Row by row they
# cost ~50 µs per resident inside the single writer's transaction; one 'rebuild' after the load
# costs about a third of that. Deletes and updates keep their triggers: a load only inserts.
SEARCH_INSERT_TRIGGERS = tuple(f"{table}_ai" for table in FTS_TABLES)
CONTENT_FTS_TABLES = FTS_TABLES[:2]  # kept over their table's column: FTS5 'rebuild' refills them
REST_FTS_TABLE = FTS_TABLES[2]  # contentless: emptied and filled with its trigger's expression


def _dropped_triggers():
    """The search triggers recorded in DroppedIndex (their tables are to be filled)."""
    from gocua.bench.models import DroppedIndex

    return DroppedIndex.objects.filter(definition__startswith="CREATE TRIGGER")


def search_triggers_drop() -> int:
    """On SQLite, drop the search tables' insert triggers, recording them in DroppedIndex; return how many.

    `indexes_build` creates them again and rebuilds the search tables, also after a run that died.
    """
    from gocua.bench.models import DroppedIndex

    if connection.vendor != "sqlite":
        return 0
    marks = ", ".join(["%s"] * len(SEARCH_INSERT_TRIGGERS))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN ({marks})",
            list(SEARCH_INSERT_TRIGGERS),
        )
        found = cursor.fetchall()
        DroppedIndex.objects.bulk_create(
            [DroppedIndex(name=name, table=table, definition=sql) for name, table, sql in found],
            ignore_conflicts=True,
        )
        for name, _table, _sql in found:
            cursor.execute(f"DROP TRIGGER IF EXISTS {connection.ops.quote_name(name)}")
    return len(found)


def search_tables_pending() -> bool:
    """Whether search triggers wait in DroppedIndex (their tables are to be filled)."""
    return _dropped_triggers().exists()


def search_tables_restore(turn: AbstractContextManager | None = None) -> int:
    """Fill the search tables from their tables and create again the search triggers recorded in
    DroppedIndex; return how many triggers.

    One transaction per search table, each inside `with turn:` (a lock shared with a process
    that writes in between; see `parallel.beside`). The triggers come back with the last table:
    a run that dies before leaves them recorded, and the next `indexes_build` fills all again.
    """
    turn = turn or nullcontext()
    triggers = list(_dropped_triggers().order_by("name"))
    if not triggers:
        return 0
    for table in CONTENT_FTS_TABLES:
        with turn, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {table}({table}) VALUES ('rebuild')")
    with turn, transaction.atomic(), connection.cursor() as cursor:
        _rest_table_rebuild(cursor)
        for dropped in triggers:
            cursor.execute(dropped.definition.replace("CREATE TRIGGER ", "CREATE TRIGGER IF NOT EXISTS ", 1))
            dropped.delete()
    with turn:
        optimize_search()
    return len(triggers)


def _rest_table_rebuild(cursor) -> None:
    """Empty the contentless rest-of-name table and fill it again with the expression its trigger uses."""
    # The expression, from the migration that created the trigger.
    rest_sql = importlib.import_module("gocua.households.migrations.0002_search_indexes").REST["sqlite"]
    rest = REST_FTS_TABLE
    cursor.execute(f"INSERT INTO {rest}({rest}) VALUES ('delete-all')")
    expression = rest_sql.format(n="name_folded")
    cursor.execute(f"INSERT INTO {rest}(rowid, rest) SELECT id, {expression} FROM households_resident")
