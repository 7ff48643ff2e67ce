"""Background jobs of the exercises app."""

from __future__ import annotations

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from alliance.exercises.services.applications import applicants_erase_expired


@db_periodic_task(crontab(hour="3", minute="5"))
def erase_expired_applicants() -> None:
    applicants_erase_expired()
