"""Creating a run seeds one sandbox per team; the clock's actions; finish, archive and purge."""

from __future__ import annotations

import pytest

from alliance.cases.models import Case
from alliance.cases.services import case_create
from alliance.core import audit
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent, Realm
from alliance.directory.models import Membership, Organisation, User
from alliance.exercises.models import ExerciseRun, InjectRelease, Team, TeamSeat
from alliance.exercises.services.injects import inject_release
from alliance.exercises.services.runs import (
    run_create,
    run_finish,
    run_pace,
    run_pause,
    run_purge,
    run_resume,
    run_start,
)
from alliance.exercises.services.sandboxes import sandbox_rows
from tests.exercises.test_run_world import make_run, scenario, staff_actor, trainee_actor

pytestmark = pytest.mark.django_db


def test_each_team_gets_its_own_sandbox_seeded_with_the_world():
    run, _boss, _controller, trainees = make_run(teams=3)
    world = run.scenario.content["world.yaml"]
    teams = list(run.teams.all())
    assert run.status == ExerciseRun.Status.PREPARED and len(teams) == 3
    assert len({t.realm_id for t in teams}) == 3
    for team, members in zip(teams, trainees, strict=True):
        assert team.realm.kind == Realm.Kind.EXERCISE
        agencies = Organisation.objects.filter(sandbox=team.realm)
        assert agencies.count() == len(world["agencies"])
        assert set(agencies.values_list("sector", flat=True)) == {a["sector"] for a in world["agencies"]}
        seats = sum(int(acc.get("count", 1)) for a in world["agencies"] for acc in a.get("accounts", []))
        assert TeamSeat.objects.filter(team=team).count() == seats
        assert set(team.trainees.all()) >= set(members)
        for trainee in members:
            m = Membership.objects.get(user=trainee)
            assert m.organisation.sandbox_id == team.realm_id and m.roles == ["trainee"]
            assert team.realm.participants.filter(pk=trainee.pk).exists()


def test_bad_input_is_refused_whole():
    boss = make_run(teams=1)[1]
    before = (ExerciseRun.objects.count(), Realm.objects.count(), Organisation.objects.count())
    with pytest.raises(ValidationFailed) as refused:
        run_create(actor=boss, scenario_id=scenario().pk, name="", teams=0, language="fr")
    assert {"name", "teams", "language"} <= set(refused.value.errors)
    assert (ExerciseRun.objects.count(), Realm.objects.count(), Organisation.objects.count()) == before


def test_a_trainee_may_not_create_or_control_a_run():
    run, _boss, _controller, trainees = make_run(teams=1)
    trainee = trainee_actor(trainees[0][0], run.teams.get())
    with pytest.raises(NotFound):
        run_start(actor=trainee, run_id=run.pk)
    with pytest.raises(Exception):  # noqa: B017  (Forbidden)
        run_create(actor=trainee, scenario_id=run.scenario_id, name="x", teams=1)


def test_the_clock_starts_pauses_resumes_and_changes_pace():
    run, _boss, controller, _t = make_run(teams=1)
    actor = staff_actor(controller)
    run = run_start(actor=actor, run_id=run.pk)
    assert run.status == ExerciseRun.Status.RUNNING and run.started_at is not None
    run = run_pause(actor=actor, run_id=run.pk)
    frozen = run.clock_anchor_seconds
    with pytest.raises(ValidationFailed):
        run_pause(actor=actor, run_id=run.pk)
    run = run_pace(actor=actor, run_id=run.pk, pace=4)
    assert run.pace == 4 and run.clock_anchor_seconds == frozen
    run = run_resume(actor=actor, run_id=run.pk)
    assert run.status == ExerciseRun.Status.RUNNING and run.pauses[-1][1] is not None
    with pytest.raises(ValidationFailed):
        run_pace(actor=actor, run_id=run.pk, pace=0)


def test_purge_leaves_no_row_of_the_run_and_the_chain_verifies():
    run, boss, controller, trainees = make_run(teams=2)
    control = staff_actor(controller)
    run_start(actor=control, run_id=run.pk)
    teams = list(run.teams.all())
    for team, members in zip(teams, trainees, strict=True):
        case_create(actor=trainee_actor(members[0], team), given_name="Lina", family_name="Marek")
    inject_release(actor=control, run_id=run.pk, inject_id="inj-12")
    realm_ids = [t.realm_id for t in teams]
    generated = list(TeamSeat.objects.filter(team__run=run, generated=True).values_list("user_id", flat=True))
    assert sandbox_rows(realm_ids=realm_ids)  # there is something to purge
    with pytest.raises(ValidationFailed):
        run_purge(actor=boss, run_id=run.pk)  # not finished yet
    run_finish(actor=control, run_id=run.pk)
    audit_rows = AuditEvent.objects.count()
    run = run_purge(actor=boss, run_id=run.pk)
    assert run.status == ExerciseRun.Status.ARCHIVED
    assert sandbox_rows(realm_ids=realm_ids) == {}
    assert not Realm.objects.filter(pk__in=realm_ids).exists()
    assert not Case.objects.filter(realm_id__in=realm_ids).exists()
    assert not Organisation.objects.filter(sandbox_id__in=realm_ids).exists()
    assert not User.objects.filter(pk__in=generated).exists()
    assert all(t.realm_id is None for t in Team.objects.filter(run=run))
    # The report's figures outlive the sandboxes; the audit rows stay and the chain still verifies.
    assert run.figures["teams"]["1"]["cases"] == 1 and run.figures["teams"]["2"]["injects"] == 1
    # People, not the accounts made for empty seats (those are gone with the sandboxes).
    assert [run.figures["teams"][str(n)]["trainees"] for n in (1, 2)] == [len(t) for t in trainees]
    assert InjectRelease.objects.filter(run=run).count() == 2
    assert AuditEvent.objects.count() > audit_rows
    assert audit.verify().ok
    # The trainees' own accounts remain (they are people, not sandbox rows), with no membership left.
    assert User.objects.filter(pk=trainees[0][0].pk).exists()
    assert not Membership.objects.filter(user=trainees[0][0]).exists()


def test_a_team_larger_than_the_worlds_seats_still_places_every_trainee():
    run, _boss, _controller, trainees = make_run(teams=1, trainees_per_team=9)
    team = run.teams.get()
    for trainee in trainees[0]:
        membership = Membership.objects.get(user=trainee)
        assert membership.organisation.sandbox_id == team.realm_id and membership.roles == ["trainee"]
    assert team.trainees.count() == 9
