"""Importing, editing and exporting scenario packages (docs/scenario-packages.md).

A package is refused whole: it is validated completely (exercises/domain/scenario_package) before the
transaction opens, and written in one transaction, so no error leaves a part of it behind. A version is
never replaced: importing the same slug and version again is refused, a new version is kept beside the old.
Every import, edit and export is in the audit log (object "scenario_package", the files by name).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.exercises.domain import scenario_package as sp
from alliance.exercises.domain.scenario_package import archive
from alliance.exercises.domain.scenario_package import vocabulary as V
from alliance.exercises.models import ScenarioEvidence, ScenarioPackage
from alliance.exercises.selectors.scenarios import scenario_files_of, scenario_get_for


class ScenarioRefused(ValidationFailed):
    """A package refused whole: `problems` are the domain's (file, line, reason), every one of them."""

    def __init__(self, problems: list[sp.Problem]):
        self.problems = sorted(set(problems))
        super().__init__({"package": [str(p) for p in self.problems]})


def _require_editor(actor: Actor) -> None:
    if not policy.may_edit_scenarios(actor):
        audit.record(actor=actor, action="denied", object_type="scenario_package", reason=R.SCENARIO_EDIT)
        raise Forbidden(R.SCENARIO_EDIT)


def _checked(read) -> sp.Package:
    try:
        return read()
    except sp.PackageRefused as exc:
        raise ScenarioRefused(exc.problems) from None


def _store(actor: Actor, package: sp.Package, reason: str) -> ScenarioPackage:
    if ScenarioPackage.objects.filter(slug=package.slug, version=package.version).exists():
        raise ScenarioRefused([sp.Problem("package.yaml", package.line_of("package.yaml", ("version",)), _(
            "%(slug)s version %(version)s is already imported, and an imported version never changes: give "
            "the package a new version") % {"slug": package.slug, "version": package.version})])
    try:
        with transaction.atomic():
            row = ScenarioPackage.objects.create(
                slug=package.slug, version=package.version, format_version=V.FORMAT_VERSION, title=package.title,
                languages=list(package.languages), content=package.content, sha256=package.sha256,
                sources={name: package.files[name].decode("utf-8") for name in V.FILES},
                imported_by_id=actor.user_id)
            ScenarioEvidence.objects.bulk_create([
                ScenarioEvidence(package=row, path=e.path, media_type=e.media_type, size=e.size, sha256=e.sha256,
                                 data=package.files[e.path]) for e in package.evidence])
            audit.record(actor=actor, action="create", object_type="scenario_package", object_id=row.pk,
                         fields=sorted(package.files), reason=f"{reason} {row}")
    except IntegrityError:
        # Another import of the same version won the race between the check above and this insert.
        raise ScenarioRefused([sp.Problem("package.yaml", package.line_of("package.yaml", ("version",)),
                                          _("this version was imported meanwhile"))]) from None
    return row


def scenario_import(*, actor: Actor, path: Path | None = None, data: bytes | None = None) -> ScenarioPackage:
    """A package from a folder or a .zip on the server (`path`), or a zip's bytes (an upload, `data`)."""
    _require_editor(actor)
    if (path is None) == (data is None):
        raise ValueError("give a path or the bytes of a zip")
    package = _checked(lambda: sp.read(Path(path)) if path is not None else sp.read_bytes(data))
    return _store(actor, package, "import")


def scenario_edited_files(*, actor: Actor, slug: str, base_version: str, new_version: str,
                          content: dict[str, object] | None = None,
                          sources: dict[str, str] | None = None) -> dict[str, bytes]:
    """The files of an edit, not yet checked: the base version's files with `content` (file -> data, written
    out as YAML) or `sources` (file -> YAML text, kept as typed) put in, and package.yaml's version line set
    to `new_version` (the rest of that file, comments included, kept)."""
    base = scenario_get_for(actor=actor, slug=slug, version=base_version)
    files = scenario_files_of(package=base)
    edits = {name: yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=110)
             for name, data in (content or {}).items()} | dict(sources or {})
    for name, text in edits.items():
        if name not in V.FILES:
            raise ScenarioRefused([sp.Problem(name, 0, _("not a file of a scenario package"))])
        files[name] = text.encode("utf-8")
    package_yaml = files["package.yaml"].decode("utf-8")
    version_line = re.compile(r"^version:.*$", re.MULTILINE)
    if not version_line.search(package_yaml):
        raise ScenarioRefused([sp.Problem("package.yaml", 1, _("'version' is required"))])
    files["package.yaml"] = version_line.sub(f"version: {json.dumps(str(new_version))}", package_yaml,
                                             count=1).encode("utf-8")
    return files


def scenario_save_version(*, actor: Actor, slug: str, base_version: str, new_version: str,
                          content: dict[str, object] | None = None,
                          sources: dict[str, str] | None = None) -> ScenarioPackage:
    """An edit (the MSEL table, the role-player cards, the objectives) saved as a new version, the evidence
    kept, the whole checked by the same validator as an import."""
    _require_editor(actor)
    files = scenario_edited_files(actor=actor, slug=slug, base_version=base_version, new_version=new_version,
                                  content=content, sources=sources)
    package = _checked(lambda: sp.validate(files))
    if package.slug != slug:
        raise ScenarioRefused([sp.Problem("package.yaml", package.line_of("package.yaml", ("slug",)),
                                          _("a new version keeps the package's slug"))])
    return _store(actor, package, f"edit of {slug}@{base_version} as")


def scenario_preview(*, actor: Actor, slug: str, base_version: str, new_version: str,
                     content: dict[str, object] | None = None, sources: dict[str, str] | None = None) -> sp.Package:
    """What saving the edit would give, checked, and nothing stored: ScenarioRefused names the problems."""
    _require_editor(actor)
    files = scenario_edited_files(actor=actor, slug=slug, base_version=base_version, new_version=new_version,
                                  content=content, sources=sources)
    return _checked(lambda: sp.validate(files))


@dataclass(frozen=True)
class ExportedScenario:
    slug: str
    version: str
    files: dict[str, bytes]

    @property
    def name(self) -> str:
        return f"{self.slug}-{self.version}"

    def zip(self) -> bytes:
        return archive.write_zip(self.files, top=self.name)

    def write_folder(self, folder: Path) -> None:
        archive.write_folder(self.files, folder)


def scenario_export(*, actor: Actor, slug: str, version: str | None = None) -> ExportedScenario:
    """The files exactly as imported (or as an edit wrote them), for a folder or a zip; audited."""
    if not policy.may_view_scenarios(actor):
        audit.record(actor=actor, action="denied", object_type="scenario_package", reason=R.SCENARIO_VIEW)
        raise Forbidden(R.SCENARIO_VIEW)
    package = scenario_get_for(actor=actor, slug=slug, version=version)
    files = scenario_files_of(package=package)
    audit.record(actor=actor, action="export", object_type="scenario_package", object_id=package.pk,
                 fields=sorted(files), reason=f"export {package}")
    return ExportedScenario(slug=package.slug, version=package.version, files=files)
