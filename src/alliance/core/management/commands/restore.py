"""`alliance restore PATH`: replace the database with a backup, then verify the audit chain."""

from __future__ import annotations

import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from alliance.core.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = "Restore the configured database from a backup made by `alliance backup`, then verify it."

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="backup file")
        parser.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    def handle(self, *args, path: Path, yes: bool, **options):
        name = str(settings.DATABASES["default"]["NAME"])
        if not yes:
            if not sys.stdin.isatty():
                raise CommandError("not asking without a terminal: add --yes to restore")
            self.stdout.write(f"This replaces every row of the database {name} with the backup {path}.\n"
                              "Stop `alliance serve` and the job workers first.")
            if input("Type 'restore' to go on: ").strip() != "restore":
                raise CommandError("nothing restored")
        copy_bar = tqdm(desc="restoring", disable=None)

        def progress(done: int, total: int) -> None:
            copy_bar.total = total
            copy_bar.update(done - copy_bar.n)

        verify_bar = tqdm(desc="verifying audit chain", unit="rows", disable=None)
        try:
            with copy_bar, verify_bar:
                result = backup_restore(source_path=path, progress=progress, verify_progress=verify_bar.update)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(f"Restored {name} from {path}.")
        chain = result.chain
        if chain.ok:
            self.stdout.write(f"Audit chain intact: {chain.checked} rows, head row {chain.head_seq}.")
        if result.anchors_moved_to is not None:
            self.stdout.write(
                f"The anchor file named rows the backup does not hold ({result.anchor_problem}). It was kept "
                f"as {result.anchors_moved_to} and a new anchor was written for the restored chain."
            )
        problems = []
        if not chain.ok:
            problems.append(f"audit chain BROKEN at row {chain.first_bad_seq}: {chain.problem}")
        if result.missing_keys:
            listed = ", ".join(f"{k} ({n} values)" for k, n in sorted(result.missing_keys.items()))
            problems.append(f"the key ring lacks keys the restored data uses: {listed}; restore those keys "
                            "from the key backup")
        if problems:
            raise CommandError("; ".join(problems))
