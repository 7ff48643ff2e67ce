"""`alliance retention run [--dry-run] [--today YYYY-MM-DD]`: anonymise closed cases past their retention
period (country profile), except those under a legal hold, and delete screenings that never became a case
once their period ends. The nightly jobs run the same functions.

The command lives in screening, not cases, because it runs both apps' retention and screening already
depends on cases (a screening becomes a case); from cases it would make the two apps import each other."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError

from alliance.cases.services.retention import retention_run
from alliance.screening.services.retention import screenings_expire


class Command(BaseCommand):
    help = "Anonymise closed cases whose retention period has ended, unless a legal hold stands."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{run}")
        run = actions.add_parser("run", help="anonymise every case past its period (each audited)")
        run.add_argument("--dry-run", action="store_true", help="count what is due; change nothing")
        run.add_argument("--today", help="the day to judge by (YYYY-MM-DD), default today")

    def handle(self, *args, action: str, dry_run: bool = False, today: str | None = None, **options):
        try:
            day = dt.date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError("--today: use the form YYYY-MM-DD") from None
        result = retention_run(today=day, dry_run=dry_run)
        screenings = screenings_expire(today=day, dry_run=dry_run)
        if dry_run:
            self.stdout.write(f"Due for anonymisation: {len(result.due)} cases; under a legal hold: {result.held}. "
                              "Nothing was changed (dry run).")
            self.stdout.write(f"Screenings without a case finished before {screenings.cutoff.date()}: "
                              f"{screenings.due} due for deletion (dry run).")
        else:
            skipped = len(result.due) - len(result.anonymised)
            self.stdout.write(f"Anonymised: {len(result.anonymised)} cases; under a legal hold: {result.held}; "
                              f"changed meanwhile and left: {skipped}.")
            self.stdout.write(f"Deleted: {screenings.deleted} screenings without a case finished before "
                              f"{screenings.cutoff.date()}.")
