from django.db import migrations

SQLITE = [
    """CREATE TRIGGER core_auditevent_no_update BEFORE UPDATE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
    """CREATE TRIGGER core_auditevent_no_delete BEFORE DELETE ON core_auditevent
       BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;""",
]
SQLITE_REVERSE = ["DROP TRIGGER core_auditevent_no_update;", "DROP TRIGGER core_auditevent_no_delete;"]
POSTGRES = [
    """CREATE FUNCTION core_auditevent_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
       BEGIN RAISE EXCEPTION 'audit events are append-only'; END; $$;""",
    """CREATE TRIGGER core_auditevent_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON core_auditevent
       FOR EACH STATEMENT EXECUTE FUNCTION core_auditevent_append_only();""",
]
POSTGRES_REVERSE = [
    "DROP TRIGGER core_auditevent_append_only ON core_auditevent;",
    "DROP FUNCTION core_auditevent_append_only();",
]


def create_live_realm(apps, schema_editor):
    Realm = apps.get_model("core", "Realm")
    Realm.objects.get_or_create(slug="live", defaults={"name": "Live", "kind": "live"})


def append_only(apps, schema_editor, *, force: bool = False):
    # Defence in depth: the ORM refuses too, and `alliance audit verify` detects what gets past both.
    # The test profile leaves the guard out because tests empty the database between cases; the guard's
    # own test installs it inside its transaction.
    from django.conf import settings

    if not force and not getattr(settings, "ALLIANCE_AUDIT_DB_GUARD", True):
        return
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for statement in statements:
        schema_editor.execute(statement)


def drop_append_only(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for statement in statements:
        schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("core", "0002_initial")]

    operations = [
        migrations.RunPython(create_live_realm, migrations.RunPython.noop),
        migrations.RunPython(append_only, drop_append_only),
    ]
