"""On PostgreSQL, the hot queries use an index, never a sequential scan of households or residents.

A generated province (20,000 residents with a year of visits) is written once for the module,
then copied in SQL to 10× the households and 15× the residents (under made-up codes, so the scoped
lists under test keep their size) and ANALYZEd, so the planner chooses as it would on a big database:
with a few thousand rows it would rightly read the whole table. Skipped on SQLite.
"""

import datetime as dt
import re

import pytest
from django.db import connection, transaction
from django.test import override_settings

from gocua.accounts.models import Role, User
from gocua.bench.tests.helpers import run
from gocua.households import search
from gocua.households.models import Household, Resident
from gocua.households.selectors import household_list
from gocua.indicators.models import UnitStat
from gocua.outreach import selectors as outreach
from gocua.places.models import Level, Unit
from gocua.teams.models import Member

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="EXPLAIN plans are checked on PostgreSQL"),
]
BIG_TABLES = ("households_resident", "households_household")


@pytest.fixture(scope="module")
def province(django_db_setup, django_db_blocker):
    """Generate one province once for the module, ANALYZE it, and roll everything back afterwards."""
    fast = override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"])
    with django_db_blocker.unblock(), fast, transaction.atomic():
        run("generate", "--provinces", "1", "--residents", "20000", "--seed", "4")
        elsewhere = {c: f"'x' || g || {c}" for c in ("province_code", "commune_code", "village_code")}
        _copy_rows(Household, 9, {"uuid": "gen_random_uuid()", "household_key": "household_key || '~' || g",
                                  "head_id": "NULL", **elsewhere})
        _copy_rows(Resident, 14, {"uuid": "gen_random_uuid()", "citizen_id_hash": "NULL", **elsewhere})
        _copy_rows(UnitStat, 500, {"code": "'x' || g || code"})
        with connection.cursor() as cursor:
            for table in (*BIG_TABLES, "outreach_visit", "households_assignment", "indicators_unitstat"):
                cursor.execute(f"ANALYZE {table}")
        village = Unit.objects.filter(level=Level.VILLAGE).order_by("code").first()
        yield village
        transaction.set_rollback(True)


def _copy_rows(model, times: int, overrides: dict[str, str]) -> None:
    """Insert `times` copies of every row of `model` (new ids; `overrides`: column → SQL expression)."""
    columns = [f.column for f in model._meta.concrete_fields if not f.primary_key]
    values = [overrides.get(c, c) for c in columns]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {model._meta.db_table} ({', '.join(columns)}) "
            f"SELECT {', '.join(values)} FROM {model._meta.db_table} CROSS JOIN generate_series(1, {times}) AS g"
        )


def plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def assert_no_seq_scan(text: str) -> None:
    for table in BIG_TABLES:
        assert not re.search(rf"Seq Scan on {table}\b", text), text


def officer(role, unit) -> User:
    return User(username="explain", role=role, scope_unit=unit, is_active=True)


def test_resident_search_in_a_commune_reads_an_index(province):
    user = officer(Role.COMMUNE_OFFICER, province.parent)
    scoped = search.scoped(user, Resident.objects.all())
    scan = scoped.order_by(*search.RESIDENT_ORDER).values_list("pk", "name_folded")[: search.SCAN_ROWS]
    assert_no_seq_scan(plan(scan))
    by_index = search.match(scoped, "nguyen thi lan").order_by(*search.RESIDENT_ORDER)[:20]
    text = plan(by_index)
    assert_no_seq_scan(text)
    assert "households_resident_words" in text or "resident_commune_name" in text, text


def test_resident_search_in_a_province_uses_the_word_index(province):
    user = officer(Role.PROVINCE_OFFICER, Unit.objects.get(code=province.province_code, valid_to__isnull=True))
    text = plan(search.match(search.scoped(user, Resident.objects.all()), "tran quang khai")[:20])
    assert_no_seq_scan(text)
    assert "households_resident_words" in text, text


def test_the_household_list_of_a_village_reads_an_index(province):
    user = officer(Role.COMMUNE_OFFICER, province.parent)
    assert_no_seq_scan(plan(household_list(user=user, village=province)))


def test_the_work_list_reads_indexes(province):
    member = Member.objects.filter(left_on__isnull=True, assignments__isnull=False).order_by("pk").first()
    assert member is not None
    assert_no_seq_scan(plan(outreach.work_list_queryset(member, today=dt.date(2026, 6, 1))[:50]))


def test_the_left_behind_list_of_a_commune_reads_indexes(province):
    user = officer(Role.COMMUNE_OFFICER, province.parent)
    filters = outreach.LeftBehindFilters(unit=province.parent)
    households = outreach.left_behind_queryset(user, filters)
    assert_no_seq_scan(plan(outreach.left_behind_ordered(households)[:50]))
    assert Household.objects.filter(commune_code=province.commune_code).count() > 100


def test_a_unit_stats_lookup_reads_the_unique_index(province):
    text = plan(UnitStat.objects.filter(code=province.code))
    assert "Seq Scan" not in text, text
