"""`alliance applicants_erase`: erase applicants' names, e-mails and free text after their edition (the same
work as the nightly job, for an installation that runs no job queue)."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from alliance.exercises.services.applications import applicants_erase_expired


class Command(BaseCommand):
    help = "Erase the personal data of applicants whose edition ended longer ago than the retention period."

    def handle(self, *args, **options):
        done = applicants_erase_expired()
        self.stdout.write(f"editions erased: {done.editions}; applicants erased: {done.applicants}; "
                          f"unconfirmed applications deleted: {done.unconfirmed_deleted}")
