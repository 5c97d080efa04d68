"""Make the ledger append-only in the database itself (SQLite and PostgreSQL triggers).

A correction is a new, reversing entry; no UPDATE or DELETE of a ledger row is ever needed,
so the database refuses both, whoever asks (the app, a shell, a raw SQL client).
"""

from django.db import migrations

from gocua.lib.append_only import migration_functions

TABLE = "community_ledgerentry"
forwards, backwards = migration_functions(TABLE, "the community ledger is append-only: record a reversing entry")


class Migration(migrations.Migration):
    dependencies = [("community", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
