"""Run every test layer: SQLite, PostgreSQL, browser. Exit non-zero on any failure, and in strict mode
(CI, or ALLIANCE_REQUIRE_ALL_LAYERS=1) also when a layer could not run."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("ALLIANCE_CHROMIUM", "/usr/bin/chromium")


def postgres_url() -> str | None:
    url = os.environ.get("ALLIANCE_TEST_POSTGRES")
    if url:
        return url
    try:
        with socket.create_connection(("127.0.0.1", 5432), timeout=1):
            return "postgres://postgres@127.0.0.1:5432/postgres"
    except OSError:
        return None


COUNTS = {"passed": 0, "failed": 0, "error": 0, "skipped": 0}
_COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped)")


def run(name: str, args: list[str], env: dict[str, str]) -> bool:
    print(f"\n=== layer: {name} ===", flush=True)
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "pytest", *args], cwd=ROOT, env={**os.environ, **env},
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, bufsize=1)
    last = ""
    for line in process.stdout:
        print(line, end="", flush=True)
        if " in " in line and ("passed" in line or "failed" in line or "error" in line):
            last = line
    code = process.wait()
    found = _COUNT.findall(last)
    for number, kind in found:
        COUNTS[kind.rstrip("s") if kind.startswith("error") else kind] += int(number)
    if code != 0 and not any(kind != "passed" and kind != "skipped" for _n, kind in found):
        COUNTS["failed"] += 1  # the layer broke without a pytest summary (collection error, crash)
    print(f"=== layer {name}: {'passed' if code == 0 else f'FAILED (exit {code})'} "
          f"in {time.monotonic() - started:.0f} s ===", flush=True)
    return code == 0


def main() -> int:
    strict = os.environ.get("CI") == "true" or os.environ.get("ALLIANCE_REQUIRE_ALL_LAYERS") == "1"
    extra = sys.argv[1:]
    results: dict[str, str] = {}
    # pytest-django imports the settings before any conftest runs, so the profile is set here.
    os.environ["ALLIANCE_PROFILE"] = "test"
    os.environ.setdefault("ALLIANCE_VAR_DIR", tempfile.mkdtemp(prefix="alliance-test-"))
    # Tests marked postgres_only (concurrent writers) need a real server; they run in the PostgreSQL layer.
    results["sqlite"] = "passed" if run("sqlite", ["-m", "not browser and not postgres_only", *extra], {}) else "failed"
    url = postgres_url()
    if url:
        env = {"ALLIANCE_DATABASE_URL": url, "ALLIANCE_TEST_DATABASE_NAME": f"test_alliance_{uuid.uuid4().hex[:10]}"}
        results["postgresql"] = "passed" if run("postgresql", ["-m", "not browser", *extra], env) else "failed"
    else:
        results["postgresql"] = "skipped (no server at 127.0.0.1:5432 and ALLIANCE_TEST_POSTGRES unset)"
    if Path(CHROMIUM).exists():
        results["browser"] = "passed" if run("browser", ["-m", "browser", *extra], {}) else "failed"
    else:
        results["browser"] = f"skipped ({CHROMIUM} not found: apt-get install chromium)"
    print("\n=== summary ===")
    for layer, outcome in results.items():
        print(f"{layer:>11}: {outcome}")
    failed = [k for k, v in results.items() if v == "failed"]
    skipped = [k for k, v in results.items() if v.startswith("skipped")]
    verdict = 1 if failed or (strict and skipped) else 0
    if verdict:
        print(f"FAILED layers: {', '.join(failed + skipped)}")
    # One closing line that CI tools read: the tests of every layer together.
    print(f"layers: {COUNTS['passed']} passed, {COUNTS['failed'] + COUNTS['error']} failed, "
          f"{COUNTS['skipped']} skipped")
    return verdict


if __name__ == "__main__":
    sys.exit(main())
