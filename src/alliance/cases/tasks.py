"""Huey tasks of the case register (found by huey.contrib.djhuey): thin wrappers around services."""

from huey import crontab
from huey.contrib.djhuey import db_periodic_task

from alliance.cases.services.referrals import referrals_overdue_notify
from alliance.cases.services.retention import retention_run


@db_periodic_task(crontab(minute="7"))
def notify_overdue_referrals() -> int:
    """Hourly: each referral still waiting past its answer date is announced once to both sides."""
    return referrals_overdue_notify()


@db_periodic_task(crontab(hour="2", minute="30"))
def nightly_retention() -> None:
    """Nightly: anonymise closed cases past their country profile's retention period, unless held; each case
    in its own transaction, each audited."""
    retention_run()
