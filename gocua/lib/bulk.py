"""Insert many rows of one model with one `executemany`, for the application's batch writes.

`QuerySet.bulk_create` builds a model instance per row and compiles every value through the
ORM: for a sync batch of 500 visits (about 5,500 rows in five tables) that was most of the
server's time. `insert_rows` takes plain dicts (attname → value), converts only the column
types that need it with the field's own `get_db_prep_save` (UUID, dates, JSON…), fills the
columns not given with the field default (`auto_now`/`auto_now_add` with one `now`), and
writes them with the driver's `executemany`: the same rows `bulk_create` would write, on
SQLite and PostgreSQL. No signals are sent and no ids come back; a caller that needs the
ids reads them back by a unique key (see `outreach.services.visits`).
"""

from django.db import connection, models
from django.utils import timezone

_CONVERTED = {"UUIDField", "DateField", "DateTimeField", "JSONField", "DecimalField"}


def insert_rows(model: type[models.Model], rows: list[dict]) -> int:
    """Insert `rows` into `model`'s table; return how many. Raises IntegrityError like any insert."""
    if not rows:
        return 0
    now = timezone.now()
    given = rows[0].keys()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key or f.attname in given]
    plan = []  # (attname, converter field or None, constant or _GIVEN)
    for f in fields:
        convert = f if f.get_internal_type() in _CONVERTED else None
        if f.attname in given:
            plan.append((f.attname, convert, _GIVEN))
        elif getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            plan.append((f.attname, None, f.get_db_prep_save(now, connection)))
        elif f.has_default() and callable(f.default):
            raise ValueError(f"{model.__name__}.{f.attname} has a per-row default: give it")
        else:
            plan.append((f.attname, None, f.get_db_prep_save(f.get_default(), connection)))
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    values = [
        tuple(
            (convert.get_db_prep_save(row[name], connection) if convert is not None else row[name])
            if constant is _GIVEN else constant
            for name, convert, constant in plan
        )
        for row in rows
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, values)
    return len(rows)


_GIVEN = object()
