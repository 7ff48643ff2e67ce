"""Reads of scenario packages, for training co-ordinators (core/policy/scenario.py).

`scenario_get_for` is the one gate for a package version. Packages belong to the installation, not to an
organisation, so there is no relation to check: an actor whose roles do not grant scenario.view is refused
(Forbidden, audited) before anything is looked up, so a refusal says nothing about which packages exist.
"""

from __future__ import annotations

from django.db.models import QuerySet

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound
from alliance.exercises.models import ScenarioEvidence, ScenarioPackage


def _refuse(actor: Actor, what: str) -> None:
    audit.record(actor=actor, action="denied", object_type="scenario_package", reason=what)


def scenario_list_for(*, actor: Actor) -> QuerySet[ScenarioPackage]:
    """Every version of every package, newest version of each slug first. The sources stay in the database:
    a list needs titles, not files."""
    if not policy.may_view_scenarios(actor):
        _refuse(actor, R.SCENARIO_VIEW)
        raise Forbidden(R.SCENARIO_VIEW)
    return ScenarioPackage.objects.defer("sources", "content")


def scenario_get_for(*, actor: Actor, slug: str, version: str | None = None) -> ScenarioPackage:
    """One version (the newest imported when `version` is None)."""
    if not policy.may_view_scenarios(actor):
        _refuse(actor, R.SCENARIO_VIEW)
        raise Forbidden(R.SCENARIO_VIEW)
    rows = ScenarioPackage.objects.filter(slug=str(slug)[:63])
    if version:
        rows = rows.filter(version=str(version)[:16])
    row = rows.order_by("-imported_at", "-id").first()
    if row is None:
        raise NotFound("scenario package")
    return row


def scenario_evidence_for(*, actor: Actor, slug: str, version: str, path: str) -> ScenarioEvidence:
    package = scenario_get_for(actor=actor, slug=slug, version=version)
    evidence = package.evidence.filter(path=str(path)[:220]).first()
    if evidence is None:
        raise NotFound("evidence file")
    return evidence


def scenario_files_of(*, package: ScenarioPackage) -> dict[str, bytes]:
    """The package's files as they were imported (a package from the gate only)."""
    files = {name: text.encode("utf-8") for name, text in package.sources.items()}
    files.update({e.path: bytes(e.data) for e in package.evidence.all()})
    return files
