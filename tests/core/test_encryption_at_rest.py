"""Dump the whole database (SQLite file bytes; pg_dump on PostgreSQL) and find no plaintext personal value."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile

import pytest
from django.db import connection

from alliance.cases.services import case_create, case_transition
from alliance.core import roles as R
from tests import factories

VALUES = ["Zhanargul", "Tokhtarova", "KZ-99177331", "1994-08-17", "Held at the Eastland car wash",
          "Moved to her aunt in Harbour Road"]


def _dump() -> bytes:
    settings = connection.settings_dict
    if connection.vendor == "sqlite":
        # The test database may live in memory: copy it to a file with SQLite's own backup API.
        with tempfile.TemporaryDirectory() as tmp:
            path = os.path.join(tmp, "dump.sqlite3")
            target = sqlite3.connect(path)
            connection.ensure_connection()
            connection.connection.backup(target)
            target.close()
            with open(path, "rb") as handle:
                return handle.read()
    pg_dump = shutil.which("pg_dump")
    if pg_dump is None:
        pytest.fail("pg_dump is needed for the PostgreSQL layer")
    env = {**os.environ, "PGPASSWORD": settings.get("PASSWORD") or ""}
    args = [pg_dump, "--data-only", "-h", settings["HOST"] or "127.0.0.1", "-p", str(settings["PORT"] or 5432),
            "-U", settings["USER"] or "postgres", settings["NAME"]]
    return subprocess.run(args, env=env, check=True, capture_output=True).stdout


@pytest.mark.django_db(transaction=True)
def test_no_plaintext_personal_value_at_rest():
    org = factories.organisation()
    actor = factories.actor(factories.member(org, [R.CASE_WORKER]))
    case = case_create(actor=actor, given_name=VALUES[0], family_name=VALUES[1], identity_number=VALUES[2],
                       birth_date=VALUES[3], summary=VALUES[4])
    # Free text written in NRM steps (the step's reason and the closure reason) is personal data too.
    case_transition(actor=actor, case_id=case.pk, transition="close", reason=VALUES[5])
    dump = _dump()
    assert b"core_auditevent" in dump or b"CREATE TABLE" in dump or len(dump) > 10_000  # a real dump
    for value in VALUES:
        for form in {value, value.lower(), value.upper()}:
            assert form.encode() not in dump, f"plaintext {form!r} found in the dump"


@pytest.mark.django_db(transaction=True)
def test_what_is_deleted_leaves_no_trace_in_the_database_file():
    # An erased applicant or a purged sandbox must not linger in free pages of an SQLite file that is copied
    # or backed up later (on PostgreSQL, VACUUM's business; the dump shows live rows only).
    if connection.vendor != "sqlite":
        pytest.skip("SQLite keeps deleted bytes in the file; PostgreSQL's dump shows live rows only")
    from alliance.directory.models import Organisation

    marker = "Purged-Agency-Zq7Xk"
    ids = [Organisation.objects.create(name=f"{marker}-{n}", country="XD", sector="ngo").pk for n in range(40)]
    Organisation.objects.filter(pk__in=ids).delete()
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    assert marker.encode() not in _dump()
