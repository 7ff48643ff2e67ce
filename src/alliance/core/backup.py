"""Backing up and restoring the database (never the key ring), then checking the restored audit chain.

SQLite: sqlite3's online backup API copies a consistent snapshot while the server keeps running.
PostgreSQL: pg_dump's custom format, restored with pg_restore in one transaction. Connection details
go to the tools through PG* environment variables, so no password ever shows in a process list.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

from alliance.core import audit
from alliance.core.actor import system_actor

# Called with (done, total) in the backend's own units: SQLite pages, PostgreSQL archive entries.
CopyProgress = Callable[[int, int], None]

KEYS_REMINDER = (
    "This backup does not contain the encryption keys. Without them the personal data in it cannot "
    "be read. Back up the key ring separately (the keyring.json file in the key directory, or the "
    "ALLIANCE_KEYRING secret) and keep every key that an older backup still needs."
)
SQLITE_MAGIC = b"SQLite format 3\x00"
PG_CUSTOM_MAGIC = b"PGDMP"
_PAGES_PER_STEP = 1024
# Tables every Alliance database has; a file without them is some other application's database.
_REQUIRED_TABLES = {"django_migrations", "core_auditevent"}


class BackupError(RuntimeError):
    pass


@dataclass(frozen=True)
class BackupResult:
    path: Path
    engine: str
    size: int


@dataclass(frozen=True)
class RestoreResult:
    engine: str
    chain: audit.VerifyResult
    anchors_moved_to: Path | None
    anchor_problem: str
    missing_keys: dict[str, int]

    @property
    def ok(self) -> bool:
        return self.chain.ok and not self.missing_keys


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise BackupError(f"backups support SQLite and PostgreSQL, not {vendor}")
    return vendor


def _sqlite_path() -> Path:
    name = str(settings.DATABASES["default"]["NAME"])
    if not name or name == ":memory:" or name.startswith("file:"):
        raise BackupError("the configured SQLite database is not a file")
    return Path(name).resolve()


def _private_empty_file(path: Path) -> None:
    # Created 0600 before anything is written into it: the copy holds staff and case data.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    os.close(fd)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _system_actor():
    return system_actor(realm_id=0, channel="cli")


# --- Backup -----------------------------------------------------------------------------------------------
def backup_create(*, target_path: Path, progress: CopyProgress | None = None) -> BackupResult:
    """Write a consistent copy of the database to target_path (refusing to overwrite), mode 0600."""
    engine = _engine()
    target = Path(target_path).resolve()
    if target.exists():
        raise BackupError(f"{target} exists; choose a new file name")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Recorded first, so the backup carries the record of its own making.
    audit.record(actor=_system_actor(), action="export", object_type="database", reason="backup")
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    _private_empty_file(partial)
    try:
        if engine == "sqlite":
            _sqlite_backup(_sqlite_path(), partial, progress)
        else:
            _pg_dump(partial, progress)
        os.replace(partial, target)
        _fsync_dir(target.parent)
    finally:
        partial.unlink(missing_ok=True)
    return BackupResult(path=target, engine=engine, size=target.stat().st_size)


def _sqlite_backup(source: Path, partial: Path, progress: CopyProgress | None) -> None:
    src = sqlite3.connect(source, isolation_level=None, timeout=30)
    dst = sqlite3.connect(partial)
    try:
        # An open read transaction pins one snapshot for every step: the copy is consistent, and
        # writes by the running server (WAL) neither block it nor make it start over.
        src.execute("BEGIN")
        src.execute("SELECT count(*) FROM sqlite_master").fetchone()

        def step(_status: int, remaining: int, total: int) -> None:
            if progress is not None:
                progress(total - remaining, total)

        src.backup(dst, pages=_PAGES_PER_STEP, progress=step)
        src.execute("COMMIT")
        # One self-contained file: a copy left in WAL mode would grow -wal/-shm files when opened.
        dst.execute("PRAGMA journal_mode=DELETE")
        _sqlite_check(dst, partial)
    finally:
        dst.close()
        src.close()


def _sqlite_check(db: sqlite3.Connection, path: Path) -> None:
    problems = [row[0] for row in db.execute("PRAGMA integrity_check").fetchall()]
    if problems != ["ok"]:
        raise BackupError(f"{path.name} fails SQLite's integrity check: {'; '.join(problems[:5])}")
    tables = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not _REQUIRED_TABLES.issubset(tables):
        raise BackupError(f"{path.name} is not an Alliance database (no audit or migration tables)")


def _pg_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} is not installed or not on PATH (PostgreSQL client tools are needed)")
    return path


def _pg_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    pairs = {"PGDATABASE": db.get("NAME"), "PGUSER": db.get("USER"), "PGPASSWORD": db.get("PASSWORD"),
             "PGHOST": db.get("HOST"), "PGPORT": db.get("PORT")}
    options = db.get("OPTIONS") or {}
    for option, variable in (("sslmode", "PGSSLMODE"), ("sslrootcert", "PGSSLROOTCERT"),
                             ("sslcert", "PGSSLCERT"), ("sslkey", "PGSSLKEY"), ("passfile", "PGPASSFILE")):
        pairs[variable] = options.get(option)
    env.update({k: str(v) for k, v in pairs.items() if v})
    env["PGAPPNAME"] = "alliance-backup"
    return env


def _run_pg(args: list[str], *, marker: str, total: int, progress: CopyProgress | None) -> None:
    """Run a PostgreSQL tool in verbose mode, counting its progress lines; raise with its last words."""
    tail: list[str] = []
    done = 0
    # The arguments are the tool's absolute path, fixed flags and our own file names.
    with subprocess.Popen(  # noqa: S603
        args, env=_pg_env(), stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        text=True,
    ) as process:
        assert process.stderr is not None
        for line in process.stderr:
            # The tools name objects, never row values; the last lines explain a failure.
            tail = [*tail[-9:], line.rstrip()]
            if marker in line:
                done += 1
                if progress is not None:
                    progress(min(done, total), total)
    if process.returncode != 0:
        name = Path(args[0]).name
        raise BackupError(f"{name} failed (exit {process.returncode}): " + " | ".join(tail[-5:]))
    if progress is not None:
        progress(total, total)


def _pg_dump(partial: Path, progress: CopyProgress | None) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = current_schema()")
        total = cursor.fetchone()[0]
    args = [_pg_tool("pg_dump"), "--format=custom", "--no-password", "--verbose", f"--file={partial}"]
    _run_pg(args, marker="dumping contents of table", total=total, progress=progress)
    _pg_archive_entries(partial)  # a dump that pg_restore cannot list is no backup


def _pg_archive_entries(path: Path) -> int:
    listing = subprocess.run([_pg_tool("pg_restore"), "--list", str(path)], capture_output=True,  # noqa: S603
                             text=True, check=False)
    if listing.returncode != 0:
        raise BackupError(f"{path.name} is not a readable pg_dump archive: {listing.stderr.strip()[:300]}")
    return sum(1 for line in listing.stdout.splitlines() if line and not line.startswith(";"))


# --- Restore ----------------------------------------------------------------------------------------------
def backup_kind(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(16)
    if head.startswith(SQLITE_MAGIC):
        return "sqlite"
    if head.startswith(PG_CUSTOM_MAGIC):
        return "postgresql"
    raise BackupError(f"{path.name} is neither an SQLite backup nor a pg_dump custom-format archive")


def backup_restore(
    *,
    source_path: Path,
    progress: CopyProgress | None = None,
    verify_progress: Callable[[int], None] | None = None,
) -> RestoreResult:
    """Replace the configured database with a backup, then verify its audit chain and key coverage."""
    engine = _engine()
    source = Path(source_path).resolve()
    if not source.is_file():
        raise BackupError(f"{source} does not exist")
    kind = backup_kind(source)
    if kind != engine:
        raise BackupError(f"{source.name} is a {kind} backup but the configured database is {engine}")
    # Our own open connection would hold locks and cache the old schema.
    connections.close_all()
    if engine == "sqlite":
        _sqlite_restore(source, _sqlite_path(), progress)
    else:
        _pg_restore(source, progress)
    connections.close_all()
    return _after_restore(engine, source, verify_progress)


def _sqlite_restore(source: Path, target: Path, progress: CopyProgress | None) -> None:
    if target.exists() and source.samefile(target):
        raise BackupError("the backup is the configured database file itself")
    target.parent.mkdir(parents=True, exist_ok=True)
    staged = target.with_name(f".{target.name}.restore-{os.getpid()}")
    staged.unlink(missing_ok=True)
    _private_empty_file(staged)
    try:
        # Staged and checked next to the database before the live file is touched.
        src = sqlite3.connect(f"{source.as_uri()}?mode=ro", uri=True)
        copy = sqlite3.connect(staged)
        try:
            src.backup(copy)
            copy.execute("PRAGMA journal_mode=DELETE")
            _sqlite_check(copy, source)
        finally:
            copy.close()
            src.close()
        # Applied with the backup API rather than os.replace: replacing the file under a WAL database
        # leaves its -wal and -shm files (and any open connection) pointing at the old contents, which
        # corrupts it. The copy into the live file is one write transaction: readers see the old or
        # the new database, and an interruption leaves the old one.
        staged_db = sqlite3.connect(f"{staged.as_uri()}?mode=ro", uri=True)
        live = sqlite3.connect(target, timeout=60)
        try:
            total = staged_db.execute("PRAGMA page_count").fetchone()[0]

            def step(_status: int, remaining: int, pages: int) -> None:
                if progress is not None:
                    progress(pages - remaining, pages)

            staged_db.backup(live, pages=_PAGES_PER_STEP, progress=step)
            if progress is not None:
                progress(total, total)
        finally:
            live.close()
            staged_db.close()
    finally:
        staged.unlink(missing_ok=True)


def _pg_restore(source: Path, progress: CopyProgress | None) -> None:
    total = _pg_archive_entries(source)
    name = settings.DATABASES["default"]["NAME"]
    args = [
        _pg_tool("pg_restore"), "--clean", "--if-exists", "--no-owner", "--single-transaction",
        "--exit-on-error", "--no-password", "--verbose", f"--dbname={name}", str(source),
    ]
    # --single-transaction: a restore that fails half-way rolls back and leaves the database as it was.
    _run_pg(args, marker="pg_restore: ", total=total, progress=progress)


def _after_restore(engine: str, source: Path, verify_progress: Callable[[int], None] | None) -> RestoreResult:
    from alliance.core.key_rotation import missing_keys

    anchor_file = Path(settings.ALLIANCE_AUDIT_ANCHOR_FILE)
    # The chain is judged on its own first: anchors written after the backup was taken name rows the
    # backup cannot hold, which is expected and is handled below rather than reported as tampering.
    with tempfile.TemporaryDirectory() as empty:
        chain = audit.verify(progress=verify_progress, anchor_file=Path(empty) / "no-anchors")
    moved_to, anchor_problem = None, ""
    if chain.ok and anchor_file.exists():
        anchored = audit.verify(anchor_file=anchor_file)
        if not anchored.ok:
            anchor_problem = anchored.problem
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            moved_to = anchor_file.with_name(f"{anchor_file.name}.before-restore-{stamp}")
            # Kept, not deleted: it is the evidence of what the chain held before the restore.
            os.replace(anchor_file, moved_to)
    reason = f"restored from {source.name}; chain {'intact' if chain.ok else 'BROKEN'}"
    if moved_to is not None:
        reason += f"; earlier anchors kept in {moved_to.name}"
    audit.record(actor=_system_actor(), action="admin", object_type="database", reason=reason)
    if moved_to is not None:
        audit.anchor(anchor_file=anchor_file)
    return RestoreResult(engine=engine, chain=chain, anchors_moved_to=moved_to, anchor_problem=anchor_problem,
                         missing_keys=missing_keys())
