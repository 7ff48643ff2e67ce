"""The `alliance` command: its help, its exit codes, the deployment check, and the operations commands.

`cli.main` runs in-process where the test database is needed. Django closes the connections at the end
of every command run from a command line, which inside a test transaction marks it for rollback, so
those tests call main() last and check the database before, or use call_command.
"""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from alliance import cli
from alliance.core import audit
from alliance.core import roles as R
from alliance.core.models import AuditEvent, JobRun
from alliance.directory.models import Membership, Organisation

ALLIANCE = Path(sys.executable).parent / "alliance"
ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "DJANGO_"))}
    env.update(ALLIANCE_VAR_DIR=str(tmp_path / "var"), **extra)
    return env


def test_help_lists_every_command_with_one_line():
    result = subprocess.run([ALLIANCE, "--help"], capture_output=True, text=True, check=False)
    assert result.returncode == 0
    for name in ("serve", "demo", "migrate", "createadmin", "keys", "audit", "backup", "restore", "jobs",
                 "check"):
        assert any(line.split()[:1] == [name] for line in result.stdout.splitlines()), name


def test_check_is_the_deployment_check_and_warnings_fail():
    assert cli.django_argv(["check"]) == ["check", "--deploy", "--fail-level", "WARNING"]
    assert cli.django_argv(["showmigrations", "cases"]) == ["showmigrations", "cases"]


def test_check_passes_cleanly_in_the_production_profile(tmp_path):
    env = _env(tmp_path, ALLIANCE_PROFILE="production", ALLIANCE_SECRET_KEY=secrets.token_urlsafe(64),
               ALLIANCE_ALLOWED_HOSTS="example.org")
    result = subprocess.run([ALLIANCE, "check"], env=env, cwd=tmp_path, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_fails_on_a_warning(tmp_path):
    env = _env(tmp_path, ALLIANCE_PROFILE="production", ALLIANCE_SECRET_KEY="short",
               ALLIANCE_ALLOWED_HOSTS="example.org")
    result = subprocess.run([ALLIANCE, "check"], env=env, cwd=tmp_path, capture_output=True, text=True,
                            check=False)
    assert result.returncode != 0 and "security.W009" in result.stdout + result.stderr


def _write(n: int) -> None:
    for i in range(n):
        audit.record(actor=None, action="view", object_type="case", object_id=i, fields=["family_name"])


@pytest.mark.django_db
def test_audit_verify_exits_zero_on_an_intact_chain(tmp_path, capsys):
    _write(4)
    assert cli.main(["audit", "verify", "--anchor-file", str(tmp_path / "anchor")]) == 0
    assert "Audit chain intact: 4 rows" in capsys.readouterr().out


@pytest.mark.django_db
def test_audit_verify_fails_naming_the_tampered_row(tmp_path, capsys):
    _write(5)
    with connection.cursor() as cursor:
        # An attacker with database access gets past the append-only triggers first.
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE core_auditevent DISABLE TRIGGER USER")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS core_auditevent_no_update")
        cursor.execute("UPDATE core_auditevent SET fields = %s WHERE seq = 3", ['["summary"]'])
    with pytest.raises(SystemExit) as exited:
        cli.main(["audit", "verify", "--anchor-file", str(tmp_path / "anchor")])
    assert exited.value.code != 0
    assert "row 3" in capsys.readouterr().err


@pytest.mark.django_db
def test_audit_anchor_then_verify_checks_the_anchor(tmp_path):
    anchor_file = tmp_path / "anchor"
    _write(3)
    call_command("audit", "anchor", anchor_file=anchor_file)
    assert anchor_file.read_text().split()[1:] == ["3", AuditEvent.objects.get(seq=3).hash]
    call_command("audit", "verify", anchor_file=anchor_file)


@pytest.mark.django_db
def test_createadmin_creates_the_organisation_and_a_system_administrator(tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text("correct horse battery staple\n")
    password_file.chmod(0o600)
    call_command("createadmin", email="Ada@Dreamland.test", name="Ada Admin",
                 organisation="National Rapporteur Office", country="XD", password_file=password_file)
    org = Organisation.objects.get(name="National Rapporteur Office")
    assert org.sector == Organisation.Sector.COORDINATOR_RAPPORTEUR and org.country == "XD"
    membership = Membership.objects.select_related("user").get(organisation=org)
    assert membership.roles == [R.SYSTEM_ADMINISTRATOR]
    assert membership.user.email == "ada@dreamland.test"
    assert membership.user.check_password("correct horse battery staple")
    assert {"organisation", "membership"} <= set(AuditEvent.objects.values_list("object_type", flat=True))


@pytest.mark.django_db
def test_createadmin_reports_what_is_wrong_and_creates_nothing(tmp_path):
    password_file = tmp_path / "password"
    password_file.write_text("short\n")
    with pytest.raises(CommandError, match="password"):
        call_command("createadmin", email="ada@dreamland.test", name="Ada Admin",
                     organisation="National Rapporteur Office", country="XD", password_file=password_file)
    assert not Organisation.objects.exists()


@pytest.mark.django_db
def test_jobs_status_shows_progress_and_fails_for_a_failed_job(capsys):
    done = JobRun.objects.create(kind="audit_verify", status=JobRun.Status.DONE, done=10, total=10,
                                 message="chain intact: 10 rows")
    failed = JobRun.objects.create(kind="audit_verify", status=JobRun.Status.FAILED, done=3, total=10)
    call_command("jobs", "status", str(done.pk), "--follow")
    out = capsys.readouterr().out
    assert f"Job {done.pk} (audit_verify): done, 10 of 10 (100 %)" in out and "chain intact" in out
    with pytest.raises(CommandError, match="failed"):
        call_command("jobs", "status", str(failed.pk))
    with pytest.raises(CommandError, match="no job"):
        call_command("jobs", "status", str(failed.pk + 1000))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=5)  # noqa: S310 (a local http URL we built)
    except urllib.error.HTTPError:
        return True  # any HTTP status means the server answers
    except OSError:
        return False
    return True


def test_serve_answers_and_stops_cleanly_on_ctrl_c(tmp_path):
    port = _free_port()
    # SQLite in its own var directory whatever the layer: this is about the processes, not the data.
    env = _env(tmp_path, ALLIANCE_PROFILE="demo", PYTHONPATH=str(ROOT))
    server = subprocess.Popen([ALLIANCE, "serve", "--port", str(port), "--workers", "1", "--demo"], env=env,
                              cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    lines: list[str] = []
    reader = threading.Thread(target=lambda: lines.extend(server.stdout), daemon=True)
    reader.start()

    def ready() -> bool:
        worker_up = any("Huey consumer started" in line for line in list(lines))
        return worker_up and _answers(f"http://127.0.0.1:{port}/")

    try:
        # Waiting for start-up is bounded only so that a broken server cannot hang the run.
        for _attempt in range(240):
            if server.poll() is not None or ready():
                break
            time.sleep(0.5)
        assert server.poll() is None and ready(), "".join(lines)
        server.send_signal(signal.SIGINT)
        server.wait(timeout=120)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        reader.join(timeout=10)
    output = "".join(lines)
    assert server.returncode == 0, output
    assert "demonstration" in output and "Stopped." in output
