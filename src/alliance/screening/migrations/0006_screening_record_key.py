"""A random record key per screening for the cell-key perturbation of released counts (core/disclosure.py).
AddField gives every existing row the same default; each then gets its own key."""

from django.db import migrations, models

import alliance.core.disclosure


def give_each_its_own_key(apps, schema_editor):
    Screening = apps.get_model("screening", "Screening")
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
