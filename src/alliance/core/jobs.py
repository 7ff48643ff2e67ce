"""Long work in the background with progress a person can watch (UI, API and `alliance jobs`): the progress
counter and the work each job does. Starting a job is tasks.py's, which queues it; this module never imports
tasks.py, so the work can be run and tested without the queue."""

from __future__ import annotations

from django.utils import timezone

from alliance.core import audit
from alliance.core.models import JobRun


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
