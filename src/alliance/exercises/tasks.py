"""Huey tasks of the exercises app (found by huey.contrib.djhuey): thin wrappers around services."""

from __future__ import annotations

from django.utils import translation
from huey import crontab
from huey.contrib.djhuey import db_periodic_task, db_task

from alliance.core.actor import Actor
from alliance.core.models import JobRun
from alliance.exercises.models import ExerciseRun
from alliance.exercises.services.applications import applicants_erase_expired
from alliance.exercises.services.injects import run_tick
from alliance.exercises.services.run_setup import RUN_CREATE_KIND, run_create_job
from alliance.exercises.services.runs import run_create_check


@db_periodic_task(crontab(hour="3", minute="5"))
def erase_expired_applicants() -> None:
    applicants_erase_expired()


@db_periodic_task(crontab(minute="*"))
def exercise_clock_tick() -> int:
    """Every minute: release what is due in every running run, for the moments no page is polling (a
    console or an inbox that is open ticks every second itself; the unique release row makes both safe)."""
    return sum(run_tick(run_id=run_id) for run_id in
               ExerciseRun.objects.filter(status=ExerciseRun.Status.RUNNING).values_list("pk", flat=True))


def job_start_run_create(*, actor: Actor, params: dict) -> JobRun:
    """Check the request as the creation will (a mistake is answered now, on the form), then queue the
    creation; the JobRun is what the progress page watches. `params` are run_create's arguments."""
    run_create_check(actor=actor, **params)
    job = JobRun.objects.create(kind=RUN_CREATE_KIND, user_id=actor.user_id, organisation_id=actor.organisation_id,
                                realm_id=actor.realm_id, total=params["teams"])
    create_exercise_run(job.pk, {**params, "interface_language": translation.get_language()})
    job.refresh_from_db()
    return job


@db_task()
def create_exercise_run(job_id: int, params: dict) -> None:
    run_create_job(job_id=job_id, params=params)
