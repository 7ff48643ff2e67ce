"""The `alliance` console command: operations subcommands, and every Django management command.

Each subcommand is a management command (core/management/commands/ and the demo in web/), so
`alliance keys rotate` and `django-admin keys rotate` are the same thing; this module only names them,
fixes the settings module and turns `alliance check` into the deployment check.
"""

from __future__ import annotations

import os
import sys

COMMANDS: dict[str, str] = {
    "serve": "serve the web application (granian) with the background-job worker",
    "demo": "load the fictitious Dreamland demonstration data",
    "migrate": "create or update the database tables",
    "createadmin": "create a system administrator (and their organisation)",
    "keys": "encryption keys: status, rotate, retire",
    "audit": "audit chain: verify, anchor",
    "backup": "back up the database (the keys are backed up separately)",
    "restore": "restore the database from a backup and verify its audit chain",
    "jobs": "background jobs: worker, status <id>",
    "retention": "anonymise closed cases past their retention period: run [--dry-run]",
    "packages": "transnational referral: keys, partner-add, send, receive, accept, refuse, list",
    "catalogues": "screening indicator catalogues: load (idempotent), list",
    "scenarios": "exercise scenario packages: validate PATH..., import, export, list",
    "match": "cross-script matching on a CSV: pairs INPUT.csv, dedupe INPUT.csv --output OUT.csv",
    "check": "deployment checks (Django's check --deploy; any warning fails)",
}

USAGE = """usage: alliance <command> [options]

Commands:
{commands}

Any other Django management command also works: alliance <command> (for example
`alliance shell`, `alliance help` for the full list). `alliance <command> --help` describes one.
"""


def usage() -> str:
    width = max(map(len, COMMANDS))
    return USAGE.format(commands="\n".join(f"  {name.ljust(width)}  {text}" for name, text in COMMANDS.items()))


def django_argv(args: list[str]) -> list[str]:
    """The management-command line for an `alliance` command line."""
    if args and args[0] == "check":
        # Warnings fail too: the production profile must pass the deployment checks cleanly.
        return ["check", "--deploy", "--fail-level", "WARNING", *args[1:]]
    return args


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"}:
        # Answered without loading Django: no settings read, no var directory created.
        sys.stdout.write(usage())
        return 0
    if args[0] == "--version":
        from importlib.metadata import version

        sys.stdout.write(f"alliance {version('alliance')}\n")
        return 0
    # One settings module for every profile (ALLIANCE_PROFILE): a stray value from another project
    # must not be picked up.
    os.environ["DJANGO_SETTINGS_MODULE"] = "alliance.config.settings"
    from django.core.management import execute_from_command_line

    execute_from_command_line(["alliance", *django_argv(args)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
