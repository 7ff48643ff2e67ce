"""Shared by bench/run.py and the benchmark workers: paths, throw-away environments, statistics, tables.

Nothing here asserts on time. Figures are printed next to a baseline measured in the same run, so a
slow or busy machine moves both and the ratio stays meaningful.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
BIN = ROOT / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)

PG_HOST = os.environ.get("BENCH_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("BENCH_PG_PORT", "5432"))
PG_USER = os.environ.get("BENCH_PG_USER", "postgres")


def log(message: str) -> None:
    """Progress goes to stderr so that the tables on stdout stay clean."""
    print(f"  · {message}", file=sys.stderr, flush=True)


# --- Statistics ----------------------------------------------------------------------------------
def summarise_ns(samples_ns: list[int]) -> dict[str, float]:
    """Mean and percentiles in milliseconds of per-call timings taken with perf_counter_ns."""
    ms = [s / 1e6 for s in samples_ns]
    if len(ms) < 2:
        value = ms[0] if ms else float("nan")
        return {"n": len(ms), "mean": value, "p50": value, "p95": value, "p99": value}
    cuts = statistics.quantiles(ms, n=100, method="inclusive")
    return {"n": len(ms), "mean": statistics.fmean(ms), "p50": cuts[49], "p95": cuts[94], "p99": cuts[98]}


def ratio(value: float, baseline: float) -> float:
    return value / baseline if baseline else float("nan")


def fmt_ms(value: float) -> str:
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def fmt_rate(value: float) -> str:
    return f"{value:,.0f}"


def fmt_ratio(value: float) -> str:
    return f"{value:.2f}x"


# --- Results: what a worker hands back to run.py -------------------------------------------------
@dataclass
class Table:
    caption: str
    headers: list[str]
    rows: list[list[str]]


@dataclass
class Result:
    name: str
    title: str
    tables: list[Table] = field(default_factory=list)
    summary: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    figures: dict = field(default_factory=dict)

    def to_json(self) -> dict:
        return {
            "name": self.name,
            "title": self.title,
            "tables": [t.__dict__ for t in self.tables],
            "summary": self.summary,
            "notes": self.notes,
            "figures": self.figures,
        }

    @classmethod
    def from_json(cls, data: dict) -> Result:
        tables = [Table(**t) for t in data.get("tables", [])]
        return cls(name=data["name"], title=data["title"], tables=tables, summary=data.get("summary", []),
                   notes=data.get("notes", []), figures=data.get("figures", {}))

    def write(self, path: str | Path) -> None:
        Path(path).write_text(json.dumps(self.to_json(), indent=2))


def render_table(table: Table) -> str:
    widths = [len(h) for h in table.headers]
    for row in table.rows:
        for i, cell in enumerate(row):
            widths[i] = max(widths[i], len(str(cell)))
    def line(cells):
        return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths,
                                                                                                          strict=True)))
    out = [table.caption, line(table.headers), "  ".join("-" * w for w in widths)]
    out += [line(row) for row in table.rows]
    return "\n".join(out)


def render_markdown_table(table: Table) -> str:
    out = [f"**{table.caption}**", "", "| " + " | ".join(table.headers) + " |",
           "|" + "|".join(["---"] + ["---:"] * (len(table.headers) - 1)) + "|"]
    out += ["| " + " | ".join(str(c) for c in row) + " |" for row in table.rows]
    return "\n".join(out)


# --- PostgreSQL: one fresh database per benchmark, dropped afterwards -----------------------------
def pg_admin_connect():
    import psycopg

    return psycopg.connect(host=PG_HOST, port=PG_PORT, user=PG_USER, dbname="postgres", autocommit=True,
                           connect_timeout=3)


def pg_available() -> tuple[bool, str]:
    try:
        with pg_admin_connect() as conn:
            version = conn.execute("SHOW server_version").fetchone()[0]
        return True, f"PostgreSQL {version} at {PG_HOST}:{PG_PORT}"
    except Exception as exc:  # any failure means: skip the PostgreSQL parts, visibly
        reason = " ".join(str(exc).split())[:200]
        return False, f"PostgreSQL at {PG_HOST}:{PG_PORT} is not reachable ({exc.__class__.__name__}: {reason})"


def pg_create_database() -> str:
    name = f"bench_alliance_{secrets.token_hex(4)}"
    with pg_admin_connect() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return name


def pg_drop_database(name: str) -> None:
    with pg_admin_connect() as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def pg_url(name: str) -> str:
    return f"postgres://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"


# --- A throw-away installation: its own var dir, keys and database --------------------------------
@dataclass
class Sandbox:
    name: str
    backend: str  # "sqlite" or "postgres"
    var_dir: Path
    env: dict[str, str]
    database: str  # PostgreSQL database name or SQLite path

    def describe(self) -> str:
        return f"{self.backend} ({self.database})"


def base_env(var_dir: Path, profile: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("ALLIANCE_", "DJANGO_"))}
    env.update({
        "ALLIANCE_PROFILE": profile,
        "ALLIANCE_VAR_DIR": str(var_dir),
        "DJANGO_SETTINGS_MODULE": "alliance.config.settings",
        "ALLIANCE_LOG_LEVEL": "ERROR",
        # Keep a PYTHONPATH given by the caller (e.g. a snapshot of src/ to benchmark a fixed version).
        "PYTHONPATH": os.pathsep.join(p for p in (str(BENCH_DIR), os.environ.get("PYTHONPATH", "")) if p),
        "PYTHONDONTWRITEBYTECODE": "1",
    })
    return env


@contextlib.contextmanager
def sandbox(name: str, backend: str, *, profile: str = "demo") -> Iterator[Sandbox]:
    var_dir = Path(tempfile.mkdtemp(prefix=f"alliance-bench-{name}-"))
    env = base_env(var_dir, profile)
    database = ""
    try:
        if backend == "postgres":
            database = pg_create_database()
            env["ALLIANCE_DATABASE_URL"] = pg_url(database)
        else:
            database = str(var_dir / "alliance.sqlite3")
            env["ALLIANCE_DATABASE_URL"] = f"sqlite:///{database}"
        box = Sandbox(name=name, backend=backend, var_dir=var_dir, env=env, database=database)
        log(f"[{name}] fresh {box.describe()}, var dir {var_dir}; migrating")
        started = time.perf_counter()
        subprocess.run([str(BIN / "django-admin"), "migrate", "--settings=alliance.config.settings", "-v", "0"],
                       env=env, cwd=ROOT, check=True)
        log(f"[{name}] migrated in {time.perf_counter() - started:.1f} s")
        yield box
    finally:
        if backend == "postgres" and database:
            try:
                pg_drop_database(database)
                log(f"[{name}] dropped database {database}")
            except Exception as exc:
                log(f"[{name}] could not drop database {database}: {exc} -- drop it by hand")
        shutil.rmtree(var_dir, ignore_errors=True)


def run_worker(script: str, box: Sandbox, args: list[str]) -> Result:
    """Run bench/<script> in the sandbox's environment; it writes its Result as JSON."""
    result_file = box.var_dir / f"result-{script}.json"
    command = [str(PYTHON), str(BENCH_DIR / script), "--result", str(result_file), *args]
    subprocess.run(command, env=box.env, cwd=ROOT, check=True)
    return Result.from_json(json.loads(result_file.read_text()))


def worker_setup() -> None:
    """In a worker process: configure Django from the environment run.py prepared."""
    if "ALLIANCE_VAR_DIR" not in os.environ:
        sys.exit("run this through bench/run.py, which prepares a throw-away database and var dir")
    import django

    django.setup()


def interleaved(variants: dict, ids: list, *, rounds: int) -> dict[str, list[int]]:
    """Time each variant on the same ids, alternating in small blocks so drift hits all of them alike."""
    samples: dict[str, list[int]] = {name: [] for name in variants}
    block = max(1, len(ids) // rounds)
    names = list(variants)
    for r, start in enumerate(range(0, len(ids), block)):
        chunk = ids[start:start + block]
        order = names[r % len(names):] + names[:r % len(names)]
        for name in order:
            fn = variants[name]
            out = samples[name]
            for item in chunk:
                t0 = time.perf_counter_ns()
                fn(item)
                out.append(time.perf_counter_ns() - t0)
    return samples


def code_description() -> str:
    """Which alliance source the workers import, and its git commit when it is this checkout's."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(p for p in (str(BENCH_DIR),
                                                                     os.environ.get("PYTHONPATH", "")) if p)}
    found = subprocess.run([str(PYTHON), "-c", "import alliance, os; print(os.path.dirname(alliance.__file__))"],
                           env=env, capture_output=True, text=True, check=False).stdout.strip()
    try:
        inside = Path(found).resolve().is_relative_to(ROOT)
    except (OSError, ValueError):
        inside = False
    if not inside:
        return f"alliance from {found or '?'}"

    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True,
                              check=False).stdout.strip()

    dirty = " + uncommitted changes in src/" if git("status", "--porcelain", "src") else ""
    return f"alliance from {found} (git {git('rev-parse', '--short', 'HEAD') or '?'}{dirty})"


def machine_description() -> str:
    import platform

    cpu = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        mem_kb = int(next(li for li in Path("/proc/meminfo").read_text().splitlines()
                          if li.startswith("MemTotal")).split()[1])
        mem = f", {mem_kb / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        mem = ""
    return f"{os.cpu_count()} CPU ({cpu or platform.processor()}){mem}, Python {platform.python_version()}"
