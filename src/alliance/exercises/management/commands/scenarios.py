"""`alliance scenarios validate|import|export|list`: scenario packages from a shell (docs/scenario-packages.md).

`validate` needs no database: it prints one line per problem as `path:line: reason` (line 0 when the
problem is not on a line: a missing file, an archive entry) and exits non-zero when any package has one.
`import` and `export` act as a named member (`--as EMAIL`) or, without it, as the installation itself,
through the same services, rights and audit as the web pages.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from alliance.core.actor import system_actor
from alliance.core.errors import Forbidden, NotFound
from alliance.exercises.domain import scenario_package as sp


class Command(BaseCommand):
    help = "Scenario packages: validate PATH..., import PATH [--as EMAIL], export SLUG[@VERSION] DEST, list."
    requires_system_checks: list = []  # validate runs where there is no database

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{validate,import,export,list}")
        validate = actions.add_parser("validate", help="check packages (folders or .zip files); no database")
        validate.add_argument("paths", nargs="+", type=Path)
        imports = actions.add_parser("import", help="import one package, refused whole on any problem")
        imports.add_argument("path", type=Path)
        imports.add_argument("--as", dest="email", help="act as this member (e-mail); default: the installation")
        export = actions.add_parser("export", help="write a package's files to a folder, or to DEST.zip")
        export.add_argument("which", metavar="SLUG[@VERSION]")
        export.add_argument("dest", type=Path)
        export.add_argument("--as", dest="email", help="act as this member (e-mail); default: the installation")
        listing = actions.add_parser("list", help="the imported packages and their versions")
        listing.add_argument("--as", dest="email", help="act as this member (e-mail); default: the installation")

    def handle(self, *args, action: str, **options):
        if action == "validate":
            return self._validate(options["paths"])
        from alliance.exercises.services.scenarios import ScenarioRefused

        actor = self._actor(options.get("email"))
        try:
            getattr(self, "_" + action)(actor, **options)
        except ScenarioRefused as exc:
            prefix = str(options.get("path", ""))
            for problem in exc.problems:
                self.stdout.write(problem.located(prefix))
            raise CommandError(f"refused: {len(exc.problems)} problem(s), nothing imported") from None
        except Forbidden:
            raise CommandError("this member's roles do not allow that") from None
        except NotFound as exc:
            raise CommandError(f"not found: {exc}") from None

    def _validate(self, paths: list[Path]) -> None:
        refused = 0
        for path in paths:
            try:
                package = sp.read(path)
            except sp.PackageRefused as exc:
                refused += 1
                for problem in exc.problems:
                    self.stdout.write(problem.located(str(path)))
            else:
                self.stderr.write(f"{path}: valid ({package.slug}@{package.version})")
        if refused:
            raise CommandError(f"{refused} of {len(paths)} package(s) refused")

    def _actor(self, email: str | None):
        from alliance.directory.models import Membership, User
        from alliance.directory.selectors import actor_for, live_realm

        realm = live_realm()
        if not email:
            return system_actor(realm_id=realm.pk, channel="cli")
        user = User.objects.filter(email=email.strip().lower(), is_active=True).first()
        membership = Membership.objects.filter(user=user, is_active=True).order_by("id").first() if user else None
        if membership is None:
            raise CommandError("no active member with this e-mail address")
        return actor_for(user=user, membership=membership, realm=realm, address=None, channel="cli")

    def _import(self, actor, *, path: Path, **options) -> None:
        from alliance.exercises.services.scenarios import scenario_import

        row = scenario_import(actor=actor, path=path)
        self.stdout.write(f"imported {row.slug}@{row.version} ({row.evidence.count()} evidence files)")

    def _export(self, actor, *, which: str, dest: Path, **options) -> None:
        from alliance.exercises.services.scenarios import scenario_export

        slug, _at, version = which.partition("@")
        exported = scenario_export(actor=actor, slug=slug, version=version or None)
        if dest.suffix.lower() == ".zip":
            if dest.exists():
                raise CommandError(f"{dest} exists")
            dest.write_bytes(exported.zip())
        else:
            try:
                exported.write_folder(dest)
            except FileExistsError as exc:
                raise CommandError(str(exc)) from None
        self.stdout.write(f"exported {exported.slug}@{exported.version} to {dest}")

    def _list(self, actor, **options) -> None:
        from alliance.exercises.selectors.scenarios import scenario_list_for

        for row in scenario_list_for(actor=actor):
            title = row.title.get("en") or next(iter(row.title.values()), "")
            self.stdout.write(f"{row.slug}@{row.version}  {','.join(row.languages)}  "
                              f"{row.imported_at:%Y-%m-%d %H:%M}  {title}")
