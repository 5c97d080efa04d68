"""Insert many rows of one model with one `executemany`, for the application's batch writes.

`QuerySet.bulk_create` builds a model instance per row and compiles every value through the
ORM: for a sync batch of 500 visits (about 5,500 rows in five tables) that was most of the
server's time. `insert_rows` takes plain dicts (attname → value), converts only the column
types that need it with the field's own `get_db_prep_save` (UUID, dates, JSON…), fills the
columns not given with the field default (`auto_now`/`auto_now_add` with one `now`), and
writes them with the driver's `executemany`: the same rows `bulk_create` would write, on
SQLite and PostgreSQL. No signals are sent and no ids come back; a caller that needs the
ids reads them back by a unique key (see `outreach.services.visits.record`).
"""

import uuid
from operator import itemgetter

from django.db import connection, models
from django.utils import timezone

_CONVERTED = {"UUIDField", "DateField", "DateTimeField", "JSONField", "DecimalField"}


def insert_rows(model: type[models.Model], rows: list[dict]) -> int:
    """Insert `rows` into `model`'s table; return how many. Raises IntegrityError like any insert.

    Every row must have the same keys (the first row's).
    """
    if not rows:
        return 0
    now = timezone.now()
    given = list(rows[0])
    fields = {f.attname: f for f in model._meta.concrete_fields}
    unknown = [name for name in given if name not in fields]
    if unknown:
        raise ValueError(f"{model.__name__} has no columns {unknown}")
    converters = [
        (i, _converter(fields[name])) for i, name in enumerate(given) if fields[name].get_internal_type() in _CONVERTED
    ]
    rest, constants = [], []
    for f in fields.values():
        if f.attname in given or f.primary_key:
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            constants.append(f.get_db_prep_save(now, connection))
        elif f.has_default() and callable(f.default):
            raise ValueError(f"{model.__name__}.{f.attname} has a per-row default: give it")
        else:
            constants.append(f.get_db_prep_save(f.get_default(), connection))
        rest.append(f)
    columns = ", ".join(connection.ops.quote_name(fields[name].column) for name in given)
    columns += "".join(f", {connection.ops.quote_name(f.column)}" for f in rest)
    marks = ", ".join(["%s"] * (len(given) + len(rest)))
    sql = f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({marks})"
    pick = itemgetter(*given) if len(given) > 1 else (lambda row: (row[given[0]],))
    tail = tuple(constants)
    values = []
    for row in rows:
        value = pick(row)
        if converters:
            value = list(value)
            for i, convert in converters:
                value[i] = convert(value[i])
        values.append(tuple(value) + tail)
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(rows)


def _converter(field):
    """Return a one-argument function giving the column value of `field` as the driver takes it.

    Field.get_db_prep_save costs ~10 µs for a datetime (time-zone conversion); rows of a batch
    repeat the same datetimes and dates, so those are converted once per distinct value. UUIDs
    are all different: on SQLite (no native type) they are stored as 32 hex digits, as Django does.
    """
    kind = field.get_internal_type()
    if kind == "UUIDField" and not connection.features.has_native_uuid_field:
        def uuid_hex(value):
            return value.hex if isinstance(value, uuid.UUID) else field.get_db_prep_save(value, connection)
        return uuid_hex
    if kind in ("DateTimeField", "DateField"):
        cache: dict = {}

        def cached(value):
            if value not in cache:
                cache[value] = field.get_db_prep_save(value, connection)
            return cache[value]
        return cached
    return lambda value: field.get_db_prep_save(value, connection)


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """Return `count` new primary keys for `model`, so that rows can point at rows not yet written.

    PostgreSQL: taken from the table's identity sequence (safe with concurrent writers; they may
    not be consecutive). SQLite: the next numbers after both the table's AUTOINCREMENT counter and
    its largest id. Only call this inside a write transaction on SQLite (Django's transactions
    here are BEGIN IMMEDIATE: the write lock is held, so no other writer can take the same ids);
    inserting the ids moves the counter past them.
    """
    if count <= 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)", [table, column, count]
            )
            return [row[0] for row in cursor.fetchall()]
        if not connection.in_atomic_block:
            raise RuntimeError("allocate_ids on SQLite needs the write transaction it will insert in")
        quoted = connection.ops.quote_name(table)
        cursor.execute(
            f"SELECT MAX(COALESCE((SELECT seq FROM sqlite_sequence WHERE name = %s), 0), "
            f"COALESCE((SELECT MAX({connection.ops.quote_name(column)}) FROM {quoted}), 0))",
            [table],
        )
        first = cursor.fetchone()[0] + 1
    return list(range(first, first + count))


def secondary_indexes(models_) -> list[tuple[str, str, str]]:
    """Return (name, table, CREATE statement) of the non-unique indexes of these models' tables."""
    tables = [m._meta.db_table for m in models_]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT i.relname, t.relname, pg_get_indexdef(i.oid) FROM pg_index x "
                "JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid "
                "WHERE t.relname = ANY(%s) AND NOT x.indisunique AND NOT x.indisprimary "
                "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.oid) ORDER BY i.relname",
                [tables],
            )
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                f"SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ({marks}) "
                "AND sql IS NOT NULL AND upper(sql) NOT LIKE 'CREATE UNIQUE%%' ORDER BY name",
                tables,
            )
        return list(cursor.fetchall())
