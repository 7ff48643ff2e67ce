"""Huey tasks (found by huey.contrib.djhuey) and the functions that start them: a start checks permission,
creates the JobRun a person watches, and queues the task, a thin wrapper around the work in jobs.py."""

from __future__ import annotations

from huey.contrib.djhuey import db_task

from alliance.core import jobs
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden
from alliance.core.models import AuditEvent, JobRun


def job_start_audit_verify(*, actor: Actor) -> JobRun:
    if not actor.has_action(R.AUDIT_VERIFY):
        raise Forbidden(R.AUDIT_VERIFY)
    job = JobRun.objects.create(kind="audit_verify", user_id=actor.user_id, organisation_id=actor.organisation_id,
                                realm_id=actor.realm_id, total=AuditEvent.objects.count())
    run_audit_verify(job.pk)
    job.refresh_from_db()
    return job


@db_task()
def run_audit_verify(job_id: int) -> None:
    jobs.run_audit_verify_job(job_id)
