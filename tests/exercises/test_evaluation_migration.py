"""The data step of migration evaluation_run_links: ratings and log entries keyed by (package, sandbox realm
id) are linked to the team whose sandbox that was and to its run; what names no team of a run playing that
package is deleted (a judgement about people is never filed under a guessed team); the encrypted notes come
through unchanged. Runs the real migrations backwards and forwards on the test database."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("exercises", "0004_runs")]
AFTER = [("exercises", "0005_evaluation_run_links")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_rows_are_linked_to_their_team_and_run_and_orphans_are_deleted():
    old = _migrate(BEFORE)
    Package = old.get_model("exercises", "ScenarioPackage")
    Realm = old.get_model("core", "Realm")
    Run, Team = old.get_model("exercises", "ExerciseRun"), old.get_model("exercises", "Team")
    Rating, Entry = old.get_model("exercises", "ObserverRating"), old.get_model("exercises", "DecisionLogEntry")
    package, other = (Package.objects.create(slug=slug, version="1", format_version=1, title={"en": slug},
                                             languages=["en"], content={}, sources={}, sha256="0" * 64)
                      for slug in ("m", "n"))
    sandbox, stray = (Realm.objects.create(slug=f"mig-{n}", name=n, kind="exercise") for n in ("team", "stray"))
    run = Run.objects.create(scenario=package, name="Run", language="en")
    team = Team.objects.create(run=run, number=1, name="Team 1", realm=sandbox, language="en")
    kept = Rating.objects.create(package=package, realm_id=sandbox.pk, capability_target="ct", rating="S",
                                 observer_id=1)
    Rating.objects.create(package=package, realm_id=stray.pk, capability_target="ct", rating="S", observer_id=1)
    Rating.objects.create(package=other, realm_id=sandbox.pk, capability_target="ct", rating="S", observer_id=1)
    about_team = Entry.objects.create(package=package, realm_id=sandbox.pk, kind="decision", author_id=1)
    whole = Entry.objects.create(package=package, realm_id=None, kind="control", author_id=1)
    Entry.objects.create(package=other, realm_id=None, kind="control", author_id=1)  # a package without a run
    # The notes as the encrypted field wrote them: the migration must carry the value through untouched.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE exercises_observerrating SET notes = %s WHERE id = %s", ["a1:k:opaque", kept.pk])
    new = _migrate(AFTER)
    Rating, Entry = new.get_model("exercises", "ObserverRating"), new.get_model("exercises", "DecisionLogEntry")
    assert list(Rating.objects.values_list("pk", "run_id", "team_id")) == [(kept.pk, run.pk, team.pk)]
    assert sorted(Entry.objects.values_list("pk", "run_id", "team_id")) == [(about_team.pk, run.pk, team.pk),
                                                                            (whole.pk, run.pk, None)]
    with connection.cursor() as cursor:
        cursor.execute("SELECT notes FROM exercises_observerrating WHERE id = %s", [kept.pk])
        assert cursor.fetchone()[0] == "a1:k:opaque"
    _migrate([("exercises", _latest())])


def _latest() -> str:
    executor = MigrationExecutor(connection)
    return max(name for app, name in executor.loader.graph.leaf_nodes() if app == "exercises")
