"""`alliance audit verify|anchor`: recompute the hash chain; write its head outside the database."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from alliance.core import audit
from alliance.core.models import AuditEvent


class Command(BaseCommand):
    help = "Verify the audit chain, or anchor its head in a file outside the database."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{verify,anchor}")
        verify = actions.add_parser("verify", help="recompute the chain and check it against the anchors")
        verify.add_argument("--anchor-file", type=Path, help="default: ALLIANCE_AUDIT_ANCHOR_FILE")
        anchor = actions.add_parser("anchor", help="append the head (row and hash) to the anchor file")
        anchor.add_argument("--anchor-file", type=Path, help="default: ALLIANCE_AUDIT_ANCHOR_FILE")

    def handle(self, *args, action: str, anchor_file: Path | None = None, **options):
        anchor_file = anchor_file or Path(settings.ALLIANCE_AUDIT_ANCHOR_FILE)
        if action == "verify":
            self._verify(anchor_file)
        else:
            self._anchor(anchor_file)

    def _verify(self, anchor_file: Path) -> None:
        with tqdm(total=AuditEvent.objects.count(), unit="rows", desc="verifying", disable=None) as bar:
            result = audit.verify(progress=bar.update, anchor_file=anchor_file, on_wait=self._waiting)
        if not result.ok:
            raise CommandError(f"audit chain BROKEN at row {result.first_bad_seq}: {result.problem} "
                               f"({result.checked} rows verified before it)")
        if result.head_seq is None:
            self.stdout.write("The audit chain is empty.")
            return
        anchors = f"checked against {anchor_file}" if anchor_file.exists() else f"no anchor file at {anchor_file}"
        self.stdout.write(f"Audit chain intact: {result.checked} rows, head row {result.head_seq} "
                          f"hash {result.head_hash}; {anchors}.")

    def _waiting(self) -> None:
        self.stderr.write("Another verification of the audit chain is running: waiting for it to finish.")
        self.stderr.flush()

    def _anchor(self, anchor_file: Path) -> None:
        head = audit.anchor(anchor_file=anchor_file)
        if head is None:
            self.stdout.write("The audit chain is empty: nothing to anchor.")
            return
        self.stdout.write(f"Anchored row {head[0]} hash {head[1]} in {anchor_file}.")
