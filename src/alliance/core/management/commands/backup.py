"""`alliance backup [PATH]`: a consistent copy of the database, without the keys."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone
from tqdm import tqdm

from alliance.core.backup import KEYS_REMINDER, BackupError, backup_create


def default_path() -> Path:
    suffix = "sqlite3" if connection.vendor == "sqlite" else "dump"
    stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
    return Path(settings.VAR_DIR) / "backups" / f"alliance-{stamp}.{suffix}"


class Command(BaseCommand):
    help = "Back up the database (SQLite online backup or pg_dump). The key ring is NOT included."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", type=Path,
                            help="file to write (must not exist); default var/backups/alliance-<time>.*")

    def handle(self, *args, path: Path | None = None, **options):
        target = path or default_path()
        bar = tqdm(unit="pages" if connection.vendor == "sqlite" else "tables", desc="backing up", disable=None)

        def progress(done: int, total: int) -> None:
            bar.total = total
            bar.update(done - bar.n)

        try:
            with bar:
                result = backup_create(target_path=target, progress=progress)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Backup written: {result.path} ({result.size} bytes, {result.engine}).")
        self.stderr.write(self.style.WARNING(f"Reminder: {KEYS_REMINDER}"))
