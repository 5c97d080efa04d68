"""Monthly partitions of the audit log, the indicator history and visit outcomes on PostgreSQL (issue 16, point 6).

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
    month = partitions.month_start(f.today())
    for _ in range(partitions.MONTHS_AHEAD + 1):
        assert partitions.partition_name(table, month) in names
        month = partitions.next_month(month)
    assert f"{table}_default" in names


def test_rows_land_in_their_month_and_a_query_reads_across_months():
    from gocua.accounts.models import AuditEvent

    today = f.today()
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


# --- visit outcomes, by the visit's date ------------------------------------------------------------


def _outcome_homes(visit) -> set[str]:
    return {home for (home,) in _rows(
        "SELECT o.tableoid::regclass::text FROM outreach_visitoutcome o "
        "JOIN outreach_visitresident r ON r.id = o.visit_resident_id WHERE r.visit_id = %s", [visit.pk]
    )}


def _visit_on(world, day: dt.date, *items):
    from gocua.outreach.tests.factories import backdate, checked, outcome, record

    backdate(world.household)
    return record(world.users["team_member"], world.household,
                  [checked(world.resident, *(outcome(item, "partly") for item in items))], visited_on=day)


def _items():
    from gocua.outreach.models import ServiceItem

    return list(ServiceItem.objects.filter(is_active=True).order_by("pk")[:2])


def test_outcomes_land_in_the_month_of_their_visit_and_a_query_reads_across_months(world):
    from gocua.outreach.models import VisitOutcome

    today = f.today()
    last_month = partitions.month_start(today) - dt.timedelta(days=3)
    partitions.ensure(connection, since=last_month)
    items = _items()
    recent, older = _visit_on(world, today, *items), _visit_on(world, last_month, *items)
    assert _outcome_homes(recent) == {partitions.partition_name("outreach_visitoutcome", partitions.month_start(today))}
    assert _outcome_homes(older) == {partitions.partition_name("outreach_visitoutcome", partitions.month_start(last_month))}
    both = VisitOutcome.objects.filter(visited_on__gte=last_month, visited_on__lte=today)
    assert both.count() == 4 and set(both.values_list("visited_on", flat=True)) == {today, last_month}
    # Through the visit, as the pages read them, the rows of both months come back too.
    assert VisitOutcome.objects.filter(visit_resident__visit__in=[recent, older]).count() == 4


def test_a_stray_outcome_in_the_default_moves_to_its_month(world):
    from gocua.outreach.models import VisitOutcome

    # Older than the first month the migration made (this month, on an empty table).
    long_ago = partitions.month_start(f.today()) - dt.timedelta(days=100)
    visit = _visit_on(world, f.today(), *_items()[:1])
    # A back-dated row no month takes yet (as an import of old paper lists would write).
    VisitOutcome.objects.filter(visit_resident__visit=visit).update(visited_on=long_ago)
    assert _outcome_homes(visit) == {"outreach_visitoutcome_default"}
    created = partitions.ensure(connection)
    name = partitions.partition_name("outreach_visitoutcome", partitions.month_start(long_ago))
    assert name in created
    assert _outcome_homes(visit) == {name}
    assert VisitOutcome.objects.filter(visit_resident__visit=visit, visited_on=long_ago).count() == 1


def test_correcting_a_visits_date_moves_its_outcomes_to_the_new_month(world):
    from gocua.outreach.services.visits import visit_correct
    from gocua.outreach.tests.factories import checked, copies_disagreeing, outcome

    today = f.today()
    earlier = partitions.month_start(today) - dt.timedelta(days=10)
    partitions.ensure(connection, since=earlier)
    item = _items()[0]
    visit = _visit_on(world, today, item)
    user = world.users["team_member"]
    visit_correct(actor=user, visit=visit, visited_on=earlier, member_ids=[user.member.pk],
                  residents=[checked(world.resident, outcome(item, "partly"))], reason="the day before")
    assert _outcome_homes(visit) == {partitions.partition_name("outreach_visitoutcome", partitions.month_start(earlier))}
    assert copies_disagreeing() == []


def test_the_outcomes_keep_their_keys_and_nothing_points_at_them(world):
    (unique,) = _rows("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'visit_outcome_unique' "
                      "AND conrelid = 'outreach_visitoutcome'::regclass AND contype = 'u'")[0]
    assert "visited_on" in unique and "province_code" in unique
    checks = {name for (name,) in _rows("SELECT conname FROM pg_constraint WHERE "
                                        "conrelid = 'outreach_visitoutcome'::regclass AND contype = 'c'")}
    assert "visit_outcome_province_given" in checks
    foreign = {d for (d,) in _rows("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE "
                                   "conrelid = 'outreach_visitoutcome'::regclass AND contype = 'f' AND conparentid = 0")}
    assert any("outreach_visitresident" in d for d in foreign) and any("outreach_serviceitem" in d for d in foreign)
    # A leaf: no foreign key points at it (convert refuses a table that one points at).
    assert _rows("SELECT 1 FROM pg_constraint WHERE confrelid = 'outreach_visitoutcome'::regclass") == []
    visit = _visit_on(world, f.today(), *_items()[:1])
    from gocua.outreach.models import VisitOutcome

    row = VisitOutcome.objects.get(visit_resident__visit=visit)
    with pytest.raises(DatabaseError), transaction.atomic():  # the unique key still holds
        _rows("INSERT INTO outreach_visitoutcome (visit_resident_id, item_id, province_code, visited_on, outcome, "
              "note) VALUES (%s, %s, %s, %s, 'done', '')",
              [row.visit_resident_id, row.item_id, row.province_code, row.visited_on])


def test_convert_refuses_a_table_a_foreign_key_points_at():
    with pytest.raises(RuntimeError, match="referenced by"), transaction.atomic():
        partitions.convert(connection, "outreach_visitresident", "id")


def test_outcomes_convert_and_unconvert_round_trip_keeps_rows_and_keys(world):
    _visit_on(world, f.today(), *_items())
    (count,) = _rows("SELECT COUNT(*) FROM outreach_visitoutcome")[0]

    def keys():
        return sorted(_rows("SELECT conname, contype, pg_get_constraintdef(oid) FROM pg_constraint "
                            "WHERE conrelid = 'outreach_visitoutcome'::regclass AND contype IN ('u', 'c', 'f')"))

    before = keys()
    partitions.unconvert(connection, "outreach_visitoutcome", "visited_on")
    with connection.cursor() as cursor:
        assert not partitions.is_partitioned(cursor, "outreach_visitoutcome")
    assert keys() == before and _rows("SELECT COUNT(*) FROM outreach_visitoutcome") == [(count,)]
    partitions.convert(connection, "outreach_visitoutcome", "visited_on")
    with connection.cursor() as cursor:
        assert partitions.is_partitioned(cursor, "outreach_visitoutcome")
    assert keys() == before and _rows("SELECT COUNT(*) FROM outreach_visitoutcome") == [(count,)]
