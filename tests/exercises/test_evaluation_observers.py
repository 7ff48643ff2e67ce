"""Observers' HSEEP ratings per capability target and the decision log (exercises/services/evaluation.py):
validated against the package, one rating per observer and target (a new one replaces it), audited without
values, refused to trainees, to anyone inside a sandbox and towards the live realm; and the board."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alliance.core import roles as R
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.exercises.models import ObserverRating, Rating
from alliance.exercises.selectors.evaluation import board_for, decision_log_for, ratings_for
from alliance.exercises.services.evaluation import decision_log_add, observer_rating_record
from alliance.exercises.services.scenarios import scenario_import
from tests import factories
from tests.exercises.test_scenario_mutations import SHIPPED


@pytest.fixture
def coordinator(db):
    return factories.actor(factories.member(factories.organisation(sector="international"),
                                            [R.TRAINING_COORDINATOR]))


@pytest.fixture
def package(coordinator):
    return scenario_import(actor=coordinator, path=SHIPPED / "dreamland-online-recruitment")


@pytest.fixture
def teams(db):
    return [factories.exercise_realm("Team A"), factories.exercise_realm("Team B")]


def test_a_rating_is_recorded_replaced_and_audited_without_its_notes(coordinator, package, teams):
    first = observer_rating_record(actor=coordinator, package_id=package.pk, realm_id=teams[0].pk,
                                   capability_target="ct-consent", rating=Rating.SOME,
                                   notes="Asked Lina only after the call to the consulate")
    again = observer_rating_record(actor=coordinator, package_id=package.pk, realm_id=teams[0].pk,
                                   capability_target="ct-consent", rating=Rating.PERFORMED)
    assert first.pk == again.pk and ObserverRating.objects.count() == 1
    [row] = ratings_for(actor=coordinator, package_id=package.pk, realm_id=teams[0].pk)
    assert row.rating == "P" and ratings_for(actor=coordinator, package_id=package.pk, realm_id=teams[1].pk) == []
    events = AuditEvent.objects.filter(object_type="observer_rating")
    assert all("Lina" not in e.reason and "Lina" not in str(e.fields) for e in events)


@pytest.mark.parametrize(("field", "change"), [("capability_target", {"capability_target": "ct-made-up"}),
                                               ("rating", {"rating": "X"}), ("notes", {"notes": "n" * 5001})])
def test_bad_ratings_are_refused_naming_the_field(coordinator, package, teams, field, change):
    values = {"capability_target": "ct-screening", "rating": "M", "notes": ""} | change
    with pytest.raises(ValidationFailed) as caught:
        observer_rating_record(actor=coordinator, package_id=package.pk, realm_id=teams[0].pk, **values)
    assert field in caught.value.errors and ObserverRating.objects.count() == 0


def test_trainees_players_and_the_live_realm_are_refused(coordinator, package, teams, live):
    trainee = factories.actor(factories.member(factories.organisation(), [R.TRAINEE]), teams[0])
    playing = factories.actor(factories.member(factories.organisation(), [R.TRAINING_COORDINATOR]), teams[0])
    for actor in (trainee, playing):
        with pytest.raises(Forbidden):
            observer_rating_record(actor=actor, package_id=package.pk, realm_id=teams[0].pk,
                                   capability_target="ct-case", rating="P")
        with pytest.raises(Forbidden):
            decision_log_add(actor=actor, package_id=package.pk, realm_id=None, kind="decision", text="x")
        with pytest.raises(Forbidden):
            ratings_for(actor=actor, package_id=package.pk, realm_id=teams[0].pk)
    with pytest.raises(Forbidden):
        observer_rating_record(actor=coordinator, package_id=package.pk, realm_id=live.pk,
                               capability_target="ct-case", rating="P")


def test_the_decision_log_of_a_team_holds_its_entries_and_the_whole_exercises(coordinator, package, teams):
    decision_log_add(actor=coordinator, package_id=package.pk, realm_id=teams[0].pk, kind="decision",
                     text="Team A chose to call the shelter before the consulate")
    decision_log_add(actor=coordinator, package_id=package.pk, realm_id=None, kind="control",
                     text="Paused 10 minutes for a fire drill")
    decision_log_add(actor=coordinator, package_id=package.pk, realm_id=teams[1].pk, kind="observation",
                     text="Team B split the work by profession")
    team_a = decision_log_for(actor=coordinator, package_id=package.pk, realm_id=teams[0].pk)
    assert [e.kind for e in team_a] == ["decision", "control"]
    assert len(decision_log_for(actor=coordinator, package_id=package.pk)) == 3
    with pytest.raises(ValidationFailed):
        decision_log_add(actor=coordinator, package_id=package.pk, realm_id=None, kind="gossip", text="x")


def test_the_board_shows_every_team_against_every_expected_action(coordinator, package, teams):
    board = board_for(actor=coordinator, package_id=package.pk, realm_ids=[t.pk for t in teams],
                      started_at=timezone.now())
    assert [r.action_id for r in board.rows] == ["ea-screen", "ea-case", "ea-consent", "ea-shelter",
                                                 "ea-decision", "ea-money"]
    assert all(len(r.results) == 2 and {x.status for x in r.results} == {"not_yet"} for r in board.rows)
