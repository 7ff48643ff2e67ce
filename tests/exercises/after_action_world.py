"""A world for the after-action tests (no test here): a started run of two teams of two trainees made
through the services, a controller and an observer (analysts holding staff rows, not roles), one trainee of
team 1 who opened a case in the sandbox, an observer's rating and decision-log entries."""

from __future__ import annotations

from dataclasses import dataclass

from alliance.cases.services import case_create
from alliance.core import roles as R
from alliance.exercises.models import ExerciseRun, RunStaff
from alliance.exercises.services.evaluation import decision_log_add, observer_rating_record
from alliance.exercises.services.runs import run_finish, run_purge, run_start
from tests import factories
from tests.exercises.test_run_world import make_run, staff_actor, trainee_actor


@dataclass
class AarWorld:
    run: ExerciseRun
    boss: object  # the training co-ordinator's actor
    controller: object
    observer: object
    trainees: list  # [[users] per team]

    def trainee(self, team: int, k: int = 0):
        user = self.trainees[team - 1][k]
        return trainee_actor(user, self.run.teams.get(number=team))

    def controller_user(self):
        from alliance.directory.models import User

        return User.objects.get(pk=self.controller.user_id)

    def finish(self) -> None:
        self.run = run_finish(actor=self.boss, run_id=self.run.pk)

    def archive(self) -> None:
        if self.run.status != ExerciseRun.Status.FINISHED:
            self.finish()
        self.run = run_purge(actor=self.boss, run_id=self.run.pk)


def build(*, teams: int = 2, trainees_per_team: int = 2) -> AarWorld:
    run, boss, controller, trainees = make_run(teams=teams, trainees_per_team=trainees_per_team)
    observer = factories.member(factories.organisation(sector="international"), [R.ANALYST]).user
    RunStaff.objects.create(run=run, user=observer, part=RunStaff.Part.OBSERVER)
    run = run_start(actor=boss, run_id=run.pk)
    world = AarWorld(run=run, boss=boss, controller=staff_actor(controller), observer=staff_actor(observer),
                     trainees=trainees)
    team_1 = run.teams.get(number=1)
    case_create(actor=world.trainee(1), given_name="Lina", family_name="Roleplayed")
    observer_rating_record(actor=boss, run_id=run.pk, team_id=team_1.pk,
                           capability_target="ct-consent", rating="S", notes="Asked for consent late")
    decision_log_add(actor=boss, run_id=run.pk, team_id=team_1.pk, kind="decision",
                     text="Team 1 decided to call the shelter first")
    decision_log_add(actor=boss, run_id=run.pk, team_id=None, kind="control",
                     text="Inject 4 held back ten minutes")
    return world
