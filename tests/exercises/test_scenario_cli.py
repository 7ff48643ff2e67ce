"""`alliance scenarios ...`: exit codes and the `path:line: reason` lines a trainer's editor can jump to."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from alliance.core import roles as R
from alliance.core.models import AuditEvent
from alliance.exercises.domain.scenario_package import archive
from alliance.exercises.models import ScenarioPackage
from tests import factories
from tests.exercises.test_scenario_mutations import MUTATIONS, SHIPPED, SLUGS, shipped_files

SRC = Path(__file__).resolve().parents[2] / "src"
LINE = re.compile(r"^[^:\s]+:\d+: .+$")


def alliance(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(SRC), "ALLIANCE_PROFILE": "test"}
    return subprocess.run([sys.executable, "-m", "alliance.cli", "scenarios", *args], capture_output=True,
                          text=True, env=env, timeout=120, check=False)


def broken_package(tmp_path: Path) -> Path:
    files = shipped_files("dreamland-online-recruitment")
    files, _expected = MUTATIONS["unknown_recipient"](files, 0)
    files, _expected = MUTATIONS["self_trigger"](files, 3)
    archive.write_folder(files, tmp_path / "broken")
    return tmp_path / "broken"


def test_validate_exits_0_for_the_shipped_packages_and_1_with_one_line_per_problem(tmp_path):
    good = alliance("validate", *(str(SHIPPED / slug) for slug in SLUGS))
    assert good.returncode == 0, good.stdout + good.stderr
    assert good.stdout == ""
    broken = broken_package(tmp_path)
    bad = alliance("validate", str(SHIPPED / SLUGS[0]), str(broken))
    assert bad.returncode != 0
    lines = bad.stdout.splitlines()
    assert len(lines) == 2 and all(LINE.match(line) for line in lines), lines
    assert lines[0].startswith(f"{broken}/msel.yaml:") and "unknown recipient role" in lines[0]
    assert "waits for itself" in lines[1]
    assert "1 of 2 package(s) refused" in bad.stderr


def test_validate_reads_zips_too(tmp_path):
    archive_path = tmp_path / "p.zip"
    archive_path.write_bytes(b"PK\x03\x04 broken")
    result = alliance("validate", str(archive_path))
    assert result.returncode != 0 and result.stdout == f"{archive_path}:0: not a zip archive\n"


def test_import_list_export_through_the_command(db, tmp_path):
    out = io.StringIO()
    call_command("scenarios", "import", str(SHIPPED / "dreamland-children-of-the-station"), stdout=out)
    assert "imported dreamland-children-of-the-station@1.0 (5 evidence files)" in out.getvalue()
    call_command("scenarios", "list", stdout=(listing := io.StringIO()))
    assert listing.getvalue().startswith("dreamland-children-of-the-station@1.0  en,ru  ")
    call_command("scenarios", "export", "dreamland-children-of-the-station@1.0", str(tmp_path / "x.zip"),
                 stdout=io.StringIO())
    call_command("scenarios", "export", "dreamland-children-of-the-station", str(tmp_path / "folder"),
                 stdout=io.StringIO())
    assert (tmp_path / "folder" / "msel.yaml").read_bytes() == (
        SHIPPED / "dreamland-children-of-the-station" / "msel.yaml").read_bytes()
    assert AuditEvent.objects.filter(object_type="scenario_package", action="export", user_id=None,
                                     channel="cli").count() == 2


def test_a_refused_import_prints_the_problems_and_stores_nothing(db, tmp_path):
    broken = broken_package(tmp_path)
    out = io.StringIO()
    with pytest.raises(CommandError, match="nothing imported"):
        call_command("scenarios", "import", str(broken), stdout=out)
    assert all(LINE.match(line) and line.startswith(str(broken)) for line in out.getvalue().splitlines())
    assert not ScenarioPackage.objects.exists()


def test_import_as_a_member_needs_the_role(db):
    member = factories.member(factories.organisation(), [R.CASE_WORKER], email="worker@dreamland.test")
    assert member.pk
    with pytest.raises(CommandError, match="roles do not allow"):
        call_command("scenarios", "import", str(SHIPPED / SLUGS[0]), "--as", "worker@dreamland.test")
    trainer = factories.member(factories.organisation(), [R.TRAINING_COORDINATOR], email="trainer@dreamland.test")
    call_command("scenarios", "import", str(SHIPPED / SLUGS[0]), "--as", "trainer@dreamland.test",
                 stdout=io.StringIO())
    assert ScenarioPackage.objects.get().imported_by_id == trainer.user_id
