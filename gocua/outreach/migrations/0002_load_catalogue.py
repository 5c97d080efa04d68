"""Load the nine catalogue items of the service catalogue (texts in gocua/outreach/catalogue.py)."""

from django.db import migrations


def load(apps, schema_editor):
    from gocua.outreach.catalogue import catalogue_load

    catalogue_load(apps.get_model("outreach", "ServiceItem"))


class Migration(migrations.Migration):
    dependencies = [("outreach", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
