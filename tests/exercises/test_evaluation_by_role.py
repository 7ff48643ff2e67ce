"""`by_role` of expected_actions.yaml, checked on a run: the action counts only when the account that did it
plays that role in the team (TeamSeat.played_by). In the online-recruitment world the case is the social
worker's to open (`ea-case`, by_role social-worker): a team whose police investigator opens it is scored not
met, with the reason on the controllers' board; a team whose social worker opens it is met. And the run's
own clock (its pauses) gives the results their scenario time."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.cases.services import case_create
from alliance.cases.services.details import case_details_update
from alliance.exercises.models import ExerciseRun, TeamSeat
from alliance.exercises.selectors.evaluation import board_for, run_team_evaluation_for
from alliance.exercises.services.runs import run_finish
from tests.exercises.test_evaluation_world import make_setting

POLICE, SOCIAL = 0, 2  # the trainees' seats, in the world's order (see test_evaluation_world.py)


@pytest.fixture
def setting(db):
    return make_setting()


def _open_case(actor):
    case = case_create(actor=actor, given_name="Lina", family_name="Testova")
    case_details_update(actor=actor, case_id=case.pk, victim_context={"exploitation_types": ["SexualExploitation"]})
    return case


def test_the_seats_give_each_trainee_a_role(setting):
    team = setting.teams[0]
    roles = dict(TeamSeat.objects.filter(team=team, user__in=setting.trainees[0]).values_list("user", "played_by"))
    assert roles[setting.trainees[0][POLICE].pk] == "police-investigator"
    assert roles[setting.trainees[0][SOCIAL].pk] == "social-worker"


def test_a_case_opened_by_the_wrong_role_is_not_met_and_the_board_says_why(client, setting):
    right, wrong = setting.teams
    _open_case(setting.player(right, SOCIAL))
    case = _open_case(setting.player(wrong, POLICE))
    controller = setting.staff(setting.controller)
    running = {r.action_id: r for r in run_team_evaluation_for(actor=controller, run_id=setting.run.pk,
                                                               team_id=wrong.pk).results}
    assert running["ea-case"].status == "not_yet" and "wrong role" in running["ea-case"].reason
    run_finish(actor=setting.boss, run_id=setting.run.pk)
    board = board_for(actor=controller, run_id=setting.run.pk)
    [row] = [r for r in board.rows if r.action_id == "ea-case"]
    met, missed = row.results
    assert met.status == "met" and missed.status == "not_met"
    assert missed.reason == (f"not met: done by the wrong role: case {case.number} names SexualExploitation was "
                             "done by Police investigator, not by the Social worker")
    client.force_login(setting.controller)
    page = client.get(reverse("exercises:evaluation_board"), {"run": setting.run.pk}).content.decode()
    assert "done by the wrong role" in page and "not by the Social worker" in page



def test_the_runs_clock_leaves_its_pauses_out_of_scenario_time(setting):
    """A run started 100 real minutes ago and paused for 60 of them has played 40 scenario minutes: the case
    opened now is stamped 00:40 on the board (the run's pauses, not the wall clock)."""
    now = timezone.now()
    ExerciseRun.objects.filter(pk=setting.run.pk).update(
        started_at=now - dt.timedelta(minutes=100),
        pauses=[[(now - dt.timedelta(minutes=90)).isoformat(), (now - dt.timedelta(minutes=30)).isoformat()]])
    team = setting.teams[0]
    _open_case(setting.player(team, SOCIAL))
    results = {r.action_id: r for r in run_team_evaluation_for(actor=setting.boss, run_id=setting.run.pk,
                                                               team_id=team.pk).results}
    assert results["ea-case"].status == "met" and results["ea-case"].stamp == "00:40"
