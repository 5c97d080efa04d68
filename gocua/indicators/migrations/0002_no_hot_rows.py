"""Provinces and the nation are summed from their communes on read: drop their stored rows."""

from django.db import migrations, models


def drop_summed_rows(apps, schema_editor):
    UnitStat = apps.get_model("indicators", "UnitStat")
    UnitActivity = apps.get_model("indicators", "UnitActivity")
    UnitStat.objects.filter(level__lt=2).delete()
    # Province codes are two digits, the nation "VN"; communes have five digits, villages a dash.
    for code in set(UnitActivity.objects.exclude(code__contains="-").values_list("code", flat=True)):
        if len(code) <= 2:
            UnitActivity.objects.filter(code=code).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0001_initial")]

    operations = [
        migrations.RunPython(drop_summed_rows, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="unitactivity", index=models.Index(fields=["day"], name="unitactivity_day"),
        ),
    ]
