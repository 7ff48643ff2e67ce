"""`alliance match pairs|dedupe`: the matcher on any CSV, so it can be measured on one's own data.

`pairs INPUT.csv` reads `id,name_a,name_b` (and optionally `birth_date_a,birth_date_b,country_a,country_b`)
and writes `id,score` to standard output, scored as xref scores candidates (domain/matching.py).
`dedupe INPUT.csv --output OUT.csv` reads `id,name` (optionally `birth_date,country,phone,document_number`)
and writes `id,cluster`, on DuckDB or, for data that outgrows one machine, Spark (domain/linkage.py).
Neither touches the database: the files are the analyst's, the command only computes.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Cross-script matching: pairs INPUT.csv (scores to stdout); dedupe INPUT.csv --output OUT.csv."
    requires_system_checks: list = []  # computes on files; needs no database

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{pairs,dedupe}")
        pairs = actions.add_parser("pairs", help="score each pair of a CSV (id,name_a,name_b,...) from 0 to 1")
        pairs.add_argument("input", type=Path)
        dedupe = actions.add_parser("dedupe", help="cluster the records of a CSV (id,name,...) into persons")
        dedupe.add_argument("input", type=Path)
        dedupe.add_argument("--output", type=Path, required=True)
        dedupe.add_argument("--engine", choices=("duckdb", "spark"), default="duckdb")
        dedupe.add_argument("--no-progress", action="store_true", help="no progress bar (for scripts)")

    def handle(self, *args, action: str, **options):
        source: Path = options["input"]
        if not source.is_file():
            raise CommandError(f"{source}: no such file")
        try:
            with source.open(encoding="utf-8-sig", newline="") as reader:
                if action == "pairs":
                    from alliance.investigations.domain.matching import score_pairs_csv

                    count = score_pairs_csv(reader, sys.stdout)
                    self.stderr.write(f"{count} pairs scored")
                    return
                from alliance.investigations.domain.linkage import dedupe_csv

                with options["output"].open("w", encoding="utf-8", newline="") as writer:
                    count = dedupe_csv(reader, writer, engine=options["engine"],
                                       progress=not options["no_progress"])
                self.stderr.write(f"{count} records clustered into {options['output']}")
        except UnicodeDecodeError:
            raise CommandError(f"{source}: not UTF-8 text") from None
        except ValueError as error:
            raise CommandError(f"{source}: {error}") from None
