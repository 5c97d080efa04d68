"""On PostgreSQL, the audit log becomes a table partitioned by month (gocua/lib/partitions.py)."""

from django.db import migrations

from gocua.lib import partitions

MESSAGE = "the audit log is append-only"


def forwards(apps, schema_editor):
    partitions.convert(schema_editor.connection, "accounts_auditevent", "at", append_only_message=MESSAGE)


def backwards(apps, schema_editor):
    partitions.unconvert(schema_editor.connection, "accounts_auditevent", "at", append_only_message=MESSAGE)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0006_audit_actions_doors")]

    operations = [migrations.RunPython(forwards, backwards)]
