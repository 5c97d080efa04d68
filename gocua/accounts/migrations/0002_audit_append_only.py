"""Make the audit log append-only in the database itself (SQLite and PostgreSQL triggers)."""

from django.db import migrations

from gocua.lib.append_only import migration_functions

TABLE = "accounts_auditevent"
forwards, backwards = migration_functions(TABLE, "the audit log is append-only")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
