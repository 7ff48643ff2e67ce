import alliance.core.encryption
from django.db import migrations


def encrypt_existing(apps, schema_editor):
    """Closure reasons written before this migration are plain text: encrypt them in place."""
    from alliance.core.encryption import PREFIX, encrypt_text

    connection = schema_editor.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT id, closure_reason FROM cases_case WHERE closure_reason IS NOT NULL")
        rows = cursor.fetchall()
        for pk, value in rows:
            if value == "":
                cursor.execute("UPDATE cases_case SET closure_reason = NULL WHERE id = %s", [pk])
            elif not value.startswith(f"{PREFIX}:"):
                token = encrypt_text(value, context="cases.Case.closure_reason")
                cursor.execute("UPDATE cases_case SET closure_reason = %s WHERE id = %s", [token, pk])


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0006_consent'),
    ]

    operations = [
        migrations.AlterField(
            model_name='case',
            name='closure_reason',
            field=alliance.core.encryption.EncryptedTextField(blank=True, null=True),
        ),
        migrations.RunPython(encrypt_existing, migrations.RunPython.noop),
    ]
