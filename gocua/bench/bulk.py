"""Insert and delete many rows quickly, for generated benchmark data only.

`QuerySet.bulk_create` compiles every value through the ORM (about 3 µs each); for 100,000
residents of ~40 columns that was 12 of the 19 seconds of `gocua generate`. Here the values are
plain Python values that the database driver takes as they are, and only the column types
that need it (UUID, date, datetime, JSON) go through Django's own conversion, so the rows are
the same as `bulk_create` would write, on SQLite and PostgreSQL alike.

`QuerySet.delete` loads every row it deletes (the collector needs them for signals and
cascades); `delete_rows` instead follows the relations pointing at the model without
loading rows: it cascades and nulls through the ORM, refuses when a protecting row exists,
then deletes with one statement.
"""

from django.db import connection, models
from django.db.models import CASCADE, DO_NOTHING, SET_NULL, ProtectedError, QuerySet
from django.utils import timezone

_CONVERTED = {"UUIDField", "DateField", "DateTimeField", "JSONField", "DecimalField"}


def insert_rows(model: type[models.Model], rows: list[dict], *, batch_size: int = 5_000) -> int:
    """Insert `rows` (attname → value); missing columns get the field default, auto_now columns now."""
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    defaults = {}
    for f in fields:
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            defaults[f.attname] = now
        elif not (f.has_default() and callable(f.default)):
            defaults[f.attname] = f.get_default()  # "" for text columns that are not null
    callables = {f.attname: f.default for f in fields if f.has_default() and callable(f.default)}
    converters = {f.attname: f for f in fields if f.get_internal_type() in _CONVERTED}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = (
        f"INSERT INTO {connection.ops.quote_name(model._meta.db_table)} ({columns}) "
        f"VALUES ({', '.join(['%s'] * len(fields))})"
    )
    constant = {
        name: converters[name].get_db_prep_save(now, connection)
        for name, v in defaults.items()
        if v is now and name in converters
    }

    def prepared(row: dict) -> tuple:
        values = []
        for f in fields:
            name = f.attname
            if name in row:
                value = row[name]
            elif name in constant:
                values.append(constant[name])
                continue
            elif name in callables:
                value = callables[name]()
            else:
                value = defaults[name]
            values.append(
                converters[name].get_db_prep_save(value, connection) if name in converters else value
            )
        return tuple(values)

    with connection.cursor() as cursor:
        for start in range(0, len(rows), batch_size):
            cursor.executemany(sql, [prepared(r) for r in rows[start : start + batch_size]])
    return len(rows)


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
            dependents.delete()
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
