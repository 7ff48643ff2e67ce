"""The resend digest becomes keyed (HMAC under the blind key, core.encryption.content_digest): a plain SHA-256
of a payload holding encrypted answers let anyone with a copy of the database confirm guesses about them.
Earlier digests cannot be re-keyed (the payload is not kept), so they are blanked: such a screening sent
again is reported as a conflict, and nothing is lost (the phone keeps it)."""

from django.db import migrations


def blank_unkeyed_digests(apps, schema_editor):
    apps.get_model("screening", "Screening").objects.update(content_digest="")


class Migration(migrations.Migration):
    dependencies = [("screening", "0004_interview_language")]

    operations = [
        migrations.RenameField("screening", "content_sha256", "content_digest"),
        migrations.RunPython(blank_unkeyed_digests, migrations.RunPython.noop),
    ]
