"""Huey tasks (found by huey.contrib.djhuey): thin wrappers around functions in jobs.py."""

from huey.contrib.djhuey import db_task

from alliance.core import jobs


@db_task()
def run_audit_verify(job_id: int) -> None:
    jobs.run_audit_verify_job(job_id)
