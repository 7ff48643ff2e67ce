"""Who may read a team's record and its evaluation (core/policy/evaluation.py): training co-ordinators in the
live realm, towards an exercise realm only. The live realm is refused outright whoever asks; trainees, other
roles and anyone acting inside a sandbox are refused; every refusal is audited; the reads carry no names."""

from __future__ import annotations

import dataclasses

import pytest

from alliance.cases.selectors.exercise_record import exercise_case_record_for
from alliance.cases.services import case_create
from alliance.core import policy
from alliance.core import roles as R
from alliance.core.actor import system_actor
from alliance.core.errors import Forbidden, NotFound
from alliance.core.models import AuditEvent
from alliance.exercises.selectors.evaluation import team_evaluation_for
from alliance.exercises.selectors.team_record import team_record_for
from alliance.exercises.services.scenarios import scenario_import
from alliance.screening.selectors.exercise_record import exercise_screening_record_for
from tests import factories
from tests.exercises.test_scenario_mutations import SHIPPED


@pytest.fixture
def coordinator(db):
    member = factories.member(factories.organisation(sector="international"), [R.TRAINING_COORDINATOR])
    return factories.actor(member)


@pytest.fixture
def sandbox(db):
    realm = factories.exercise_realm("Team A")
    trainee = factories.actor(factories.member(factories.organisation(sector="social_services"), [R.TRAINEE]),
                              realm)
    case_create(actor=trainee, given_name="Lina", family_name="Testova", summary="Met at Club Velvet")
    return realm, trainee


READS = [exercise_case_record_for, exercise_screening_record_for, team_record_for]


@pytest.mark.parametrize("read", READS)
def test_the_live_realm_is_refused_outright_even_to_a_coordinator(coordinator, live, read):
    with pytest.raises(Forbidden):
        read(actor=coordinator, realm_id=live.pk)
    denied = AuditEvent.objects.filter(action="denied", object_type="realm", object_id=str(live.pk)).last()
    assert denied is not None and "not an exercise realm" in denied.reason
    with pytest.raises(Forbidden):
        read(actor=system_actor(realm_id=live.pk), realm_id=live.pk)


@pytest.mark.parametrize("read", READS)
def test_a_missing_realm_is_not_found(coordinator, read):
    with pytest.raises(NotFound):
        read(actor=coordinator, realm_id=987654)
    with pytest.raises(NotFound):
        read(actor=coordinator, realm_id="1")


@pytest.mark.parametrize("roles", [[R.TRAINEE], [R.TRAINER], [R.CASE_WORKER], [R.AUDITOR], [R.SYSTEM_ADMINISTRATOR]])
def test_other_roles_are_refused_in_the_live_realm(sandbox, roles):
    realm, _trainee = sandbox
    actor = factories.actor(factories.member(factories.organisation(), roles))
    with pytest.raises(Forbidden):
        team_record_for(actor=actor, realm_id=realm.pk)


def test_inside_a_sandbox_nobody_evaluates_not_even_a_coordinator_account(sandbox):
    realm, trainee = sandbox
    with pytest.raises(Forbidden):
        team_record_for(actor=trainee, realm_id=realm.pk)
    playing = factories.actor(factories.member(factories.organisation(), [R.TRAINING_COORDINATOR, R.TRAINER]),
                              realm)
    assert not policy.may_evaluate_exercises(playing) and not policy.may_rate_exercises(playing)
    with pytest.raises(Forbidden):
        team_record_for(actor=playing, realm_id=realm.pk)


def test_a_coordinator_reads_ids_times_and_kinds_and_the_read_is_audited(coordinator, sandbox):
    realm, _trainee = sandbox
    record = team_record_for(actor=coordinator, realm_id=realm.pk)
    [case] = record.cases
    text = repr(dataclasses.asdict(case))
    assert "Lina" not in text and "Testova" not in text and "Velvet" not in text
    viewed = AuditEvent.objects.filter(action="view", object_type="realm", object_id=str(realm.pk))
    assert viewed.count() == 2 and all(e.user_id == coordinator.user_id for e in viewed)


def test_the_evaluation_is_refused_before_the_package_is_looked_up(coordinator, sandbox):
    realm, trainee = sandbox
    package = scenario_import(actor=coordinator, path=SHIPPED / "dreamland-online-recruitment")
    other = factories.actor(factories.member(factories.organisation(), [R.CASE_WORKER]))
    for actor in (trainee, other):
        with pytest.raises(Forbidden):
            team_evaluation_for(actor=actor, package_id=package.pk, realm_id=realm.pk, started_at=realm.created_at)
    with pytest.raises(NotFound):
        team_evaluation_for(actor=coordinator, package_id=package.pk + 100, realm_id=realm.pk,
                            started_at=realm.created_at)


def test_the_policy_grants_rating_to_people_only(coordinator, live):
    assert policy.may_evaluate_exercises(coordinator) and policy.may_rate_exercises(coordinator)
    installation = system_actor(realm_id=live.pk)
    assert policy.may_evaluate_exercises(installation) and not policy.may_rate_exercises(installation)
    assert not policy.may_read_exercise_realm(coordinator, realm_is_exercise=False)
