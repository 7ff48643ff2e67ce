"""The evaluation pages of a run: the board (and its polled rows), the observer's form saving a rating, the
decision log, the debrief; for training co-ordinators and the run's controllers and observers; trainees,
role-players, other roles and another run's staff refused; no inline script (CSP)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from alliance.cases.services import case_create
from alliance.core import roles as R
from alliance.exercises.models import DecisionLogEntry, ObserverRating
from tests import factories
from tests.exercises.test_evaluation_world import make_setting


@pytest.fixture
def setting(db):
    return make_setting()


def test_the_board_shows_each_team_against_each_expected_action_and_polls(client, setting):
    team_a, team_b = setting.teams
    case_create(actor=setting.player(team_a, 2), given_name="Mirela", family_name="Testova")
    client.force_login(setting.controller)
    page = client.get(reverse("exercises:evaluation_board"), {"run": setting.run.pk})
    assert page.status_code == 200
    body = page.content.decode()
    assert "ea-consent" in body and team_a.name in body and team_b.name in body
    assert 'hx-trigger="every 5s"' in body and "Mirela" not in body and "Testova" not in body
    assert f"?run={setting.run.pk}&amp;team={team_a.pk}" in body  # the rate and debrief links
    assert not re.search(r"<script(?![^>]*\bsrc=)", body), "no inline script (CSP)"
    rows = client.get(reverse("exercises:evaluation_board_rows"), {"run": setting.run.pk})
    assert rows.status_code == 200 and b'id="board-rows"' in rows.content and b"<html" not in rows.content
    # The controller's choice lists their run only.
    choice = client.get(reverse("exercises:evaluation_board")).content.decode()
    assert setting.run.name in choice and setting.other_run.name not in choice


def test_an_observer_rates_a_capability_target_from_the_form(client, setting):
    team = setting.teams[0]
    client.force_login(setting.observer)
    url = reverse("exercises:evaluation_rate")
    form = client.get(url, {"run": setting.run.pk, "team": team.pk})
    assert form.status_code == 200 and b"ct-consent" in form.content and b"Unable to be performed" in form.content
    saved = client.post(url, {"run": setting.run.pk, "team": team.pk, "capability_target": "ct-consent",
                              "rating": "S", "notes": "Consent asked late"})
    assert saved.status_code == 303
    assert ObserverRating.objects.get().rating == "S"
    refused = client.post(url, {"run": setting.run.pk, "team": team.pk, "capability_target": "ct-nope",
                                "rating": "S"})
    assert refused.status_code == 200 and ObserverRating.objects.count() == 1


def test_the_decision_log_takes_an_entry_from_the_board(client, setting):
    client.force_login(setting.controller)
    response = client.post(reverse("exercises:evaluation_log"), {"run": setting.run.pk, "kind": "control",
                                                                  "text": "Inject 7 released early"})
    assert response.status_code == 303 and DecisionLogEntry.objects.get().team_id is None
    about = client.post(reverse("exercises:evaluation_log"), {"run": setting.run.pk, "team": setting.teams[1].pk,
                                                               "kind": "decision", "text": "Called the FIU"})
    assert about.status_code == 303 and DecisionLogEntry.objects.filter(team=setting.teams[1]).count() == 1


@pytest.mark.parametrize("who", ["trainee", "case_worker", "auditor", "role_player", "other_run"])
def test_others_are_refused_every_page(client, setting, who):
    users = {"role_player": setting.role_player, "other_run": setting.other_controller,
             "trainee": setting.trainees[0][0]}
    user = users.get(who) or factories.member(factories.organisation(), [getattr(R, who.upper())]).user
    client.force_login(user)
    query = {"run": setting.run.pk, "team": setting.teams[0].pk}
    for name, method in (("evaluation_board", "get"), ("evaluation_board_rows", "get"),
                         ("evaluation_rate", "get"), ("evaluation_rate", "post"), ("evaluation_log", "post"),
                         ("evaluation_debrief", "get"), ("evaluation_debrief_pdf", "get")):
        response = getattr(client, method)(reverse(f"exercises:{name}"), query)
        # Another run's controller opens the pages for their own run: this run is not among their choices.
        shown = response.status_code == 200 and (b"ea-consent" in response.content or b"%PDF" in response.content)
        assert response.status_code in (403, 404) or (who == "other_run" and not shown), name
    assert ObserverRating.objects.count() == DecisionLogEntry.objects.count() == 0


def test_the_debrief_shows_results_by_objective_the_timeline_and_a_pdf(client, setting):
    from alliance.cases.services.details import case_details_update
    from alliance.exercises.services.evaluation import decision_log_add, observer_rating_record

    team = setting.teams[0]
    social_worker = setting.player(team, 2)
    case = case_create(actor=social_worker, given_name="Mirela", family_name="Testova")
    case_details_update(actor=social_worker, case_id=case.pk,
                        victim_context={"exploitation_types": ["SexualExploitation"]})
    observer = setting.staff(setting.observer)
    observer_rating_record(actor=observer, run_id=setting.run.pk, team_id=team.pk, capability_target="ct-case",
                           rating="P", notes="Сразу открыли дело")
    decision_log_add(actor=observer, run_id=setting.run.pk, team_id=team.pk, kind="decision",
                     text="Opened the case before calling the shelter")
    client.force_login(setting.observer)
    query = {"run": setting.run.pk, "team": team.pk}
    page = client.get(reverse("exercises:evaluation_debrief"), query)
    body = page.content.decode()
    assert page.status_code == 200 and "Expected actions met: 1 of 6" in body
    assert f"case {case.number} opened" in body and "lo-identify" in body and "Сразу открыли дело" in body
    assert "Mirela" not in body and "Testova" not in body
    pdf = client.get(reverse("exercises:evaluation_debrief_pdf"), query)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert pdf["Content-Disposition"].startswith("attachment") and pdf["X-Content-Type-Options"] == "nosniff"
