"""A random record key per screening for the cell-key perturbation of released counts (core/disclosure.py).
AddField gives every existing row the same default; one UPDATE then gives each its own key (the database's
random(): the keys only need to be unknown to readers of the dashboard, who never see the table)."""

from django.db import migrations, models

import alliance.core.disclosure

RANDOM_KEY = {
    "postgresql": "UPDATE {table} SET record_key = floor(random() * 256)::int",
    "sqlite": "UPDATE {table} SET record_key = abs(random()) % 256",
}


def give_each_its_own_key(apps, schema_editor):
    Screening = apps.get_model("screening", "Screening")
    sql = RANDOM_KEY.get(schema_editor.connection.vendor)
    if sql is not None:
        schema_editor.execute(sql.format(table=schema_editor.connection.ops.quote_name(Screening._meta.db_table)))
        return
    for pk in Screening.objects.values_list("pk", flat=True).iterator(chunk_size=2000):
        Screening.objects.filter(pk=pk).update(record_key=alliance.core.disclosure.new_record_key())


class Migration(migrations.Migration):
    dependencies = [("screening", "0005_screening_content_digest")]

    operations = [
        migrations.AddField(
            model_name="screening",
            name="record_key",
            field=models.PositiveSmallIntegerField(default=alliance.core.disclosure.new_record_key, editable=False),
        ),
        migrations.RunPython(give_each_its_own_key, migrations.RunPython.noop),
    ]
