"""Every model change ships with its migration: a fresh `alliance migrate` builds what the code expects.
(The test database is built from the migrations, so a missing one would otherwise surface only in production
or on PostgreSQL, where tables created without migrations break foreign keys.)"""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command


@pytest.mark.django_db
def test_no_model_change_lacks_a_migration():
    out = io.StringIO()
    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=out)
    except SystemExit as exc:
        pytest.fail(f"models changed without a migration (exit {exc.code}):\n{out.getvalue()}")
