"""Setting up a run from the pages: the form queues the creation job, the progress page follows it to the
console; a failure is told and leaves nothing; staff and teams change on a prepared run, audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from alliance.core import roles as R
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.core.models import AuditEvent, JobRun, Realm
from alliance.directory.models import Membership
from alliance.exercises.models import Applicant, ExerciseRun, RunStaff, TeamSeat
from alliance.exercises.services import run_staff, sandboxes
from alliance.exercises.services.run_setup import RUN_CREATE_KIND, run_create_job
from alliance.exercises.services.runs import run_start
from tests import factories
from tests.exercises import test_programme_world as programmes
from tests.exercises.test_run_world import coordinator, make_run, scenario, user

pytestmark = pytest.mark.django_db


def _logged_in(client, actor):
    from alliance.directory.models import User

    client.force_login(User.objects.get(pk=actor.user_id))
    return client


def _form(**overrides):
    data = {"scenario": str(scenario().pk), "name": "Vicenza from the page", "teams": "2", "language": "en",
            "edition": "", "trainee_emails": "", "controllers": "", "observers": "", "action": "create"}
    data.update(overrides)
    return data


def test_a_coordinator_creates_a_run_from_the_page_and_follows_its_progress_to_the_console(client):
    boss = coordinator()
    trainees = [user(f"page-t{k}") for k in range(3)]
    controller, observer, actor = user("page-ctl"), user("page-obs"), user("page-rp")
    card = scenario().content["roleplayers.yaml"]["cards"][0]["id"]
    client = _logged_in(client, boss)
    assert client.get(reverse("exercises:run_new")).status_code == 200
    response = client.post(reverse("exercises:run_new"), _form(
        trainee_emails=f"{trainees[0].email}\n{trainees[1].email} 1\n{trainees[2].email}",
        controllers=controller.email, observers=observer.email, **{f"card_{card}": actor.email}))
    job = JobRun.objects.get(kind=RUN_CREATE_KIND)
    assert response.status_code == 302 and response["Location"] == reverse("exercises:run_setup_progress",
                                                                           args=[job.pk])
    page = client.get(response["Location"]).content.decode()
    run = ExerciseRun.objects.get(name="Vicenza from the page")
    assert job.status == JobRun.Status.RUNNING or JobRun.objects.get(pk=job.pk).status == JobRun.Status.DONE
    assert "Team 2 of 2 seeded" in page and reverse("exercises:run_console", args=[run.pk]) in page
    assert run.status == ExerciseRun.Status.PREPARED and run.teams.count() == 2
    placed = {u.pk: t.number for t in run.teams.all() for u in t.trainees.filter(pk__in=[x.pk for x in trainees])}
    # the line with a team goes there; the two without are spread to the emptier team first
    assert placed == {trainees[1].pk: 1, trainees[0].pk: 2, trainees[2].pk: 1}
    staff = {(s.user_id, s.part, s.card_id) for s in RunStaff.objects.filter(run=run)}
    assert staff == {(controller.pk, "controller", ""), (observer.pk, "observer", ""), (actor.pk, "role_player", card)}
    assert JobRun.objects.get(pk=job.pk).result == {"run_id": run.pk}


def test_a_mistake_is_answered_on_the_form_and_queues_nothing(client):
    client = _logged_in(client, coordinator())
    response = client.post(reverse("exercises:run_new"), _form(trainee_emails="nobody@nowhere.test"))
    assert response.status_code == 200 and b"nobody@nowhere.test" in response.content
    response = client.post(reverse("exercises:run_new"), _form(language="fr"))
    assert response.status_code == 200
    assert not JobRun.objects.filter(kind=RUN_CREATE_KIND).exists() and not ExerciseRun.objects.exists()


def test_the_edition_lists_its_selected_applicants_with_accounts_and_splits_them_evenly(client, mailoutbox):
    boss = programmes.coordinator()
    call = programmes.open_call(boss, capacity=10)
    ids = [programmes.apply_and_confirm(call, mailoutbox, email=f"applicant{k}@example.test", given_name=f"Ap{k}")
           for k in range(5)]
    Applicant.objects.filter(pk__in=ids[:4]).update(decision=Applicant.Decision.SELECTED)
    accounts = [user(f"applicant{k}") for k in range(3)]  # applicant0..2@training.test: not the applied address
    for k in range(3):
        accounts[k].email = f"applicant{k}@example.test"
        accounts[k].save()
    Membership.objects.filter(user__email="applicant2@example.test").delete()
    client = _logged_in(client, boss)
    page = client.post(reverse("exercises:run_new"), _form(edition=str(call.edition_id), action="split")).content
    # three selected applicants hold accounts; the fourth (selected, no account) and the fifth (not selected) do not
    for k in range(3):
        assert f'name="team_{accounts[k].pk}"'.encode() in page
    assert b"applicant3@example.test" not in page and b"applicant4@example.test" not in page
    assert b'<option value="1" selected>1</option>' in page
    response = client.post(reverse("exercises:run_new"), _form(
        edition=str(call.edition_id), **{f"team_{a.pk}": str(k % 2 + 1) for k, a in enumerate(accounts)}))
    assert response.status_code == 302
    run = ExerciseRun.objects.get()
    assert run.edition_id == call.edition_id
    assert set(run.teams.get(number=1).trainees.filter(pk__in=[a.pk for a in accounts])) == {accounts[0], accounts[2]}
    assert AuditEvent.objects.filter(object_type="applicant", action="list", reason__startswith="run set-up").exists()


def test_a_failed_creation_is_told_and_leaves_no_half_made_run(monkeypatch):
    boss = coordinator()
    realms = Realm.objects.count()
    job = JobRun.objects.create(kind=RUN_CREATE_KIND, user_id=boss.user_id, organisation_id=boss.organisation_id,
                                realm_id=boss.realm_id, total=3)
    seeded = sandboxes.sandbox_seed

    def seed_then_break(*, run, number, **kwargs):
        if number == 3:
            raise RuntimeError("disk full")
        return seeded(run=run, number=number, **kwargs)

    monkeypatch.setattr("alliance.exercises.services.runs.sandbox_seed", seed_then_break)
    with pytest.raises(RuntimeError):
        run_create_job(job_id=job.pk, params={"scenario_id": scenario().pk, "name": "Breaks", "teams": 3})
    job.refresh_from_db()
    assert job.status == JobRun.Status.FAILED and "nothing was kept" in job.message
    assert not ExerciseRun.objects.exists() and Realm.objects.count() == realms
    # a refusal at the job (the account went meanwhile) is a readable reason too
    gone = user("gone")
    gone.is_active = False
    gone.save()
    job2 = JobRun.objects.create(kind=RUN_CREATE_KIND, user_id=boss.user_id, organisation_id=boss.organisation_id,
                                 realm_id=boss.realm_id, total=1)
    run_create_job(job_id=job2.pk, params={"scenario_id": scenario().pk, "name": "X", "teams": 1,
                                           "observer_ids": [gone.pk]})
    job2.refresh_from_db()
    assert job2.status == JobRun.Status.FAILED and job2.message == "Name active accounts only."


def test_the_progress_page_is_its_starters_only(client):
    boss = coordinator()
    job = JobRun.objects.create(kind=RUN_CREATE_KIND, user_id=boss.user_id, total=2)
    other = coordinator()
    assert _logged_in(client, other).get(reverse("exercises:run_setup_progress", args=[job.pk])).status_code == 404
    page = _logged_in(client, boss).get(reverse("exercises:run_setup_progress", args=[job.pk]))
    assert page.status_code == 200 and b"Team 0 of 2 seeded" in page.content
    assert b'hx-trigger="every 1s"' in page.content


def test_staff_are_added_and_removed_and_a_removed_controller_leaves_the_sandboxes():
    run, boss, controller, _trainees = make_run(teams=2)
    observer = user("late-observer")
    card = run.scenario.content["roleplayers.yaml"]["cards"][0]["id"]
    run_staff.run_staff_add(actor=boss, run_id=run.pk, user_id=observer.pk, part="observer")
    rp = run_staff.run_staff_add(actor=boss, run_id=run.pk, user_id=user("late-rp").pk, part="role_player",
                                 card_id=card)
    with pytest.raises(ValidationFailed):
        run_staff.run_staff_add(actor=boss, run_id=run.pk, user_id=observer.pk, part="role_player", card_id="nope")
    with pytest.raises(ValidationFailed):
        run_staff.run_staff_add(actor=boss, run_id=run.pk, user_id=observer.pk, part="observer")
    assert rp.card_id == card
    held = Membership.objects.filter(user=controller, organisation__sandbox__isnull=False).count()
    staff = RunStaff.objects.get(run=run, user=controller)
    run_staff.run_staff_remove(actor=boss, run_id=run.pk, staff_id=staff.pk)
    assert held > 0 and not Membership.objects.filter(user=controller, organisation__sandbox__isnull=False).exists()
    assert not Realm.objects.filter(participants=controller, kind=Realm.Kind.EXERCISE).exists()
    assert AuditEvent.objects.filter(object_type="exercise_run", object_id=str(run.pk),
                                     reason=f"removed controller user {controller.pk}").exists()


def test_trainees_move_between_teams_before_the_start_only():
    run, boss, controller, trainees = make_run(teams=2, trainees_per_team=1)
    mover = trainees[0][0]
    team1, team2 = run.teams.get(number=1), run.teams.get(number=2)
    run_staff.run_trainee_place(actor=boss, run_id=run.pk, user_id=mover.pk, team_number=2)
    assert not team1.trainees.filter(pk=mover.pk).exists() and team2.trainees.filter(pk=mover.pk).exists()
    assert Membership.objects.get(user=mover).organisation.sandbox_id == team2.realm_id
    assert team2.realm.participants.filter(pk=mover.pk).exists()
    assert not team1.realm.participants.filter(pk=mover.pk).exists()
    assert TeamSeat.objects.filter(team=team1, user=None).exists()  # the seat left is empty, not deleted
    newcomer = user("newcomer")
    run_staff.run_trainee_place(actor=boss, run_id=run.pk, user_id=newcomer.pk, team_number=1)
    assert TeamSeat.objects.filter(team=team1, user=newcomer).exists() and not TeamSeat.objects.filter(
        team=team1, user=None, played_by__in=[s.played_by for s in TeamSeat.objects.filter(user=newcomer)]).exists()
    with pytest.raises(ValidationFailed):
        run_staff.run_trainee_place(actor=boss, run_id=run.pk, user_id=controller.pk, team_number=1)
    run_staff.run_trainee_place(actor=boss, run_id=run.pk, user_id=newcomer.pk, team_number=None)
    assert not Membership.objects.filter(user=newcomer).exists()
    run_start(actor=boss, run_id=run.pk)
    with pytest.raises(ValidationFailed):
        run_staff.run_trainee_place(actor=boss, run_id=run.pk, user_id=mover.pk, team_number=1)


def test_only_a_coordinator_changes_a_runs_people():
    run, _boss, controller, _trainees = make_run(teams=1)
    analyst = factories.actor(factories.member(factories.organisation(), [R.ANALYST]))
    with pytest.raises(Forbidden):
        run_staff.run_staff_add(actor=analyst, run_id=run.pk, user_id=user("x").pk, part="observer")
    from tests.exercises.test_run_world import staff_actor

    with pytest.raises(Forbidden):  # a controller runs the clock, not the staff list
        run_staff.run_trainee_place(actor=staff_actor(controller), run_id=run.pk, user_id=user("y").pk,
                                    team_number=1)


def test_the_staff_page_adds_and_moves(client):
    run, boss, _controller, trainees = make_run(teams=2, trainees_per_team=1)
    client = _logged_in(client, boss)
    assert client.get(reverse("exercises:run_people", args=[run.pk])).status_code == 200
    observer = user("page-observer")
    response = client.post(reverse("exercises:run_people_change", args=[run.pk, "add"]),
                           {"email": observer.email, "part": "observer", "card": ""})
    assert response.status_code == 302 and RunStaff.objects.filter(run=run, user=observer).exists()
    response = client.post(reverse("exercises:run_people_change", args=[run.pk, "place"]),
                           {"email": trainees[0][0].email, "team": "2"})
    assert response.status_code == 302 and run.teams.get(number=2).trainees.filter(pk=trainees[0][0].pk).exists()
    response = client.post(reverse("exercises:run_people_change", args=[run.pk, "add"]),
                           {"email": "nobody@nowhere.test", "part": "observer", "card": ""})
    assert response.status_code == 400 and b"nobody@nowhere.test" in response.content
    assert b"Staff and teams" in client.get(reverse("exercises:run_list")).content


def test_the_coordinators_home_card_counts_runs_and_open_calls(client, mailoutbox):
    boss = programmes.coordinator()
    call = programmes.open_call(boss)
    programmes.apply_and_confirm(call, mailoutbox)
    from alliance.exercises.services.runs import run_create

    run_create(actor=boss, scenario_id=scenario().pk, name="Card run", teams=1)
    page = _logged_in(client, boss).get(reverse("web:home")).content.decode()
    assert "1 in preparation, 0 running. 1 open calls, 1 confirmed applications." in page
    assert reverse("exercises:run_list") in page
