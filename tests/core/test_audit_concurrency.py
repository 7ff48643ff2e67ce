"""Concurrent work on the audit chain: parallel requests appending on PostgreSQL leave one unbroken chain, and
verifications started at once (threads and processes, on SQLite in WAL mode and on PostgreSQL) all succeed
with the same answer, one at a time.

The verification tests run `alliance` in subprocesses against a database of their own (an SQLite file in
its own var directory, or a fresh PostgreSQL database), because the pytest-django SQLite database lives
in memory and shares one cache, which is not how an installation runs.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import dj_database_url
import pytest
from django.db import connection, connections
from django.test import Client

from alliance.cases.services import case_create
from alliance.core import audit
from alliance.core import roles as R
from alliance.core.models import AuditEvent
from alliance.directory.services import token_issue
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
WORKERS = 8
REQUESTS_EACH = 15


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_parallel_requests_keep_the_chain(tmp_path):
    assert connection.vendor == "postgresql", "this layer runs on PostgreSQL"
    membership = factories.member(factories.organisation(), [R.CASE_WORKER])
    actor = factories.actor(membership)
    case = case_create(actor=actor, given_name="Para", family_name="Llel")
    _t, raw = token_issue(actor=actor, name="load", days=1)
    before = AuditEvent.objects.count()

    def worker(n: int) -> list[int]:
        client = Client()
        statuses = []
        try:
            for i in range(REQUESTS_EACH):
                if (n + i) % 3 == 0:
                    response = client.post("/api/v1/cases", {"given_name": f"W{n}", "family_name": f"R{i}"},
                                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
                else:
                    response = client.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
                statuses.append(response.status_code)
        finally:
            connections.close_all()
        return statuses

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = [s for batch in pool.map(worker, range(WORKERS)) for s in batch]
    assert all(status in (200, 201) for status in results), results
    assert AuditEvent.objects.count() == before + WORKERS * REQUESTS_EACH
    result = audit.verify(anchor_file=tmp_path / "anchor")
    assert result.ok, result.problem
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))


# --- Verifications at once --------------------------------------------------------------------------------
# More rows than one chunk of the verification's reads, so that a job writes its progress mid-chain.
ROWS = 12_000

SEED = f"""
from alliance.core import audit
with audit.deferred():
    for i in range({ROWS}):
        audit.record(actor=None, action="view", object_type="case", object_id=i, fields=["family_name"])
"""

# Several background jobs in one process, as a job worker with threads runs them; each prints its outcome.
JOBS = """
import json, threading
from django.db import connections
from alliance.core import jobs
from alliance.core.models import JobRun

outcomes = []

def run():
    try:
        job = JobRun.objects.create(kind="audit_verify")
        jobs.run_audit_verify_job(job.pk)
        job.refresh_from_db()
        outcomes.append([job.status, job.message, job.result, job.done])
    except Exception as exc:
        outcomes.append(["error", f"{type(exc).__name__}: {exc}", None, None])
    finally:
        connections.close_all()

threads = [threading.Thread(target=run) for _ in range(3)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print("OUTCOMES", json.dumps(outcomes))
"""

# A verification that stops on its first row until the test creates the file `go`.
HELD = """
import os, time
from alliance.core import audit

def progress(_steps, state={"first": True}):
    if state["first"]:
        state["first"] = False
        open("started", "w").close()
        for _ in range(6000):  # a guard against hanging the run, not a measurement
            if os.path.exists("go"):
                return
            time.sleep(0.05)

result = audit.verify(progress=progress)
print("HELD", result.ok, result.checked)
"""


def _postgres_url() -> str | None:
    url = os.environ.get("ALLIANCE_DATABASE_URL", "")
    return url if url.startswith(("postgres://", "postgresql://", "pgsql://")) else None


def _admin(url: str):
    import psycopg

    params = dj_database_url.parse(url)
    return psycopg.connect(dbname=params["NAME"], user=params["USER"] or None, password=params["PASSWORD"] or None,
                           host=params["HOST"] or None, port=params["PORT"] or None, autocommit=True)


class Installation:
    def __init__(self, env: dict[str, str], home: Path):
        self.env, self.home = env, home

    def start(self, *args: str, **kwargs) -> subprocess.Popen:
        return subprocess.Popen([sys.executable, "-m", "alliance.cli", *args], env=self.env, cwd=self.home,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **kwargs)

    def ok(self, *args: str) -> str:
        process = self.start(*args)
        out, err = process.communicate(timeout=600)  # only so that a hung process cannot hang the run
        assert process.returncode == 0, f"alliance {args[0]} failed:\n{out}\n{err}"
        return out


@pytest.fixture(scope="module")
def installation(tmp_path_factory):
    home = tmp_path_factory.mktemp("verify")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "DJANGO_"))}
    # The demo profile runs as an installation does: SQLite in WAL mode, append-only audit triggers.
    env.update(ALLIANCE_PROFILE="demo", ALLIANCE_VAR_DIR=str(home / "var"), PYTHONPATH=str(ROOT))
    base, name = _postgres_url(), f"alliance_verify_{uuid.uuid4().hex[:12]}"
    if base:
        with _admin(base) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        env["ALLIANCE_DATABASE_URL"] = urlunsplit(urlsplit(base)._replace(path=f"/{name}"))
    try:
        installed = Installation(env, home)
        installed.ok("migrate", "--verbosity", "0")
        installed.ok("shell", "-c", SEED)
        yield installed
    finally:
        if base:
            with _admin(base) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_verifications_started_at_once_all_succeed_with_the_same_result(installation):
    processes = [installation.start("shell", "-c", JOBS) for _ in range(3)]
    outputs = [process.communicate(timeout=600) for process in processes]
    outcomes = []
    for process, (out, err) in zip(processes, outputs, strict=True):
        assert process.returncode == 0, out + err
        outcomes += json.loads(next(line for line in out.splitlines() if line.startswith("OUTCOMES"))[9:])
    assert len(outcomes) == 9
    expected = ["done", f"chain intact: {ROWS} rows", {"ok": True, "checked": ROWS, "first_bad_seq": None}, ROWS]
    assert all(outcome == expected for outcome in outcomes), outcomes


def test_a_verification_waits_for_the_one_running_in_another_process(installation):
    for leftover in ("started", "go"):
        (installation.home / leftover).unlink(missing_ok=True)
    held = installation.start("shell", "-c", HELD)
    waiting = None
    try:
        for _attempt in range(1200):  # bounded only so that a broken start cannot hang the run
            if (installation.home / "started").exists() or held.poll() is not None:
                break
            time.sleep(0.1)
        assert (installation.home / "started").exists(), held.communicate()
        waiting = installation.start("audit", "verify")
        # It says it waits, before it reads anything; a verification that does not wait reaches the end of
        # its output instead.
        said = []
        for line in waiting.stderr:
            said.append(line)
            if "waiting" in line:
                break
        assert any("Another verification of the audit chain is running" in line for line in said), said
    finally:
        (installation.home / "go").touch()
    held_out, held_err = held.communicate(timeout=600)
    assert held.returncode == 0, held_out + held_err
    assert f"HELD True {ROWS}" in held_out
    out, err = waiting.communicate(timeout=600)
    assert waiting.returncode == 0, out + err
    assert f"Audit chain intact: {ROWS} rows" in out
