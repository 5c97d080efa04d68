"""On PostgreSQL, visit outcomes become a table partitioned by month of the visit (gocua/lib/partitions.py)."""

from django.db import migrations

from gocua.lib import partitions


def forwards(apps, schema_editor):
    partitions.convert(schema_editor.connection, "outreach_visitoutcome", "visited_on")


def backwards(apps, schema_editor):
    partitions.unconvert(schema_editor.connection, "outreach_visitoutcome", "visited_on")


class Migration(migrations.Migration):
    dependencies = [("outreach", "0003_visit_copies")]

    operations = [migrations.RunPython(forwards, backwards)]
