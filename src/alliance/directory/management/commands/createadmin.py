"""`alliance createadmin`: the first system administrator, and their organisation if it is new."""

from __future__ import annotations

import getpass
import os
import stat
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from alliance.core import roles as R
from alliance.core.errors import ValidationFailed
from alliance.directory.models import Organisation
from alliance.directory.services import organisation_create, staff_add


class Command(BaseCommand):
    help = "Create a system administrator (and the organisation, if missing). Asks for what is not given."

    def add_arguments(self, parser):
        parser.add_argument("--email")
        parser.add_argument("--name", help="the administrator's display name")
        parser.add_argument("--organisation", help="organisation name; created if it does not exist")
        parser.add_argument("--country", help="ISO 3166 two-letter code of the organisation's country")
        parser.add_argument("--sector", default=Organisation.Sector.COORDINATOR_RAPPORTEUR,
                            choices=Organisation.Sector.values, help="for a new organisation")
        parser.add_argument("--password-file", type=Path,
                            help="read the password from this file (first line) instead of asking")

    def handle(self, *args, **options):
        email = options["email"] or self._ask("E-mail address")
        name = options["name"] or self._ask("Display name")
        org_name = options["organisation"] or self._ask("Organisation")
        country = (options["country"] or self._ask("Country (ISO 3166 code, e.g. XD)")).strip().upper()
        password = self._password(options["password_file"])
        try:
            with transaction.atomic():
                org = Organisation.objects.filter(name=org_name.strip(), country=country).first()
                created = org is None
                if created:
                    org = organisation_create(actor=None, name=org_name, country=country, sector=options["sector"])
                membership = staff_add(actor=None, organisation_id=org.pk, email=email, display_name=name,
                                       password=password, roles=[R.SYSTEM_ADMINISTRATOR])
        except ValidationFailed as exc:
            lines = [f"  {field}: {' '.join(messages)}" for field, messages in exc.errors.items()]
            raise CommandError("not created:\n" + "\n".join(lines)) from None
        # staff_add reuses an existing account with this address: say which case it was, by id only.
        self.stdout.write(f"{'Created' if created else 'Using'} organisation {org.pk}; account "
                          f"{membership.user_id} is now a system administrator (membership {membership.pk}).")

    def _ask(self, label: str) -> str:
        if not sys.stdin.isatty():
            raise CommandError(f"{label} is missing (give it as an option when there is no terminal)")
        value = input(f"{label}: ").strip()
        if not value:
            raise CommandError(f"{label} is required")
        return value

    def _password(self, path: Path | None) -> str:
        if path is not None:
            if stat.S_IMODE(os.stat(path).st_mode) & 0o077:
                self.stderr.write(self.style.WARNING(f"{path} is readable by others; delete it after use"))
            lines = path.read_text().splitlines()
            if not lines or not lines[0]:
                raise CommandError(f"{path} holds no password on its first line")
            return lines[0]
        if not sys.stdin.isatty():
            raise CommandError("no terminal to ask for the password: use --password-file")
        password = getpass.getpass("Password (12 characters or more): ")
        if password != getpass.getpass("Password again: "):
            raise CommandError("the two passwords differ")
        return password
