"""The audit log and the community ledger refuse UPDATE and DELETE in the database, after every migration."""

import datetime as dt

import pytest
from django.db import DatabaseError, connection, transaction

APPEND_ONLY = ("accounts_auditevent", "community_ledgerentry")


@pytest.mark.django_db
@pytest.mark.parametrize("table", APPEND_ONLY)
@pytest.mark.parametrize("statement", ["UPDATE {t} SET id = id", "DELETE FROM {t}"])
def test_the_table_refuses_changes_even_from_raw_sql(table, statement):
    # The triggers fire per row: make sure there is one to change.
    with connection.cursor() as cur:
        cur.execute(f"SELECT COUNT(*) FROM {table}")
        if cur.fetchone()[0] == 0:
            _insert_one(table)
    with pytest.raises(DatabaseError) as refused, transaction.atomic(), connection.cursor() as cur:
        cur.execute(statement.format(t=table))
    assert "append-only" in str(refused.value)


def _insert_one(table: str) -> None:
    from gocua import testing as f

    if table == "accounts_auditevent":
        from gocua.accounts.services import audit_record

        audit_record(actor=f.admin(), action="login")
        return
    from gocua.community.services import ledger, projects

    village = f.make_village("09784", "Thôn Sổ Quỹ")
    project = projects.project_create(actor=f.admin(), unit=village, data={"title": "Đèn", "kind": "solar_lights"})
    projects.project_set_status(actor=f.admin(), project=project, status="collecting")
    ledger.contribution_record(actor=f.admin(), project=project, entry_on=dt.date(2026, 1, 5),
                               giver="anonymous", display="anonymous", money_vnd=100_000)
