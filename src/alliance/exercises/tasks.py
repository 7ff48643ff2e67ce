"""Huey tasks of the exercises app (found by huey.contrib.djhuey): thin wrappers around services."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from alliance.exercises.models import ExerciseRun
from alliance.exercises.services.applications import applicants_erase_expired
from alliance.exercises.services.injects import run_tick


@db_periodic_task(crontab(hour="3", minute="5"))
def erase_expired_applicants() -> None:
    applicants_erase_expired()


@db_periodic_task(crontab(minute="*"))
def exercise_clock_tick() -> int:
    """Every minute: release what is due in every running run, for the moments no page is polling (a
    console or an inbox that is open ticks every second itself; the unique release row makes both safe)."""
    return sum(run_tick(run_id=run_id) for run_id in
               ExerciseRun.objects.filter(status=ExerciseRun.Status.RUNNING).values_list("pk", flat=True))
