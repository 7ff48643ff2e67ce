"""Importing, editing and exporting scenario packages (exercises/services/scenarios.py): refused whole with
nothing stored, versions kept side by side, the same files back out, every step audited, and only training
co-ordinators (or the installation's own shell) allowed."""

from __future__ import annotations

import copy

import pytest

from alliance.core import roles as R
from alliance.core.actor import system_actor
from alliance.core.errors import Forbidden
from alliance.core.models import AuditEvent
from alliance.exercises.domain import scenario_package as sp
from alliance.exercises.domain.scenario_package import archive
from alliance.exercises.models import ScenarioEvidence, ScenarioPackage
from alliance.exercises.selectors.scenarios import scenario_get_for, scenario_list_for
from alliance.exercises.services.scenarios import (
    ScenarioRefused,
    scenario_export,
    scenario_import,
    scenario_save_version,
)
from tests import factories
from tests.exercises.test_scenario_mutations import MUTATIONS, SHIPPED, SLUGS, shipped_files

SLUG = "dreamland-fields-and-scaffolds"


@pytest.fixture
def coordinator(db):
    member = factories.member(factories.organisation(sector="international"), [R.TRAINING_COORDINATOR])
    return factories.actor(member)


def scenario_events(action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(object_type="scenario_package", action=action))


@pytest.mark.parametrize("slug", SLUGS)
def test_a_shipped_package_imports_whole_and_is_audited(coordinator, slug):
    row = scenario_import(actor=coordinator, path=SHIPPED / slug)
    package = sp.read(SHIPPED / slug)
    assert (row.slug, row.version, row.sha256, row.title) == (slug, "1.0", package.sha256, package.title)
    assert row.imported_by_id == coordinator.user_id
    stored = {e.path: (e.media_type, e.sha256, e.size) for e in row.evidence.all()}
    assert stored == {e.path: (e.media_type, e.sha256, e.size) for e in package.evidence}
    [event] = scenario_events("create")
    assert event.object_id == str(row.pk) and event.user_id == coordinator.user_id
    assert "msel.yaml" in event.fields and "import" in event.reason


def test_the_same_version_twice_is_refused_clearly_and_a_new_version_is_kept_beside(coordinator):
    first = scenario_import(actor=coordinator, path=SHIPPED / SLUG)
    with pytest.raises(ScenarioRefused) as caught:
        scenario_import(actor=coordinator, path=SHIPPED / SLUG)
    [problem] = caught.value.problems
    assert (problem.file, problem.line) == ("package.yaml", 4) and "already imported" in problem.reason
    files = shipped_files(SLUG)
    files["package.yaml"] = files["package.yaml"].replace(b'version: "1.0"', b'version: "1.1"')
    second = scenario_import(actor=coordinator, data=archive.write_zip(files, top=SLUG))
    assert ScenarioPackage.objects.filter(slug=SLUG).count() == 2
    assert scenario_get_for(actor=coordinator, slug=SLUG).pk == second.pk
    assert scenario_get_for(actor=coordinator, slug=SLUG, version="1.0").pk == first.pk


@pytest.mark.parametrize("mutation", sorted(MUTATIONS))
def test_a_damaged_package_leaves_nothing_behind(coordinator, mutation):
    files, expected = MUTATIONS[mutation](shipped_files(SLUG), 1)
    with pytest.raises(ScenarioRefused) as caught:
        scenario_import(actor=coordinator, data=archive.write_zip(files, top=SLUG))
    assert any((p.file, p.line) == (expected.file, expected.line) for p in caught.value.problems)
    assert any(f"{expected.file}:{expected.line}:" in m for m in caught.value.errors["package"])
    assert not ScenarioPackage.objects.exists() and not ScenarioEvidence.objects.exists()
    assert scenario_events("create") == []


def test_import_export_validate_round_trips(coordinator, tmp_path):
    original = shipped_files(SLUG)
    scenario_import(actor=coordinator, path=SHIPPED / SLUG)
    exported = scenario_export(actor=coordinator, slug=SLUG, version="1.0")
    assert exported.files == original
    assert sp.read_bytes(exported.zip()).content == sp.validate(original).content
    exported.write_folder(tmp_path / "out")
    assert sp.read(tmp_path / "out").sha256 == sp.validate(original).sha256
    [event] = scenario_events("export")
    assert event.user_id == coordinator.user_id and "evidence/bank-statement.csv" in event.fields


def test_an_edit_is_checked_by_the_same_validator_and_saved_as_a_new_version(coordinator):
    scenario_import(actor=coordinator, path=SHIPPED / SLUG)
    base = scenario_get_for(actor=coordinator, slug=SLUG, version="1.0")
    msel = copy.deepcopy(base.content["msel.yaml"])
    msel["injects"][0]["subject"] = {"en": "A changed subject", "ru": "Изменённая тема"}
    with pytest.raises(ScenarioRefused) as caught:  # the version was not raised
        scenario_save_version(actor=coordinator, slug=SLUG, base_version="1.0", new_version="1.0",
                              content={"msel.yaml": msel})
    assert "already imported" in caught.value.problems[0].reason
    msel["injects"][1]["recipient"] = "nobody"
    with pytest.raises(ScenarioRefused) as caught:
        scenario_save_version(actor=coordinator, slug=SLUG, base_version="1.0", new_version="1.1",
                              content={"msel.yaml": msel})
    assert any(p.file == "msel.yaml" and "unknown recipient role 'nobody'" in p.reason for p in caught.value.problems)
    assert ScenarioPackage.objects.count() == 1
    msel["injects"][1]["recipient"] = base.content["msel.yaml"]["injects"][1]["recipient"]
    edited = scenario_save_version(actor=coordinator, slug=SLUG, base_version="1.0", new_version="1.1",
                                   content={"msel.yaml": msel})
    assert edited.version == "1.1" and edited.content["msel.yaml"]["injects"][0]["subject"]["ru"] == "Изменённая тема"
    assert edited.evidence.count() == base.evidence.count()
    again = scenario_export(actor=coordinator, slug=SLUG, version="1.1")
    assert sp.validate(again.files).content == edited.content  # the edit exports to files that validate
    assert "edit of" in scenario_events("create")[-1].reason
    assert again.files["package.yaml"].startswith(b"# Scenario package")  # comments of untouched files kept


def test_a_file_edited_as_text_keeps_what_the_trainer_typed(coordinator):
    scenario_import(actor=coordinator, path=SHIPPED / SLUG)
    text = shipped_files(SLUG)["roleplayers.yaml"].decode().replace("Tomas Brandt", "Tomas Brant")
    edited = scenario_save_version(actor=coordinator, slug=SLUG, base_version="1.0", new_version="2.0",
                                   sources={"roleplayers.yaml": text})
    assert edited.sources["roleplayers.yaml"] == text and edited.version == "2.0"
    with pytest.raises(ScenarioRefused) as caught:
        scenario_save_version(actor=coordinator, slug=SLUG, base_version="1.0", new_version="2.1",
                              sources={"roleplayers.yaml": text + "zz: &a 1\n"})
    assert [(p.file, p.reason.split(" (")[0]) for p in caught.value.problems] == [("roleplayers.yaml", "an anchor")]
    assert ScenarioPackage.objects.count() == 2


@pytest.mark.parametrize("role", sorted(R.ALL_ROLES))
def test_only_training_coordinators_may_import_and_read(db, role):
    member = factories.member(factories.organisation(sector="international"), [role])
    actor = factories.actor(member)
    allowed = role == R.TRAINING_COORDINATOR
    if allowed:
        scenario_import(actor=actor, path=SHIPPED / SLUG)
        assert [r.slug for r in scenario_list_for(actor=actor)] == [SLUG]
        return
    scenario_import(actor=system_actor(realm_id=actor.realm_id, channel="cli"), path=SHIPPED / SLUG)
    for attempt in (lambda: scenario_import(actor=actor, path=SHIPPED / SLUG),
                    lambda: scenario_list_for(actor=actor),
                    lambda: scenario_get_for(actor=actor, slug=SLUG),
                    lambda: scenario_export(actor=actor, slug=SLUG)):
        with pytest.raises(Forbidden):
            attempt()
    assert ScenarioPackage.objects.count() == 1
    assert len(scenario_events("denied")) == 4 and scenario_events("export") == []


def test_the_installation_acts_from_a_shell_but_nobody_from_the_web(db):
    live = factories.live_realm()
    scenario_import(actor=system_actor(realm_id=live.pk, channel="cli"), path=SHIPPED / SLUG)
    with pytest.raises(Forbidden):
        scenario_list_for(actor=system_actor(realm_id=live.pk, channel="web"))
    with pytest.raises(Forbidden):
        scenario_import(actor=system_actor(realm_id=live.pk, channel="api"), path=SHIPPED / SLUG)
