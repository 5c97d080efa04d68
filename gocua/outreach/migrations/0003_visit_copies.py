"""Residents checked and outcomes carry their visit's province (and outcomes its date), in their keys.

The province is the key Citus distributes by and the date the month PostgreSQL partitions the
outcomes by (the next migration); both are copied from the visit, here for the rows already
written and by every writer from now on (docs/SCALING.md).
"""

from django.db import migrations, models

# One statement per table. PostgreSQL joins (UPDATE … FROM); SQLite looks each visit up by its
# primary key (UPDATE … FROM needs SQLite 3.33, Django 5.2 runs on 3.31).
BACKFILL = {
    "postgresql": [
        "UPDATE outreach_visitresident AS r SET province_code = v.province_code "
        "FROM outreach_visit AS v WHERE v.id = r.visit_id",
        "UPDATE outreach_visitoutcome AS o SET province_code = v.province_code, visited_on = v.visited_on "
        "FROM outreach_visitresident AS r JOIN outreach_visit AS v ON v.id = r.visit_id "
        "WHERE r.id = o.visit_resident_id",
    ],
    "sqlite": [
        "UPDATE outreach_visitresident SET province_code = "
        "(SELECT v.province_code FROM outreach_visit AS v WHERE v.id = outreach_visitresident.visit_id)",
        "UPDATE outreach_visitoutcome SET (province_code, visited_on) = "
        "(SELECT v.province_code, v.visited_on FROM outreach_visitresident AS r "
        "JOIN outreach_visit AS v ON v.id = r.visit_id WHERE r.id = outreach_visitoutcome.visit_resident_id)",
    ],
}


def backfill(apps, schema_editor):
    with schema_editor.connection.cursor() as cursor:
        for sql in BACKFILL[schema_editor.connection.vendor]:
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [
        ("households", "0004_priority_groups"),
        ("outreach", "0002_load_catalogue"),
    ]

    operations = [
        migrations.AddField(
            model_name="visitresident",
            name="province_code",
            field=models.CharField(default="", editable=False, max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="visitoutcome",
            name="province_code",
            field=models.CharField(default="", editable=False, max_length=16),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="visitoutcome",
            name="visited_on",
            field=models.DateField(editable=False, null=True),
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="visitoutcome",
            name="visited_on",
            field=models.DateField(editable=False),
        ),
        migrations.RemoveConstraint(model_name="visitresident", name="visit_resident_unique"),
        migrations.AddConstraint(
            model_name="visitresident",
            constraint=models.UniqueConstraint(
                fields=("visit", "resident", "province_code"), name="visit_resident_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="visitresident",
            constraint=models.CheckConstraint(
                condition=models.Q(("province_code", ""), _negated=True), name="visit_resident_province_given"
            ),
        ),
        migrations.RemoveConstraint(model_name="visitoutcome", name="visit_outcome_unique"),
        migrations.AddConstraint(
            model_name="visitoutcome",
            constraint=models.UniqueConstraint(
                fields=("visit_resident", "item", "visited_on", "province_code"), name="visit_outcome_unique"
            ),
        ),
        migrations.AddConstraint(
            model_name="visitoutcome",
            constraint=models.CheckConstraint(
                condition=models.Q(("province_code", ""), _negated=True), name="visit_outcome_province_given"
            ),
        ),
    ]
