"""The after-action report of a run: every team against every expected action, its numbers the per-team
debrief's; read by co-ordinators and the run's controllers and observers only; kept, numbers and
observations alike, once the run is archived and its sandboxes purged."""

from __future__ import annotations

import pytest

from alliance.core import roles as R
from alliance.core.errors import NotFound
from alliance.core.models import AuditEvent
from alliance.exercises.models import AfterActionSnapshot, ExerciseRun
from alliance.exercises.selectors.after_action import after_action_report_for
from alliance.exercises.selectors.evaluation import debrief_for
from tests import factories
from tests.exercises import after_action_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return after_action_world.build()


def _debrief_scores(world) -> dict[int, tuple[int, int, dict]]:
    run = ExerciseRun.objects.get(pk=world.run.pk)
    found = {}
    for team in run.teams.all():
        d = debrief_for(actor=world.boss, run_id=run.pk, team_id=team.pk, now=run.finished_at)
        found[team.number] = (d.evaluation.score.met, d.evaluation.score.total,
                              {k: (v.met, v.total) for k, v in d.evaluation.score.by_objective.items()})
    return found


def test_the_report_holds_every_team_against_every_expected_action_as_the_debrief_counts(world):
    world.finish()
    report = after_action_report_for(actor=world.boss, run_id=world.run.pk)
    expected = _debrief_scores(world)
    assert [t["number"] for t in report["teams"]] == [1, 2]
    for team in report["teams"]:
        met, total, by_objective = expected[team["number"]]
        assert (team["met"], team["total"]) == (met, total)
        assert {k: (v["met"], v["total"]) for k, v in team["by_objective"].items()} == by_objective
        assert {r["action_id"] for r in team["results"]} == {a["id"] for a in report["actions"]}
    assert report["overall"]["total"] == sum(t for _m, t, _o in expected.values())
    assert report["overall"]["met"] == sum(m for m, _t, _o in expected.values())
    for objective, tally in report["overall"]["by_objective"].items():
        assert tally["total"] == sum(o.get(objective, (0, 0))[1] for _m, _t, o in expected.values())
    team_1 = report["teams"][0]
    assert any("opened" in m["what"] for m in team_1["timeline"])
    assert team_1["ratings"][0]["notes"] == "Asked for consent late"
    assert [e["text"] for e in team_1["log"]] == ["Team 1 decided to call the shelter first"]
    assert [e["text"] for e in report["log"]] == ["Inject 4 held back ten minutes"]


def test_an_archived_run_still_has_its_report(world):
    world.finish()
    before = after_action_report_for(actor=world.boss, run_id=world.run.pk)
    world.archive()
    assert world.run.status == ExerciseRun.Status.ARCHIVED and not world.run.teams.exclude(realm=None).exists()
    assert AfterActionSnapshot.objects.filter(run=world.run).exists()
    after = after_action_report_for(actor=world.boss, run_id=world.run.pk)
    assert after["archived"] and after["overall"] == before["overall"]
    assert [(t["met"], t["total"], t["results"], t["timeline"]) for t in after["teams"]] == \
        [(t["met"], t["total"], t["results"], t["timeline"]) for t in before["teams"]]
    assert after["teams"][0]["ratings"][0]["notes"] == "Asked for consent late"
    attended = {row["user"].pk for row in after["attendance"] if row["attended"]}
    assert attended == {world.trainees[0][0].pk}  # the one who acted in the sandbox; the rest did nothing
    assert after["figures"]["teams"]["1"]["cases"] == 1


def test_the_snapshot_is_encrypted_at_rest(world):
    from django.db import connection

    world.archive()
    with connection.cursor() as cursor:
        cursor.execute("SELECT data FROM exercises_afteractionsnapshot")
        [(raw,)] = cursor.fetchall()
    assert "Asked for consent late" not in raw and "shelter first" not in raw


def test_controllers_and_observers_of_the_run_read_it_and_nobody_else(world):
    world.finish()
    for actor in (world.boss, world.controller, world.observer):
        assert after_action_report_for(actor=actor, run_id=world.run.pk)["overall"]["total"] > 0
    outsider = factories.actor(factories.member(factories.organisation(), [R.ANALYST]))
    for actor in (outsider, world.trainee(1)):
        with pytest.raises(NotFound):
            after_action_report_for(actor=actor, run_id=world.run.pk)
    assert AuditEvent.objects.filter(object_type="after_action", action="denied").count() == 2
    viewed = AuditEvent.objects.filter(object_type="after_action", action="view").last()
    assert viewed.user_id == world.observer.user_id and "Asked" not in viewed.reason


def test_before_the_start_there_is_nothing_to_report():
    from tests.exercises.test_run_world import make_run

    run, boss, _c, _t = make_run(teams=1)
    report = after_action_report_for(actor=boss, run_id=run.pk)
    assert report["teams"] == [] and report["overall"]["total"] == 0


def test_the_pages_show_the_report_and_its_pdf(client, world):
    world.finish()
    client.force_login(world.controller_user())
    page = client.get(f"/exercises/runs/{world.run.pk}/after-action/")
    assert page.status_code == 200
    assert b"aar-team-1" in page.content and b"Inject 4 held back" in page.content
    pdf = client.get(f"/exercises/runs/{world.run.pk}/after-action.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    console = client.get(f"/exercises/runs/{world.run.pk}/")
    assert f"/exercises/runs/{world.run.pk}/after-action/".encode() in console.content
