"""Monthly partitions of the audit log and the indicator history on PostgreSQL (issue 16, point 6).

Skipped on SQLite, which has no partitioning; the PostgreSQL stage of `.ci/run` runs them.
"""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from gocua import testing as f
from gocua.lib import partitions

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="partitioning is PostgreSQL's"),
]


def _rows(sql, params=()):
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _audit_at(when: dt.datetime) -> None:
    # The log refuses UPDATE (append-only), so a back-dated row is inserted as the generator does.
    _rows(
        "INSERT INTO accounts_auditevent (at, actor_username, action, object_type, object_id, detail, "
        "unit_code, province_code, commune_code, village_code) "
        "VALUES (%s, 'partitions', 'login', '', '', '{}', '', '', '', '')",
        [when],
    )


@pytest.mark.parametrize("table", sorted(partitions.PARTITIONED))
def test_the_growing_tables_are_partitioned_by_month_with_months_ahead(table):
    (strategy,) = _rows(
        "SELECT p.partstrat FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid WHERE c.relname = %s",
        [table],
    )[0]
    assert strategy == "r"
    names = {p.name for p in partitions.listing(connection) if p.table == table}
    month = partitions.month_start(dt.date.today())
    for _ in range(partitions.MONTHS_AHEAD + 1):
        assert partitions.partition_name(table, month) in names
        month = partitions.next_month(month)
    assert f"{table}_default" in names


def test_rows_land_in_their_month_and_a_query_reads_across_months():
    from gocua.accounts.models import AuditEvent

    today = dt.date.today()
    this_month = timezone.make_aware(dt.datetime(today.year, today.month, 2, 10, 0))
    last_month_day = partitions.month_start(today) - dt.timedelta(days=3)
    last_month = timezone.make_aware(dt.datetime.combine(last_month_day, dt.time(9, 0)))
    _audit_at(this_month)
    _audit_at(last_month)
    where = {
        name: count
        for name, count in _rows(
            "SELECT tableoid::regclass::text, COUNT(*) FROM accounts_auditevent "
            "WHERE actor_username = 'partitions' GROUP BY 1"
        )
    }
    assert where.get(partitions.partition_name("accounts_auditevent", partitions.month_start(today))) == 1
    # Last month's partition exists only if the table held rows then; otherwise the row waits in
    # the default partition until `ensure` creates the month and moves it.
    assert sum(where.values()) == 2
    rows = AuditEvent.objects.filter(actor_username="partitions", at__gte=last_month - dt.timedelta(hours=1))
    assert sorted(rows.values_list("at", flat=True)) == [last_month, this_month]


def test_ensure_moves_strays_out_of_the_default_partition_without_losing_one():
    long_ago = timezone.make_aware(dt.datetime(2019, 3, 14, 8, 30))
    _audit_at(long_ago)
    name = partitions.partition_name("accounts_auditevent", dt.date(2019, 3, 1))
    (home,) = _rows("SELECT tableoid::regclass::text FROM accounts_auditevent WHERE at = %s", [long_ago])[0]
    assert home == "accounts_auditevent_default"
    created = partitions.ensure(connection)
    assert name in created
    (home,) = _rows("SELECT tableoid::regclass::text FROM accounts_auditevent WHERE at = %s", [long_ago])[0]
    assert home == name
    assert _rows("SELECT COUNT(*) FROM accounts_auditevent WHERE at = %s", [long_ago]) == [(1,)]
    assert partitions.ensure(connection) == []  # idempotent


def test_the_audit_log_stays_append_only_on_every_partition():
    _audit_at(timezone.now())
    for statement in ("UPDATE accounts_auditevent SET action = 'logout'", "DELETE FROM accounts_auditevent"):
        with pytest.raises(DatabaseError) as refused, transaction.atomic():
            _rows(statement)
        assert "append-only" in str(refused.value)


def test_the_indicator_history_keeps_its_keys_and_ids_keep_coming():
    from gocua.households.models import IndicatorChange

    village = f.make_village(name="Thôn Phân Vùng")
    household = f.make_household(village)
    resident = f.make_resident(household)
    before = IndicatorChange.objects.filter(resident=resident).count()
    from gocua.households import services

    services.resident_set_indicators(actor=f.admin(), resident=resident, values={"vneid_level2": 2})
    changes = list(IndicatorChange.objects.filter(resident=resident).order_by("id"))
    assert len(changes) == before + 1
    assert changes[-1].pk and changes[-1].province_code == resident.province_code
    # The foreign key to the resident survived the conversion.
    (fk,) = _rows(
        "SELECT COUNT(*) FROM pg_constraint WHERE conrelid = 'households_indicatorchange'::regclass "
        "AND contype = 'f' AND conparentid = 0"
    )[0]
    assert fk >= 1
    # The id sequence is the column's own, so Django's sequence reset finds it.
    (sequence,) = _rows("SELECT pg_get_serial_sequence('households_indicatorchange', 'id')")[0]
    assert sequence


def test_no_unique_key_of_a_partitioned_table_leaves_out_the_time_column():
    for table, column in partitions.PARTITIONED.items():
        for (definition,) in _rows(
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass "
            "AND contype IN ('p', 'u')",
            [table],
        ):
            assert column in definition, definition


def test_convert_and_unconvert_round_trip_keeps_every_row():
    _audit_at(timezone.now())
    (count,) = _rows("SELECT COUNT(*) FROM accounts_auditevent")[0]
    message = "the audit log is append-only"
    partitions.unconvert(connection, "accounts_auditevent", "at", append_only_message=message)
    with connection.cursor() as cursor:
        assert not partitions.is_partitioned(cursor, "accounts_auditevent")
    assert _rows("SELECT COUNT(*) FROM accounts_auditevent") == [(count,)]
    partitions.convert(connection, "accounts_auditevent", "at", append_only_message=message)
    with connection.cursor() as cursor:
        assert partitions.is_partitioned(cursor, "accounts_auditevent")
    assert _rows("SELECT COUNT(*) FROM accounts_auditevent") == [(count,)]
    with pytest.raises(DatabaseError), transaction.atomic():
        _rows("DELETE FROM accounts_auditevent")


def test_detach_before_takes_old_months_out_and_keeps_them_as_tables():
    long_ago = timezone.make_aware(dt.datetime(2018, 5, 2, 8, 0))
    _audit_at(long_ago)
    partitions.ensure(connection)
    name = partitions.partition_name("accounts_auditevent", dt.date(2018, 5, 1))
    detached = partitions.detach_before(connection, dt.date(2018, 6, 1))
    assert name in detached
    assert _rows("SELECT COUNT(*) FROM accounts_auditevent WHERE at = %s", [long_ago]) == [(0,)]
    assert _rows(f'SELECT COUNT(*) FROM "{name}"') == [(1,)]
