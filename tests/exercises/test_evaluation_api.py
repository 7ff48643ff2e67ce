"""/api/v1/exercises/evaluation/runs/...: the same results, ratings, log, policy and audit as the pages."""

from __future__ import annotations

import pytest

from alliance.cases.services import case_create
from alliance.cases.services.details import case_details_update
from alliance.core import roles as R
from alliance.directory.services import token_issue
from alliance.exercises.models import DecisionLogEntry, ObserverRating
from alliance.exercises.services.runs import run_finish, run_purge
from tests import factories
from tests.exercises.test_evaluation_world import make_setting


def _bearer(user) -> dict:
    member = user.memberships.filter(organisation__sandbox__isnull=True).first()
    _token, raw = token_issue(actor=factories.actor(member), name="evaluation", days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def setting(db):
    made = make_setting()
    team = made.teams[0]
    social_worker = made.player(team, 2)
    case = case_create(actor=social_worker, given_name="Tomas", family_name="Testas")
    case_details_update(actor=social_worker, case_id=case.pk,
                        victim_context={"exploitation_types": ["SexualExploitation"]})
    return made, f"/api/v1/exercises/evaluation/runs/{made.run.pk}/teams/{team.pk}"


def test_the_runs_controller_reads_a_teams_results(client, setting):
    made, path = setting
    body = client.get(path, **_bearer(made.controller)).json()
    assert (body["met"], body["total"], body["purged"]) == (1, 6, False)
    by_id = {r["action_id"]: r for r in body["results"]}
    assert by_id["ea-case"]["status"] == "met" and by_id["ea-consent"]["status"] == "not_yet"
    assert {"id": "lo-identify", "met": 1, "total": 2} in body["by_objective"]
    assert "Tomas" not in str(body)


def test_ratings_and_log_entries_are_recorded_and_bad_ones_are_clear_errors(client, setting):
    made, path = setting
    bearer = _bearer(made.observer)
    made_rating = client.post(f"{path}/ratings", {"capability_target": "ct-money", "rating": "U"},
                              content_type="application/json", **bearer)
    assert made_rating.status_code == 201 and ObserverRating.objects.get().rating == "U"
    bad = client.post(f"{path}/ratings", {"capability_target": "ct-none", "rating": "U"},
                      content_type="application/json", **bearer)
    assert bad.status_code == 422 and "capability_target" in str(bad.json())
    log = f"/api/v1/exercises/evaluation/runs/{made.run.pk}/log"
    entry = client.post(log, {"kind": "control", "text": "Inject 7 early"}, content_type="application/json", **bearer)
    assert entry.status_code == 201 and entry.json()["team_id"] is None
    wrong = client.post(log, {"kind": "control", "text": "x", "team_id": made.other_run.teams.get().pk},
                        content_type="application/json", **bearer)
    assert wrong.status_code == 404 and DecisionLogEntry.objects.count() == 1


def test_a_purged_run_answers_purged(client, setting):
    made, path = setting
    run_finish(actor=made.boss, run_id=made.run.pk)
    run_purge(actor=made.boss, run_id=made.run.pk)
    body = client.get(path, **_bearer(made.controller)).json()
    assert body["purged"] is True and body["results"] == []


def test_others_are_refused(client, setting):
    made, path = setting
    for user in (factories.member(factories.organisation(), [R.CASE_WORKER]).user, made.other_controller,
                 made.role_player):
        assert client.get(path, **_bearer(user)).status_code in (403, 404)
        assert client.post(f"{path}/ratings", {"capability_target": "ct-case", "rating": "P"},
                           content_type="application/json", **_bearer(user)).status_code in (403, 404)
    assert ObserverRating.objects.count() == 0
