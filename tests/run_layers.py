"""Run every test layer: SQLite, PostgreSQL, browser. Exit non-zero on any failure, and in strict mode
(CI, or ALLIANCE_REQUIRE_ALL_LAYERS=1) also when a layer could not run.

On two or more cores the SQLite and PostgreSQL layers run side by side (ALLIANCE_TEST_SERIAL=1: one after
the other); the browser layer runs alone afterwards, so its timing-sensitive steps have the machine."""

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


class Layer:
    """One pytest run. A layer started with `quiet` writes to a file, printed whole when it is collected, so
    that two layers can run side by side (on two cores the SQLite layer hides inside the PostgreSQL one)."""

    def __init__(self, name: str, args: list[str], env: dict[str, str], *, quiet: bool = False):
        self.name = name
        self.started = time.monotonic()
        # Each layer keeps its own key ring, uploads and job queue (inside a var directory the user chose).
        parent = os.environ.get("ALLIANCE_VAR_DIR")
        if parent:
            os.makedirs(parent, exist_ok=True)
        env = {"ALLIANCE_VAR_DIR": tempfile.mkdtemp(prefix=f"alliance-test-{name}-", dir=parent), **env}
        if quiet:
            args = ["-p", "no:cacheprovider", *args]  # the other layer owns .pytest_cache meanwhile
        # The file outlives __init__: collect() reads and closes it.
        self.log = tempfile.TemporaryFile(mode="w+", encoding="utf-8") if quiet else None  # noqa: SIM115
        self.process = subprocess.Popen([sys.executable, "-m", "pytest", *args], cwd=ROOT,
                                        env={**os.environ, **env}, stdout=self.log or subprocess.PIPE,
                                        stderr=subprocess.STDOUT, text=True, bufsize=1)
        if not quiet:
            print(f"\n=== layer: {name} ===", flush=True)

    def collect(self) -> bool:
        if self.log is None:
            lines = list(_echo(self.process.stdout))
            code = self.process.wait()
        else:
            code = self.process.wait()
            self.log.seek(0)
            print(f"\n=== layer: {self.name} (ran alongside the layer above) ===", flush=True)
            lines = list(_echo(self.log))
            self.log.close()
        last = next((line for line in reversed(lines) if " in " in line
                     and ("passed" in line or "failed" in line or "error" in line)), "")
        found = _COUNT.findall(last)
        for number, kind in found:
            COUNTS[kind.rstrip("s") if kind.startswith("error") else kind] += int(number)
        if code != 0 and not any(kind != "passed" and kind != "skipped" for _n, kind in found):
            COUNTS["failed"] += 1  # the layer broke without a pytest summary (collection error, crash)
        print(f"=== layer {self.name}: {'passed' if code == 0 else f'FAILED (exit {code})'} "
              f"in {time.monotonic() - self.started:.0f} s ===", flush=True)
        return code == 0


def _echo(stream):
    for line in stream:
        print(line, end="", flush=True)
        yield line


def run(name: str, args: list[str], env: dict[str, str]) -> bool:
    return Layer(name, args, env).collect()


def main() -> int:
    strict = os.environ.get("CI") == "true" or os.environ.get("ALLIANCE_REQUIRE_ALL_LAYERS") == "1"
    extra = sys.argv[1:]
    results: dict[str, str] = {}
    # pytest-django imports the settings before any conftest runs, so the profile is set here.
    os.environ["ALLIANCE_PROFILE"] = "test"
    # Tests marked postgres_only (concurrent writers) need a real server; they run in the PostgreSQL layer.
    side_by_side = os.environ.get("ALLIANCE_TEST_SERIAL") != "1" and (os.cpu_count() or 1) >= 2
    url = postgres_url()
    sqlite = Layer("sqlite", ["-m", "not browser and not postgres_only", *extra], {}, quiet=bool(url and side_by_side))
    try:
        return _finish(sqlite, url, side_by_side, extra, results, strict)
    finally:
        if sqlite.process.poll() is None:  # interrupted (Ctrl-C): leave no test run behind
            sqlite.process.kill()


def _finish(sqlite: Layer, url, side_by_side: bool, extra: list[str], results: dict, strict: bool) -> int:
    if url and not side_by_side:
        results["sqlite"] = "passed" if sqlite.collect() else "failed"
    if url:
        env = {"ALLIANCE_DATABASE_URL": url, "ALLIANCE_TEST_DATABASE_NAME": f"test_alliance_{uuid.uuid4().hex[:10]}"}
        results["postgresql"] = "passed" if run("postgresql", ["-m", "not browser", *extra], env) else "failed"
    else:
        results["postgresql"] = "skipped (no server at 127.0.0.1:5432 and ALLIANCE_TEST_POSTGRES unset)"
    if "sqlite" not in results:
        results["sqlite"] = "passed" if sqlite.collect() else "failed"
    results = {layer: results[layer] for layer in ("sqlite", "postgresql")}
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
