"""The database itself refuses to change or remove a ledger row (SQLite and PostgreSQL triggers)."""

import pytest
from django.db import DatabaseError, connection, transaction

from gocua.community.models import LedgerEntry
from gocua.community.tests.helpers import give


@pytest.fixture
def entry(project, leader):
    return give(leader, project, money_vnd=250_000)


def test_trigger_refuses_a_raw_sql_update(entry):
    table = LedgerEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET money_vnd = %s WHERE id = %s", [1, entry.pk])
    assert LedgerEntry.objects.get(pk=entry.pk).money_vnd == 250_000


def test_trigger_refuses_a_raw_sql_delete(entry):
    table = LedgerEntry._meta.db_table
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table} WHERE id = %s", [entry.pk])
    assert LedgerEntry.objects.filter(pk=entry.pk).exists()


def test_trigger_refuses_the_orm_save_and_delete_too(entry):
    entry.money_vnd = 1
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        LedgerEntry.objects.filter(pk=entry.pk).delete()
    assert LedgerEntry.objects.get(pk=entry.pk).money_vnd == 250_000


def test_trigger_leaves_inserts_alone(project, leader, entry):
    give(leader, project, money_vnd=1_000)
    assert LedgerEntry.objects.filter(project=project).count() == 2
