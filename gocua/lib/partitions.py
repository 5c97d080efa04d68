"""Monthly partitions for the append-only tables that grow without bound (PostgreSQL only).

The audit log (`accounts_auditevent`, by `at`), the indicator history (`households_indicatorchange`,
by `changed_at`) and visit outcomes (`outreach_visitoutcome`, by `visited_on`, the visit's date
copied onto each outcome) gain rows with every visit. On PostgreSQL they are declared
`PARTITION BY RANGE` on their time column with one partition per month (`<table>_p202612`) and a
DEFAULT partition that catches a row no monthly partition takes yet, so an insert never fails
because a partition is missing. Retention and vacuum then work month by month: autovacuum visits
only the partitions that change (the current month), an old month can be detached and archived
(`gocua partitions --detach-before 2024-01`), and a query with a date range (the audit log page,
the history charts) reads only the months it needs.

The time column is a timestamp (`at`, `changed_at`) or a date (`visited_on`): the month bounds are
written as dates, which PostgreSQL reads as midnight for a timestamp and as the day for a date.
Outcomes are not append-only (a visit corrected within 7 days rewrites them, and a new date moves
them to their new month: PostgreSQL moves a row across partitions on UPDATE), but they grow like
the others and are never deleted after that week.

`pg_partman` is not used: it is not installed on the servers we target (nor on this CI machine), and
what it would do here — create months ahead, move strays out of the default — is the few
statements below. SQLite has no partitioning; there everything here is a no-op.

Why the table shape changes a little on PostgreSQL:
- the primary key becomes (id, time column): PostgreSQL requires the partition key in every unique
  constraint. Django keeps using `id` alone (ids come from one sequence, so they stay unique). The
  other unique keys must already hold the time column (the outcomes' `visit_outcome_unique` does).
- `id` takes its default from a plain sequence owned by the column instead of an identity
  column: PostgreSQL 15 cannot have identity columns on partitioned tables (17 can).
  `pg_get_serial_sequence` still finds it, so Django's sequence resets work.
- the append-only triggers are created on the parent; PostgreSQL clones them to each partition.
- no foreign key may point at a partitioned table here (`convert` refuses): the tables are leaves.

Used by the migrations that convert the tables (`convert` / `unconvert`), by `gocua partitions`
and `gocua roll_day` (`ensure`: months ahead, strays moved), and by the benchmark generator before it
loads back-dated history.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

# table → its time column (a timestamp, or for outcomes the visit's date copied onto each row).
PARTITIONED: dict[str, str] = {
    "accounts_auditevent": "at",
    "households_indicatorchange": "changed_at",
    "outreach_visitoutcome": "visited_on",
}

MONTHS_AHEAD = 3


@dataclass(frozen=True)
class Partition:
    table: str
    name: str
    start: dt.date | None  # None: the DEFAULT partition
    rows: int
    bytes: int


def month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def next_month(day: dt.date) -> dt.date:
    return (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def partition_name(table: str, start: dt.date) -> str:
    return f"{table}_p{start:%Y%m}"


def _fetch(cursor, sql: str, params=()) -> list[tuple]:
    cursor.execute(sql, params)
    return cursor.fetchall()


def is_partitioned(cursor, table: str) -> bool:
    rows = _fetch(cursor, "SELECT 1 FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
                          "WHERE c.relname = %s AND c.relnamespace = current_schema()::regnamespace", [table])
    return bool(rows)


def _months(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], month_start(first)
    while month <= last:
        months.append(month)
        month = next_month(month)
    return months


def _existing(cursor, table: str) -> set[str]:
    return {name for (name,) in _fetch(
        cursor,
        "SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid "
        "JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = %s",
        [table],
    )}


def _run_deferred_checks(cursor) -> None:
    """Run the foreign-key checks queued by rows written earlier in this transaction.

    Django's foreign keys are DEFERRABLE INITIALLY DEFERRED, and PostgreSQL refuses to TRUNCATE or
    DROP a table with pending trigger events; this is what Django's `check_constraints` does.
    """
    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def _create_month(cursor, table: str, column: str, start: dt.date) -> bool:
    """Create the month's partition; rows of that month waiting in the default move into it."""
    name = partition_name(table, start)
    if name in _existing(cursor, table):
        return False
    end = next_month(start)
    default = f"{table}_default"
    bounds = f"FROM ('{start.isoformat()}') TO ('{end.isoformat()}')"
    strays = _fetch(cursor, f'SELECT 1 FROM "{default}" WHERE "{column}" >= %s AND "{column}" < %s LIMIT 1',
                    [start, end])
    if not strays:
        cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{table}" FOR VALUES {bounds}')
        return True
    # PostgreSQL refuses a new partition while the default holds rows of its range. The rows are
    # kept aside, the default emptied with TRUNCATE (which fires no row trigger: the append-only
    # triggers refuse DELETE, and nothing is lost — every row goes back in), the month created and
    # the rows inserted again through the parent, which routes them. One transaction.
    cursor.execute(f'CREATE TEMP TABLE gocua_strays ON COMMIT DROP AS SELECT * FROM "{default}"')
    _run_deferred_checks(cursor)
    cursor.execute(f'TRUNCATE "{default}"')
    cursor.execute(f'CREATE TABLE "{name}" PARTITION OF "{table}" FOR VALUES {bounds}')
    cursor.execute(f'INSERT INTO "{table}" SELECT * FROM gocua_strays')
    cursor.execute("DROP TABLE gocua_strays")
    return True


def ensure(connection, *, since: dt.date | None = None, today: dt.date | None = None,
           months_ahead: int = MONTHS_AHEAD) -> list[str]:
    """Create the monthly partitions from `since` (default: this month) to `months_ahead` months on.

    Returns the names created. A no-op on SQLite or on a table that is not partitioned.
    """
    if connection.vendor != "postgresql":
        return []
    today = today or timezone.localdate()
    last = month_start(today)
    for _ in range(months_ahead):
        last = next_month(last)
    created = []
    with connection.cursor() as cursor:
        for table, column in PARTITIONED.items():
            if not is_partitioned(cursor, table):
                continue
            first = since or today
            (oldest,) = _fetch(cursor, f'SELECT MIN("{column}") FROM "{table}_default"')[0]
            if oldest is not None:
                first = min(first, oldest.date() if isinstance(oldest, dt.datetime) else oldest)
            for month in _months(first, last):
                if _create_month(cursor, table, column, month):
                    created.append(partition_name(table, month))
    return created


def _unique_constraints(cursor, table: str) -> dict[str, str]:
    """Return the table's own UNIQUE constraints (not the primary key): name → definition."""
    return dict(_fetch(cursor, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                               "WHERE conrelid = %s::regclass AND contype = 'u' AND conparentid = 0", [table]))


def convert(connection, table: str, column: str, *, append_only_message: str | None = None,
            today: dt.date | None = None) -> None:
    """Turn a plain table into one partitioned by month on `column`, rows, indexes and keys kept."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if is_partitioned(cursor, table):
            return
        indexes = _fetch(cursor, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                 "AND tablename = %s", [table])
        pkey = _fetch(cursor, "SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass AND contype = 'p'",
                      [table])
        foreign = _fetch(cursor, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                                 "WHERE conrelid = %s::regclass AND contype = 'f'", [table])
        unique = _unique_constraints(cursor, table)
        pointing = _fetch(cursor, "SELECT conrelid::regclass::text FROM pg_constraint "
                                  "WHERE confrelid = %s::regclass AND contype = 'f'", [table])
        if pointing:
            # DROP TABLE … CASCADE below would drop their foreign keys without a word.
            raise RuntimeError(f"{table} is referenced by {sorted(p for (p,) in pointing)}: not partitioned")
        (oldest,) = _fetch(cursor, f'SELECT MIN("{column}") FROM "{table}"')[0]
        (next_id,) = _fetch(cursor, f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')[0]
        old = f"{table}_unpartitioned"
        _run_deferred_checks(cursor)
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
        cursor.execute(f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING DEFAULTS INCLUDING CONSTRAINTS '
                       f'INCLUDING STORAGE INCLUDING COMMENTS) PARTITION BY RANGE ("{column}")')
        sequence = f"{table}_pid_seq"  # the old identity sequence keeps "_id_seq" until the old table goes
        cursor.execute(f'CREATE SEQUENCE "{sequence}" START WITH {int(next_id)} OWNED BY "{table}".id')
        cursor.execute(f"""ALTER TABLE "{table}" ALTER COLUMN id SET DEFAULT nextval('"{sequence}"')""")
        cursor.execute(f'CREATE TABLE "{table}_default" PARTITION OF "{table}" DEFAULT')
        first = oldest.date() if isinstance(oldest, dt.datetime) else (oldest or today or timezone.localdate())
        today = today or timezone.localdate()
        last = month_start(today)
        for _ in range(MONTHS_AHEAD):
            last = next_month(last)
        for month in _months(min(first, today), last):
            end = next_month(month)
            cursor.execute(f'CREATE TABLE "{partition_name(table, month)}" PARTITION OF "{table}" '
                           f"FOR VALUES FROM ('{month.isoformat()}') TO ('{end.isoformat()}')")
        cols = ", ".join(f'"{name}"' for (name,) in _fetch(
            cursor, "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
                    "AND NOT attisdropped ORDER BY attnum", [old]))
        cursor.execute(f'INSERT INTO "{table}" ({cols}) SELECT {cols} FROM "{old}"')
        cursor.execute(f'DROP TABLE "{old}" CASCADE')
        pk_name = pkey[0][0] if pkey else f"{table}_pkey"
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{pk_name}" PRIMARY KEY (id, "{column}")')
        for name, definition in indexes:
            if name == pk_name or name in unique:
                continue
            # The definitions read before the rename name the table as it is called again now.
            cursor.execute(definition)
        # Unique keys come back as constraints (Django drops them by constraint name). One without
        # the time column would fail here: PostgreSQL cannot enforce it across partitions (a test
        # keeps every key of these tables holding it).
        for name, definition in unique.items():
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for name, definition in foreign:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    if append_only_message:
        from gocua.lib.append_only import _sql

        with connection.cursor() as cursor:
            for sql in _sql(table, append_only_message, "postgresql", up=True):
                cursor.execute(sql)


def unconvert(connection, table: str, column: str, *, append_only_message: str | None = None) -> None:
    """The reverse of `convert`: one plain table again, rows, indexes and keys kept."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        if not is_partitioned(cursor, table):
            return
        indexes = _fetch(cursor, "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
                                 "AND tablename = %s", [table])
        foreign = _fetch(cursor, "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                                 "WHERE conrelid = %s::regclass AND contype = 'f' AND conparentid = 0", [table])
        unique = _unique_constraints(cursor, table)
        (next_id,) = _fetch(cursor, f'SELECT COALESCE(MAX(id), 0) + 1 FROM "{table}"')[0]
        old = f"{table}_partitioned"
        _run_deferred_checks(cursor)
        cursor.execute(f'ALTER TABLE "{table}" RENAME TO "{old}"')
        cursor.execute(f'CREATE TABLE "{table}" (LIKE "{old}" INCLUDING CONSTRAINTS INCLUDING STORAGE)')
        cursor.execute(f'INSERT INTO "{table}" SELECT * FROM "{old}"')
        cursor.execute(f'DROP TABLE "{old}" CASCADE')
        cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN id ADD GENERATED BY DEFAULT AS IDENTITY '
                       f"(START WITH {int(next_id)})")
        cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{table}_pkey" PRIMARY KEY (id)')
        for name, definition in indexes:
            if name.endswith("_pkey") or name in unique:
                continue
            cursor.execute(definition.replace(" ONLY ", " "))
        for name, definition in unique.items():
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
        for name, definition in foreign:
            cursor.execute(f'ALTER TABLE "{table}" ADD CONSTRAINT "{name}" {definition}')
    if append_only_message:
        from gocua.lib.append_only import _sql

        with connection.cursor() as cursor:
            for sql in _sql(table, append_only_message, "postgresql", up=True):
                cursor.execute(sql)


def listing(connection) -> list[Partition]:
    """Every partition of the partitioned tables with its rows (estimated) and size on disk."""
    if connection.vendor != "postgresql":
        return []
    out = []
    with connection.cursor() as cursor:
        for table in PARTITIONED:
            for name, rows, size in _fetch(
                cursor,
                "SELECT c.relname, GREATEST(c.reltuples, 0)::bigint, pg_total_relation_size(c.oid) "
                "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent "
                "WHERE p.relname = %s ORDER BY c.relname",
                [table],
            ):
                start = None
                if name.startswith(f"{table}_p") and name[-6:].isdigit():
                    start = dt.date(int(name[-6:-2]), int(name[-2:]), 1)
                out.append(Partition(table, name, start, int(rows), int(size)))
    return out


def detach_before(connection, month: dt.date) -> list[str]:
    """Detach (not drop) the monthly partitions older than `month`; they stay as plain tables to archive.

    The rows leave the application's view but not the database: archive them with
    `pg_dump -t <name>` and drop the table when the retention rule allows (docs/SCALING.md).
    """
    if connection.vendor != "postgresql":
        return []
    detached = []
    with connection.cursor() as cursor:
        for part in listing(connection):
            if part.start is not None and part.start < month_start(month):
                cursor.execute(f'ALTER TABLE "{part.table}" DETACH PARTITION "{part.name}"')
                detached.append(part.name)
    return detached
