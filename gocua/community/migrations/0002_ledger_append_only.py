"""Make the ledger append-only in the database itself (SQLite and PostgreSQL triggers).

A correction is a new, reversing entry; no UPDATE or DELETE of a ledger row is ever needed,
so the database refuses both, whoever asks (the app, a shell, a raw SQL client).
"""

from django.db import migrations

TABLE = "community_ledgerentry"

SQLITE_UP = [
    f"""CREATE TRIGGER {TABLE}_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the community ledger is append-only: record a reversing entry'); END""",
    f"""CREATE TRIGGER {TABLE}_no_delete BEFORE DELETE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, 'the community ledger is append-only: record a reversing entry'); END""",
]
SQLITE_DOWN = [f"DROP TRIGGER IF EXISTS {TABLE}_no_update", f"DROP TRIGGER IF EXISTS {TABLE}_no_delete"]

POSTGRES_UP = [
    """CREATE OR REPLACE FUNCTION community_ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'table %% is append-only: record a reversing entry', TG_TABLE_NAME
             USING ERRCODE = 'insufficient_privilege'; END $$""",
    f"""CREATE TRIGGER {TABLE}_append_only BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION community_ledger_append_only()""",
]
POSTGRES_DOWN = [
    f"DROP TRIGGER IF EXISTS {TABLE}_append_only ON {TABLE}",
    "DROP FUNCTION IF EXISTS community_ledger_append_only()",
]


def forwards(apps, schema_editor):
    statements = POSTGRES_UP if schema_editor.connection.vendor == "postgresql" else SQLITE_UP
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_DOWN if schema_editor.connection.vendor == "postgresql" else SQLITE_DOWN
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
