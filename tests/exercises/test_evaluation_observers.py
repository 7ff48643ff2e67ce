"""Observers' HSEEP ratings per capability target and the decision log of a run (exercises/services/
evaluation.py): validated against the run's scenario, one rating per observer, team and target (a new one
replaces it), audited without values; granted to training co-ordinators and to the controllers and observers
of THIS run, refused to its role-players, to another run's staff, to trainees and to anyone inside a sandbox;
and kept, readable, when the run's sandboxes are purged."""

from __future__ import annotations

import pytest

from alliance.cases.services import case_create
from alliance.core import policy
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.exercises.models import DecisionLogEntry, ObserverRating, Rating
from alliance.exercises.selectors.evaluation import (
    board_for,
    debrief_for,
    decision_log_for,
    evaluation_runs_for,
    ratings_for,
    run_team_evaluation_for,
)
from alliance.exercises.services.evaluation import decision_log_add, observer_rating_record
from alliance.exercises.services.runs import run_finish, run_purge
from tests.exercises.test_evaluation_world import make_setting


@pytest.fixture
def setting(db):
    return make_setting()


def test_a_rating_is_recorded_replaced_and_audited_without_its_notes(setting):
    observer = setting.staff(setting.observer)
    team_a, team_b = setting.teams
    first = observer_rating_record(actor=observer, run_id=setting.run.pk, team_id=team_a.pk,
                                   capability_target="ct-consent", rating=Rating.SOME,
                                   notes="Asked Lina only after the call to the consulate")
    again = observer_rating_record(actor=observer, run_id=setting.run.pk, team_id=team_a.pk,
                                   capability_target="ct-consent", rating=Rating.PERFORMED)
    assert first.pk == again.pk and ObserverRating.objects.count() == 1
    [row] = ratings_for(actor=observer, run_id=setting.run.pk, team_id=team_a.pk)
    assert row.rating == "P" and row.run_id == setting.run.pk and row.team_id == team_a.pk
    assert ratings_for(actor=observer, run_id=setting.run.pk, team_id=team_b.pk) == []
    # Another observer's rating of the same target stands beside it.
    observer_rating_record(actor=setting.boss, run_id=setting.run.pk, team_id=team_a.pk,
                           capability_target="ct-consent", rating=Rating.MAJOR)
    assert ObserverRating.objects.count() == 2
    events = AuditEvent.objects.filter(object_type="observer_rating")
    assert all("Lina" not in e.reason and "Lina" not in str(e.fields) for e in events)


@pytest.mark.parametrize(("field", "change"), [("capability_target", {"capability_target": "ct-made-up"}),
                                               ("rating", {"rating": "X"}), ("notes", {"notes": "n" * 5001})])
def test_bad_ratings_are_refused_naming_the_field(setting, field, change):
    values = {"capability_target": "ct-screening", "rating": "M", "notes": ""} | change
    with pytest.raises(ValidationFailed) as caught:
        observer_rating_record(actor=setting.boss, run_id=setting.run.pk, team_id=setting.teams[0].pk, **values)
    assert field in caught.value.errors and ObserverRating.objects.count() == 0


def test_a_team_of_another_run_is_not_found_on_this_one(setting):
    other_team = setting.other_run.teams.get()
    with pytest.raises(NotFound):
        observer_rating_record(actor=setting.boss, run_id=setting.run.pk, team_id=other_team.pk,
                               capability_target="ct-case", rating="P")
    with pytest.raises(NotFound):
        decision_log_add(actor=setting.boss, run_id=setting.run.pk, team_id=other_team.pk, kind="decision",
                         text="x")
    assert ObserverRating.objects.count() == DecisionLogEntry.objects.count() == 0


def test_the_runs_controller_and_observer_evaluate_it_and_no_other(setting):
    run, team = setting.run, setting.teams[0]
    for who in (setting.controller, setting.observer):
        actor = setting.staff(who)
        assert policy.may_evaluate_run(actor, run) and policy.may_rate_on_run(actor, run)
        assert not policy.may_evaluate_run(actor, setting.other_run)
        assert [r.pk for r in evaluation_runs_for(actor=actor)] == [run.pk]
        board = board_for(actor=actor, run_id=run.pk)
        assert len(board.teams) == 2 and all(len(r.results) == 2 for r in board.rows)
        observer_rating_record(actor=actor, run_id=run.pk, team_id=team.pk, capability_target="ct-case",
                               rating="S")
        with pytest.raises(NotFound):
            board_for(actor=actor, run_id=setting.other_run.pk)
    assert ObserverRating.objects.filter(team=team).count() == 2


def test_role_players_other_runs_staff_trainees_and_players_are_refused(setting):
    run, team = setting.run, setting.teams[0]
    case_create(actor=setting.player(team, 2), given_name="Lina", family_name="Testova")
    refused = [setting.staff(setting.role_player), setting.staff(setting.other_controller),
               setting.player(team, 0), setting.staff(setting.trainees[0][0])]
    for actor in refused:
        assert not policy.may_evaluate_run(actor, run) and not policy.may_rate_on_run(actor, run)
        with pytest.raises(NotFound):
            observer_rating_record(actor=actor, run_id=run.pk, team_id=team.pk, capability_target="ct-case",
                                   rating="P")
        with pytest.raises(NotFound):
            decision_log_add(actor=actor, run_id=run.pk, team_id=None, kind="decision", text="x")
        with pytest.raises(NotFound):
            ratings_for(actor=actor, run_id=run.pk, team_id=team.pk)
        with pytest.raises(NotFound):
            run_team_evaluation_for(actor=actor, run_id=run.pk, team_id=team.pk)
    # The other run's controller cannot read this run's sandbox through the cross-realm gate either.
    assert not policy.may_read_exercise_realm(setting.staff(setting.other_controller), realm_is_exercise=True,
                                              realm_id=team.realm_id)
    assert policy.may_read_exercise_realm(setting.staff(setting.observer), realm_is_exercise=True,
                                          realm_id=team.realm_id)
    assert AuditEvent.objects.filter(action="denied", object_type="exercise_run").count() >= 4 * 4


def test_the_decision_log_of_a_team_holds_its_entries_and_the_whole_runs(setting):
    controller = setting.staff(setting.controller)
    team_a, team_b = setting.teams
    decision_log_add(actor=controller, run_id=setting.run.pk, team_id=team_a.pk, kind="decision",
                     text="Team A chose to call the shelter before the consulate")
    decision_log_add(actor=controller, run_id=setting.run.pk, team_id=None, kind="control",
                     text="Paused 10 minutes for a fire drill")
    decision_log_add(actor=controller, run_id=setting.run.pk, team_id=team_b.pk, kind="observation",
                     text="Team B split the work by profession")
    team_log = decision_log_for(actor=controller, run_id=setting.run.pk, team_id=team_a.pk)
    assert [e.kind for e in team_log] == ["decision", "control"]
    assert len(decision_log_for(actor=controller, run_id=setting.run.pk)) == 3
    with pytest.raises(ValidationFailed):
        decision_log_add(actor=controller, run_id=setting.run.pk, team_id=None, kind="gossip", text="x")


def test_the_board_shows_every_team_against_every_expected_action(setting):
    board = board_for(actor=setting.boss, run_id=setting.run.pk)
    assert [r.action_id for r in board.rows] == ["ea-screen", "ea-case", "ea-consent", "ea-shelter",
                                                 "ea-decision", "ea-money"]
    assert all(len(r.results) == 2 and {x.status for x in r.results} == {"not_yet"} for r in board.rows)


def test_purging_the_run_keeps_its_ratings_and_log_readable_for_the_report(setting):
    run, team = setting.run, setting.teams[0]
    observer = setting.staff(setting.observer)
    observer_rating_record(actor=observer, run_id=run.pk, team_id=team.pk, capability_target="ct-case",
                           rating="M", notes="Сразу открыли дело, но без согласия")
    decision_log_add(actor=observer, run_id=run.pk, team_id=team.pk, kind="observation", text="Hot wash at 16:00")
    run_finish(actor=setting.boss, run_id=run.pk)
    run_purge(actor=setting.boss, run_id=run.pk)
    team.refresh_from_db()
    assert team.realm_id is None
    debrief = debrief_for(actor=observer, run_id=run.pk, team_id=team.pk)
    assert debrief.evaluation is None and debrief.timeline == []
    assert [r.notes for r in debrief.ratings] == ["Сразу открыли дело, но без согласия"]
    assert [e.text for e in debrief.log] == ["Hot wash at 16:00"]
    board = board_for(actor=observer, run_id=run.pk)
    assert all(result is None for row in board.rows for result in row.results)
