"""On PostgreSQL, the indicator history becomes a table partitioned by month (gocua/lib/partitions.py)."""

from django.db import migrations

from gocua.lib import partitions


def forwards(apps, schema_editor):
    partitions.convert(schema_editor.connection, "households_indicatorchange", "changed_at")


def backwards(apps, schema_editor):
    partitions.unconvert(schema_editor.connection, "households_indicatorchange", "changed_at")


class Migration(migrations.Migration):
    dependencies = [("households", "0002_search_indexes")]

    operations = [migrations.RunPython(forwards, backwards)]
