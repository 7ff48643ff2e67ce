"""A run's creation as a background job (tasks.py queues it): the work, and the progress a co-ordinator
watches ("team 3 of 10 seeded").

The creation is one transaction (services/runs.py run_create), so nothing it writes, the job's row
included, is visible before it commits: the count of teams seeded is therefore kept beside the database,
in a small file of the installation's var directory that the progress page reads. It holds two numbers
and nothing else. The JobRun row says the outcome: done with the run's id, or failed with a reason a person
can read; a failure leaves no run, no realm and no agency behind.
"""

from __future__ import annotations

import os
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.core.models import JobRun, Realm
from alliance.directory.models import Membership, User
from alliance.directory.selectors import actor_for

RUN_CREATE_KIND = "exercise_run_create"


def _progress_file(job_id: int) -> Path:
    folder = Path(settings.VAR_DIR) / "job-progress"
    folder.mkdir(parents=True, exist_ok=True)
    return folder / f"{int(job_id)}.txt"


def progress_write(*, job_id: int, done: int, total: int) -> None:
    path = _progress_file(job_id)
    temporary = path.with_suffix(".tmp")
    temporary.write_text(f"{int(done)} {int(total)}", encoding="ascii")
    os.replace(temporary, path)  # a reader sees the old count or the new one, never half a line


def progress_read(*, job: JobRun) -> tuple[int, int]:
    """(teams seeded, teams) of a creation job: from the row once it ended, from the file while it runs."""
    if job.status in (JobRun.Status.DONE, JobRun.Status.FAILED):
        return job.done, job.total
    try:
        done, total = _progress_file(job.pk).read_text(encoding="ascii").split()
        return int(done), int(total)
    except (OSError, ValueError):
        return 0, job.total


def _job_actor(job: JobRun) -> Actor:
    """The co-ordinator who asked, as they are now: a membership withdrawn meanwhile creates nothing."""
    user = User.objects.filter(pk=job.user_id).first()
    membership = Membership.objects.select_related("organisation").filter(
        user_id=job.user_id, organisation_id=job.organisation_id).first()
    realm = Realm.objects.filter(pk=job.realm_id).first()
    if user is None or realm is None:
        return Actor(user_id=None, organisation_id=None, roles=frozenset(), realm_id=job.realm_id or 0,
                     channel="job")
    return actor_for(user=user, membership=membership, realm=realm, address=None, channel="job")


def _end(job_id: int, status: str, message: str, **fields) -> None:
    JobRun.objects.filter(pk=job_id).update(status=status, message=message[:500], finished_at=timezone.now(),
                                            **fields)
    _progress_file(job_id).unlink(missing_ok=True)


def run_create_job(*, job_id: int, params: dict) -> None:
    from alliance.exercises.services.runs import run_create

    job = JobRun.objects.get(pk=job_id)
    JobRun.objects.filter(pk=job_id).update(status=JobRun.Status.RUNNING)
    total = int(params.get("teams") or 0)
    progress_write(job_id=job_id, done=0, total=total)
    with translation.override(params.pop("interface_language", None) or settings.LANGUAGE_CODE):
        try:
            run = run_create(actor=_job_actor(job), **params,
                             progress=lambda number: progress_write(job_id=job_id, done=number, total=total))
        except ValidationFailed as refused:
            _end(job_id, JobRun.Status.FAILED, " ".join(m for ms in refused.errors.values() for m in ms),
                 result={"errors": refused.errors})
            return
        except Forbidden:
            _end(job_id, JobRun.Status.FAILED, _("You may no longer create exercise runs: nothing was created."))
            return
        except Exception as exc:  # a job must always end in a visible state; the worker logs the trace
            _end(job_id, JobRun.Status.FAILED, _("The run could not be created (%(error)s): nothing was kept.")
                 % {"error": type(exc).__name__})
            raise
        _end(job_id, JobRun.Status.DONE, _("%(n)d teams seeded.") % {"n": total}, done=total,
             result={"run_id": run.pk})
