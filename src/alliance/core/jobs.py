"""Long work in the background with progress a person can watch (UI, API and `alliance jobs`)."""

from __future__ import annotations

from django.utils import timezone

from alliance.core import audit
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden
from alliance.core.models import AuditEvent, JobRun


class Progress:
    """Writes progress to the JobRun row every `every` steps, so watchers see it move."""

    def __init__(self, job: JobRun, every: int = 1000):
        self.job, self.every, self._pending = job, every, 0

    def __call__(self, steps: int = 1) -> None:
        self._pending += steps
        if self._pending >= self.every:
            self.flush()

    def flush(self) -> None:
        if self._pending:
            JobRun.objects.filter(pk=self.job.pk).update(done=self.job.done + self._pending)
            self.job.done += self._pending
            self._pending = 0


def job_start_audit_verify(*, actor: Actor) -> JobRun:
    if not actor.has_action(R.AUDIT_VERIFY):
        raise Forbidden(R.AUDIT_VERIFY)
    job = JobRun.objects.create(kind="audit_verify", user_id=actor.user_id, organisation_id=actor.organisation_id,
                                realm_id=actor.realm_id, total=AuditEvent.objects.count())
    from alliance.core.tasks import run_audit_verify

    run_audit_verify(job.pk)
    job.refresh_from_db()
    return job


def run_audit_verify_job(job_id: int) -> None:
    job = JobRun.objects.get(pk=job_id)
    JobRun.objects.filter(pk=job_id).update(status=JobRun.Status.RUNNING)
    progress = Progress(job)
    try:
        result = audit.verify(progress=progress)
    except Exception as exc:  # a job must always end in a visible state
        JobRun.objects.filter(pk=job_id).update(status=JobRun.Status.FAILED, message=type(exc).__name__,
                                                finished_at=timezone.now())
        raise
    progress.flush()
    message = f"chain intact: {result.checked} rows" if result.ok else result.problem
    JobRun.objects.filter(pk=job_id).update(
        status=JobRun.Status.DONE, message=message[:500], finished_at=timezone.now(),
        result={"ok": result.ok, "checked": result.checked, "first_bad_seq": result.first_bad_seq},
    )
