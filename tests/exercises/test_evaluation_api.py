"""/api/v1/exercises/evaluation: the same results, ratings, policy and audit as the pages."""

from __future__ import annotations

import pytest

from alliance.cases.services import case_create
from alliance.cases.services.details import case_details_update
from alliance.core import roles as R
from alliance.directory.services import token_issue
from alliance.exercises.models import ObserverRating
from alliance.exercises.services.scenarios import scenario_import
from tests import factories
from tests.exercises.test_scenario_mutations import SHIPPED


def _bearer(member) -> dict:
    _token, raw = token_issue(actor=factories.actor(member), name="evaluation", days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture
def setting(db):
    coordinator = factories.member(factories.organisation(sector="international"), [R.TRAINING_COORDINATOR])
    package = scenario_import(actor=factories.actor(coordinator), path=SHIPPED / "dreamland-fields-and-scaffolds")
    team = factories.exercise_realm("Team A")
    trainee = factories.actor(factories.member(factories.organisation(sector="ngo"), [R.TRAINEE]), team)
    case = case_create(actor=trainee, given_name="Tomas", family_name="Testas")
    case_details_update(actor=trainee, case_id=case.pk, victim_context={"exploitation_types": ["ForcedLabour"]})
    path = f"/api/v1/exercises/evaluation/packages/{package.pk}/teams/{team.pk}"
    start = (team.created_at.replace(microsecond=0)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return coordinator, path, start


def test_a_coordinator_reads_a_teams_results(client, setting):
    coordinator, path, start = setting
    body = client.get(f"{path}?start={start}&finished=true", **_bearer(coordinator)).json()
    assert (body["met"], body["total"]) == (1, 6)
    by_id = {r["action_id"]: r for r in body["results"]}
    assert by_id["ea-case"]["status"] == "met" and by_id["ea-consent"]["status"] == "not_met"
    assert {"id": "lo-identify", "met": 1, "total": 2} in body["by_objective"]
    assert "Tomas" not in str(body)


def test_a_bad_start_is_a_clear_error_and_ratings_are_recorded(client, setting):
    coordinator, path, _start = setting
    bearer = _bearer(coordinator)
    assert client.get(f"{path}?start=2026-13-45T99:00", **bearer).status_code == 422
    made = client.post(f"{path}/ratings", {"capability_target": "ct-financial", "rating": "U"},
                       content_type="application/json", **bearer)
    assert made.status_code == 201 and ObserverRating.objects.get().rating == "U"
    bad = client.post(f"{path}/ratings", {"capability_target": "ct-none", "rating": "U"},
                      content_type="application/json", **bearer)
    assert bad.status_code == 422


def test_other_roles_are_refused(client, setting):
    _coordinator, path, start = setting
    other = factories.member(factories.organisation(), [R.CASE_WORKER])
    assert client.get(f"{path}?start={start}", **_bearer(other)).status_code == 403
    assert client.post(f"{path}/ratings", {"capability_target": "ct-case", "rating": "P"},
                       content_type="application/json", **_bearer(other)).status_code == 403
