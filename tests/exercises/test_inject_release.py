"""Injects: on schedule exactly once, on triggers that fire from real service calls in the sandbox, by hand;
only ever to teams of their own run, never twice (also when released at the same moment)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from alliance.cases.services import case_create, consent_record
from alliance.cases.services.referrals import case_refer, referral_accept
from alliance.core.errors import NotFound, ValidationFailed
from alliance.directory.models import Organisation
from alliance.exercises.models import InjectRelease
from alliance.exercises.selectors.runs import console_state_for, inbox_for, inbox_last_id
from alliance.exercises.services.injects import inject_release, run_tick
from alliance.exercises.services.runs import run_pause, run_start
from alliance.screening.services.submission import screening_submit
from tests.exercises.test_run_world import make_run, shift_start, staff_actor, trainee_actor
from tests.screening import screening_world

pytestmark = pytest.mark.django_db


def released(team) -> set[str]:
    return set(InjectRelease.objects.filter(team=team).values_list("inject_id", flat=True))


@pytest.fixture
def started():
    run, _boss, controller, trainees = make_run(teams=2)
    control = staff_actor(controller)
    run = run_start(actor=control, run_id=run.pk)
    return run, control, controller, trainees


def test_scheduled_injects_release_when_due_and_only_once(started):
    run, _control, _c, _t = started
    run_tick(run_id=run.pk)
    team_a, team_b = run.teams.all()
    assert released(team_a) == {"inj-01"} == released(team_b)  # "00:00"
    shift_start(run, 12)
    run_tick(run_id=run.pk)
    run_tick(run_id=run.pk)
    assert released(team_a) == {"inj-01", "inj-02"}
    assert InjectRelease.objects.filter(team=team_a, inject_id="inj-01").count() == 1
    assert InjectRelease.objects.get(team=team_a, inject_id="inj-02").how == "scheduled"


def test_a_paused_run_releases_nothing(started):
    run, control, _c, _t = started
    run_pause(actor=control, run_id=run.pk)
    assert run_tick(run_id=run.pk) == 0


def test_triggers_fire_from_what_the_team_really_did(started):
    run, _control, controller, trainees = started
    team_a, team_b = run.teams.all()
    trainee = trainee_actor(trainees[0][0], team_a)
    case = case_create(actor=trainee, given_name="Lina", family_name="Marek")
    run_tick(run_id=run.pk)
    assert "inj-05" in released(team_a) and "inj-05" not in released(team_b)  # case_opened, team A only
    assert InjectRelease.objects.get(team=team_a, inject_id="inj-05").how == "triggered"
    # "30 scenario minutes after inject 5"
    assert "inj-06" not in released(team_a)
    shift_start(run, 31)
    run_tick(run_id=run.pk)
    assert "inj-06" in released(team_a)
    # referral_accepted by an ngo: the shelter is played by exercise control in the sandbox
    shelter = Organisation.objects.get(sandbox=team_a.realm, sector="ngo")
    consent_record(actor=trainee, case_id=case.pk, purpose="share_organisation", organisation_id=shelter.pk,
                   language="en")
    share = case_refer(actor=trainee, case_id=case.pk, organisation_id=shelter.pk, scope="full",
                       purpose="shelter")
    run_tick(run_id=run.pk)
    assert "inj-07" not in released(team_a)
    referral_accept(actor=trainee_actor(controller, team_a, shelter), share_id=share.pk)
    run_tick(run_id=run.pk)
    assert "inj-07" in released(team_a) and "inj-07" not in released(team_b)


def test_a_screening_completed_with_the_catalogue_fires_its_inject(started):
    run, _control, _c, trainees = started
    screening_world.load()
    team_a = run.teams.first()
    trainee = trainee_actor(trainees[0][0], team_a)
    screening_submit(actor=trainee, payload=screening_world.payload())
    run_tick(run_id=run.pk)
    assert "inj-04" in released(team_a)  # screening_completed, catalogue ilo-ec-operational


def test_by_hand_to_some_teams_never_twice_never_outside_the_run(started):
    run, control, _c, _t = started
    team_a, _team_b = run.teams.all()
    assert [r.team for r in inject_release(actor=control, run_id=run.pk, inject_id="inj-12",
                                           team_ids=[team_a.pk])] == [team_a]
    assert inject_release(actor=control, run_id=run.pk, inject_id="inj-12", team_ids=[team_a.pk]) == []
    other, *_ = make_run(teams=1)
    before = InjectRelease.objects.count()
    with pytest.raises(ValidationFailed):
        inject_release(actor=control, run_id=run.pk, inject_id="inj-12", team_ids=[other.teams.get().pk])
    with pytest.raises(ValidationFailed):
        inject_release(actor=control, run_id=run.pk, inject_id="inj-99")
    with pytest.raises(NotFound):  # a controller of one run has no hand on another
        inject_release(actor=control, run_id=other.pk, inject_id="inj-12")
    assert InjectRelease.objects.count() == before


def test_the_inbox_shows_the_teams_injects_in_its_language_and_never_the_controller_notes(started):
    run, control, _c, trainees = started
    team_a, team_b = run.teams.all()
    inject_release(actor=control, run_id=run.pk, inject_id="inj-12", team_ids=[team_a.pk])
    mine = inbox_for(actor=trainee_actor(trainees[0][0], team_a))
    assert [i["inject"] for i in mine["items"]] == ["inj-12"]
    assert "notes" not in mine["items"][0] and mine["items"][0]["subject"]
    assert inbox_last_id(actor=trainee_actor(trainees[1][0], team_b)) == 0
    assert inbox_for(actor=trainee_actor(trainees[1][0], team_b))["items"] == []
    state = console_state_for(actor=control, run_id=run.pk)
    assert [p["injects"] for p in state["progress"]] == [1, 0]


@pytest.mark.skipif("connection.vendor == 'sqlite'", reason="needs concurrent connections (PostgreSQL)")
@pytest.mark.django_db(transaction=True)
def test_concurrent_releases_deliver_once():
    run, _boss, controller, _t = make_run(teams=2)
    control = staff_actor(controller)
    run_start(actor=control, run_id=run.pk)
    barrier, errors = threading.Barrier(4), []

    def release():
        try:
            barrier.wait()
            inject_release(actor=control, run_id=run.pk, inject_id="inj-12")
            run_tick(run_id=run.pk)
        except Exception as exc:
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=release) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert InjectRelease.objects.filter(run=run, inject_id="inj-12").count() == 2
    assert InjectRelease.objects.filter(run=run, inject_id="inj-01").count() == 2


def test_duplicates_from_two_ticks_are_absorbed(started):
    run, _control, _c, _t = started
    assert run_tick(run_id=run.pk) == 2
    assert run_tick(run_id=run.pk) == 0


def _tick_queries(run) -> int:
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        run_tick(run_id=run.pk)
    return len(queries)


def test_a_tick_reads_the_same_number_of_queries_for_two_teams_or_five():
    # 251 trainees poll the run once a second: a tick whose reads grew with the teams would grow with them.
    counts = []
    for teams in (2, 5):
        run, _boss, controller, _trainees = make_run(teams=teams, trainees_per_team=1)
        run = run_start(actor=staff_actor(controller), run_id=run.pk)
        run_tick(run_id=run.pk)  # releases "00:00" (its writes are not what is counted)
        counts.append(_tick_queries(run))
    assert counts[0] == counts[1]


def test_a_tick_reads_no_sandbox_once_every_triggered_inject_is_out(started):
    from alliance.exercises.domain.inject_schedule import waiting_events

    run, control, _c, _t = started
    run_tick(run_id=run.pk)
    waiting = _tick_queries(run)
    triggered = [i["id"] for i in run.scenario.content["msel.yaml"]["injects"]
                 if "at" not in i and "after" not in i.get("trigger", {})
                 and i.get("trigger", {}).get("event", "manual") != "manual"]
    assert triggered  # the shipped scenario has injects that wait on the sandbox
    for inject_id in triggered:
        inject_release(actor=control, run_id=run.pk, inject_id=inject_id)
    assert waiting_events(injects=run.scenario.content["msel.yaml"]["injects"],
                          released=set(released(run.teams.first()))) == set()
    assert _tick_queries(run) < waiting
