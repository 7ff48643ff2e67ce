"""Huey tasks of the screening app (found by huey.contrib.djhuey): thin wrappers around services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from alliance.screening.services.retention import screenings_expire


@db_periodic_task(crontab(hour="2", minute="45"))
def nightly_screening_retention() -> int:
    """Nightly: delete screenings that never became a case once their retention period has ended."""
    return screenings_expire().deleted
