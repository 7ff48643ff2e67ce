"""`alliance jobs worker|status <id>`: run the background-job consumer, or watch one job."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from alliance.core.models import JobRun

FINISHED = {JobRun.Status.DONE, JobRun.Status.FAILED}


class Command(BaseCommand):
    help = "Run the background-job worker, or show the status and progress of one job."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True, metavar="{worker,status}")
        worker = actions.add_parser("worker", help="run the job consumer (huey) until stopped")
        worker.add_argument("--workers", type=int, default=2, help="concurrent jobs (threads), default 2")
        status = actions.add_parser("status", help="status and progress of a job")
        status.add_argument("job_id", type=int)
        status.add_argument("--follow", action="store_true", help="watch until the job ends")

    def handle(self, *args, action: str, **options):
        if action == "worker":
            self._worker(options["workers"])
        else:
            self._status(options["job_id"], follow=options["follow"])

    def _worker(self, workers: int) -> None:
        if settings.HUEY.get("immediate"):
            raise CommandError("jobs run immediately in this profile (test, or ALLIANCE_JOBS_IMMEDIATE=1): "
                               "there is no queue to consume")
        call_command("run_huey", workers=workers)

    def _status(self, job_id: int, *, follow: bool) -> None:
        job = JobRun.objects.filter(pk=job_id).first()
        if job is None:
            raise CommandError(f"no job {job_id}")
        if follow and job.status not in FINISHED:
            job = self._follow(job)
        self.stdout.write(f"Job {job.pk} ({job.kind}): {job.status}, {job.done} of {job.total or '?'} "
                          f"({job.percent} %)")
        if job.message:
            self.stdout.write(job.message)
        if job.status == JobRun.Status.FAILED:
            raise CommandError(f"job {job.pk} failed")

    def _follow(self, job: JobRun) -> JobRun:
        with tqdm(total=job.total or None, desc=f"job {job.pk} {job.kind}", disable=None) as bar:
            while True:
                job.refresh_from_db()
                if job.total and bar.total != job.total:
                    bar.total = job.total
                bar.update(job.done - bar.n)
                if job.status in FINISHED:
                    return job
                time.sleep(1)
