"""`alliance catalogues load|list`: the screening indicator catalogues shipped with Alliance."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from alliance.screening.domain.catalogue import CatalogueError, load_catalogues
from alliance.screening.models import Catalogue


class Command(BaseCommand):
    help = "Load the indicator catalogues (idempotent) or list the loaded versions."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["load", "list"])

    def handle(self, *args, action, **options):
        if action == "load":
            try:
                result = load_catalogues()
            except CatalogueError as exc:
                raise CommandError(str(exc)) from None
            for label in result.loaded:
                self.stdout.write(f"loaded {label}")
            self.stdout.write(f"{len(result.loaded)} loaded, {len(result.unchanged)} already loaded")
            return
        for catalogue in Catalogue.objects.all():
            state = "retired" if catalogue.retired_at else "in use"
            count = len(catalogue.content.get("indicators", []))
            self.stdout.write(f"{catalogue.code} {catalogue.version}  {count} indicators  {state}  {catalogue.title}")
