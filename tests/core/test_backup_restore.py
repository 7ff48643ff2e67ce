"""Backup and restore round trip through the `alliance` command, on a database of the test's own.

The pytest-django test database cannot be used: on SQLite it lives in memory, and a restore replaces
the whole database. Each test therefore runs the CLI in subprocesses against a fresh instance: an SQLite
file in its own var directory, or (when ALLIANCE_DATABASE_URL points to PostgreSQL) a freshly created
database that is dropped at the end.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import pytest

ROOT = Path(__file__).resolve().parents[2]

SEED = """
from tests import factories
from alliance.cases.services import case_create
org = factories.organisation("Dreamland Shelter")
actor = factories.actor(factories.member(org, ["case_worker"]))
for given, family in [("Olena", "Kovalenko"), ("Amira", "Haddad")]:
    case_create(actor=actor, given_name=given, family_name=family, identity_number="DL-1", summary="fictitious")
"""

CHANGE = """
from alliance.cases.models import Case
from alliance.core import audit
first, second = Case.objects.order_by("pk")
person = second.person
second.delete()
person.delete()
first.summary = "changed after the backup"
first.save()
audit.record(actor=None, action="update", object_type="case", object_id=first.pk, fields=["summary"])
"""

# A digest of the case register, decrypted through the ORM: equal digests mean equal data.
SNAPSHOT = """
import hashlib
from alliance.cases.models import Case
rows = [(c.number, c.summary, c.person.given_name, c.person.family_name, c.person.full_name_index)
        for c in Case.objects.select_related("person").order_by("pk")]
print("SNAPSHOT", len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
"""

# An attacker with database access edits an audit row, getting past the append-only triggers.
TAMPER = """
from django.db import connection
with connection.cursor() as cursor:
    if connection.vendor == "postgresql":
        cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
    else:
        cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
    cursor.execute("UPDATE core_auditevent SET reason = 'forged' WHERE seq = 2")
"""


@dataclass
class Instance:
    env: dict[str, str]
    home: Path

    def run(self, *args: str) -> subprocess.CompletedProcess:
        # The timeout only keeps a hung subprocess from hanging the run; nothing asserts on durations.
        return subprocess.run([sys.executable, "-m", "alliance.cli", *args], env=self.env, cwd=self.home,
                              capture_output=True, text=True, timeout=600, check=False)

    def ok(self, *args: str) -> subprocess.CompletedProcess:
        result = self.run(*args)
        assert result.returncode == 0, f"alliance {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
        return result

    def shell(self, code: str) -> str:
        return self.ok("shell", "-c", code).stdout

    def snapshot(self) -> str:
        return next(line for line in self.shell(SNAPSHOT).splitlines() if line.startswith("SNAPSHOT"))


def _postgres_url() -> str | None:
    url = os.environ.get("ALLIANCE_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://", "pgsql://")) else None


def _admin_connection(url: str):
    import psycopg

    params = dj_database_url.parse(url)
    return psycopg.connect(dbname=params["NAME"], user=params["USER"] or None,
                           password=params["PASSWORD"] or None, host=params["HOST"] or None,
                           port=params["PORT"] or None, autocommit=True)


@pytest.fixture
def instance(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "DJANGO_"))}
    # The demo profile keeps the audit table's append-only triggers, as production does.
    env.update(ALLIANCE_PROFILE="demo", ALLIANCE_VAR_DIR=str(tmp_path / "var"), PYTHONPATH=str(ROOT))
    base = _postgres_url()
    if base is None:
        yield Instance(env=env, home=tmp_path)
        return
    name = f"alliance_backup_{uuid.uuid4().hex[:12]}"
    with _admin_connection(base) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    parts = urlsplit(base)
    env["ALLIANCE_DATABASE_URL"] = urlunsplit(parts._replace(path=f"/{name}"))
    try:
        yield Instance(env=env, home=tmp_path)
    finally:
        with _admin_connection(base) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_round_trip_restores_the_data_and_an_intact_audit_chain(instance, tmp_path):
    instance.ok("migrate", "--verbosity", "0")
    instance.shell(SEED)
    before = instance.snapshot()
    assert before.startswith("SNAPSHOT 2 ")
    instance.ok("audit", "anchor")

    target = tmp_path / "backups" / "first.backup"
    made = instance.ok("backup", str(target))
    assert "does not contain the encryption keys" in made.stderr
    assert target.is_file() and stat.S_IMODE(target.stat().st_mode) == 0o600
    again = instance.run("backup", str(target))
    assert again.returncode != 0 and "exists" in again.stderr

    instance.shell(CHANGE)
    changed = instance.snapshot()
    assert changed.startswith("SNAPSHOT 1 ") and changed != before
    instance.ok("audit", "anchor")  # anchors a row the backup does not hold

    restored = instance.ok("restore", str(target), "--yes")
    assert "Audit chain intact" in restored.stdout
    assert "before-restore" in restored.stdout, "the later anchors are kept aside, not silently dropped"
    assert instance.snapshot() == before
    verified = instance.ok("audit", "verify")
    assert "Audit chain intact" in verified.stdout


def test_restore_reports_a_backup_whose_audit_chain_was_tampered_with(instance, tmp_path):
    instance.ok("migrate", "--verbosity", "0")
    instance.shell(SEED)
    instance.shell(TAMPER)
    target = tmp_path / "tampered.backup"
    instance.ok("backup", str(target))

    restored = instance.run("restore", str(target), "--yes")

    assert restored.returncode != 0
    assert "BROKEN at row 2" in restored.stderr


def test_restore_refuses_a_file_that_is_not_a_backup(instance, tmp_path):
    junk = tmp_path / "notes.txt"
    junk.write_text("not a database\n")
    refused = instance.run("restore", str(junk), "--yes")
    assert refused.returncode != 0 and "neither" in refused.stderr
