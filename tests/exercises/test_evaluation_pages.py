"""The evaluation pages: the board (and its polled rows) for co-ordinators only, the observer's form
saving a rating, the decision log; trainees and other roles refused; no inline script (CSP)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from alliance.cases.services import case_create
from alliance.core import roles as R
from alliance.exercises.models import DecisionLogEntry, ObserverRating
from alliance.exercises.services.scenarios import scenario_import
from tests import factories
from tests.exercises.test_scenario_mutations import SHIPPED


@pytest.fixture
def setting(db):
    coordinator = factories.member(factories.organisation(sector="international"), [R.TRAINING_COORDINATOR])
    package = scenario_import(actor=factories.actor(coordinator), path=SHIPPED / "dreamland-online-recruitment")
    teams = [factories.exercise_realm("Team A"), factories.exercise_realm("Team B")]
    return coordinator, package, teams


def _query(package, teams) -> str:
    return f"?package={package.pk}&team={teams[0].pk}&team={teams[1].pk}"


def test_the_board_shows_each_team_against_each_expected_action_and_polls(client, setting):
    coordinator, package, teams = setting
    trainee = factories.member(factories.organisation(sector="social_services"), [R.TRAINEE])
    case_create(actor=factories.actor(trainee, teams[0]), given_name="Mirela", family_name="Testova")
    client.force_login(coordinator.user)
    page = client.get(reverse("exercises:evaluation_board") + _query(package, teams))
    assert page.status_code == 200
    body = page.content.decode()
    assert "ea-consent" in body and "Team A" in body and "Team B" in body
    assert 'hx-trigger="every 5s"' in body and "Mirela" not in body and "Testova" not in body
    assert not re.search(r"<script(?![^>]*\bsrc=)", body), "no inline script (CSP)"
    rows = client.get(reverse("exercises:evaluation_board_rows") + _query(package, teams))
    assert rows.status_code == 200 and b'id="board-rows"' in rows.content and b"<html" not in rows.content


def test_an_observer_rates_a_capability_target_from_the_form(client, setting):
    coordinator, package, teams = setting
    client.force_login(coordinator.user)
    url = reverse("exercises:evaluation_rate")
    form = client.get(f"{url}?package={package.pk}&team={teams[0].pk}")
    assert form.status_code == 200 and b"ct-consent" in form.content and b"Unable to be performed" in form.content
    saved = client.post(url, {"package": package.pk, "team": teams[0].pk, "capability_target": "ct-consent",
                              "rating": "S", "notes": "Consent asked late"})
    assert saved.status_code == 303
    assert ObserverRating.objects.get().rating == "S"
    refused = client.post(url, {"package": package.pk, "team": teams[0].pk, "capability_target": "ct-nope",
                                "rating": "S"})
    assert refused.status_code == 200 and ObserverRating.objects.count() == 1


def test_the_decision_log_takes_an_entry_from_the_board(client, setting):
    coordinator, package, _teams = setting
    client.force_login(coordinator.user)
    response = client.post(reverse("exercises:evaluation_log"), {"package": package.pk, "kind": "control",
                                                                  "text": "Inject 7 released early"})
    assert response.status_code == 303 and DecisionLogEntry.objects.get().realm_id is None


@pytest.mark.parametrize("roles", [[R.TRAINEE], [R.CASE_WORKER], [R.AUDITOR]])
def test_other_roles_are_refused_every_page(client, setting, roles):
    _coordinator, package, teams = setting
    client.force_login(factories.member(factories.organisation(), roles).user)
    for name, method in (("evaluation_board", "get"), ("evaluation_board_rows", "get"),
                         ("evaluation_rate", "get"), ("evaluation_rate", "post"), ("evaluation_log", "post")):
        response = getattr(client, method)(reverse(f"exercises:{name}") + _query(package, teams))
        assert response.status_code == 403, name


def test_the_debrief_shows_results_by_objective_the_timeline_and_a_pdf(client, setting):
    from alliance.cases.services.details import case_details_update
    from alliance.exercises.services.evaluation import decision_log_add, observer_rating_record

    coordinator, package, teams = setting
    trainee = factories.actor(factories.member(factories.organisation(sector="social_services"), [R.TRAINEE]),
                              teams[0])
    case = case_create(actor=trainee, given_name="Mirela", family_name="Testova")
    case_details_update(actor=trainee, case_id=case.pk, victim_context={"exploitation_types": ["SexualExploitation"]})
    actor = factories.actor(coordinator)
    observer_rating_record(actor=actor, package_id=package.pk, realm_id=teams[0].pk, capability_target="ct-case",
                           rating="P", notes="Сразу открыли дело")
    decision_log_add(actor=actor, package_id=package.pk, realm_id=teams[0].pk, kind="decision",
                     text="Opened the case before calling the shelter")
    client.force_login(coordinator.user)
    query = f"?package={package.pk}&team={teams[0].pk}&start={teams[0].created_at:%Y-%m-%dT%H:%M:%S}"
    page = client.get(reverse("exercises:evaluation_debrief") + query)
    body = page.content.decode()
    assert page.status_code == 200 and "Expected actions met: 1 of 6" in body
    assert f"case {case.number} opened" in body and "lo-identify" in body and "Сразу открыли дело" in body
    assert "Mirela" not in body and "Testova" not in body
    pdf = client.get(reverse("exercises:evaluation_debrief_pdf") + query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"].startswith("attachment") and pdf["X-Content-Type-Options"] == "nosniff"
