"""`alliance serve`: granian (WSGI) in front of Django, with the background-job worker beside it.

Both run as child processes in their own process groups, so a Ctrl-C or a SIGTERM reaches this
supervisor only; it then asks each child to stop gracefully (SIGINT: granian drains its requests,
huey lets running jobs finish), and kills what is still running after the grace period. If either
child dies, the other is stopped too and the command fails, so a service manager restarts the whole.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor

GRACE_SECONDS = 30
WSGI_TARGET = "alliance.config.wsgi:application"
# The kernel's queue of connections not yet accepted (Linux caps it at net.core.somaxconn).
BACKLOG = 2048


class _Stop(Exception):
    """SIGINT or SIGTERM. Handled explicitly rather than through KeyboardInterrupt, because a shell
    starts background commands with SIGINT ignored and the children would inherit that."""


def _raise_stop(_signum, _frame):
    raise _Stop


class Command(BaseCommand):
    help = "Serve Alliance in production: granian (WSGI) plus the background-job worker."

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1", help="address to bind, default 127.0.0.1")
        parser.add_argument("--port", type=int, default=8000, help="default 8000")
        parser.add_argument("--workers", type=int, default=2, help="web worker processes, default 2")
        # Each thread may hold a database connection (PostgreSQL's default limit is 100), and Django's work is
        # CPU-bound under the GIL: a few threads per worker serve as much as granian's default of 128.
        parser.add_argument("--threads", type=int, default=8, help="threads per web worker, default 8")
        # granian's --backpressure caps the connections a worker holds open, not the requests it runs: at 8, eight
        # idle sockets stalled the server for everyone (issue 9). Idle connections cost a socket each in
        # granian's async runtime; the threads above still bound the requests run at once, and the rest queue.
        parser.add_argument("--connections", type=int, default=1024,
                            help="open connections per web worker, idle ones included, default 1024")
        parser.add_argument("--header-timeout", type=int, default=10,
                            help="seconds a client has to send its request headers, and the longest a kept-alive "
                                 "connection may sit idle; default 10, at most 60")
        parser.add_argument("--job-workers", type=int, default=2, help="concurrent background jobs, default 2")
        parser.add_argument("--no-jobs", action="store_true",
                            help="do not start the job worker (run `alliance jobs worker` elsewhere)")
        parser.add_argument("--demo", action="store_true", help="say that this serves the demonstration")

    def handle(self, *args, **options):
        if min(options["workers"], options["job_workers"], options["threads"], options["connections"]) < 1:
            raise CommandError("--workers, --threads, --connections and --job-workers must be at least 1")
        if not 1 <= options["header_timeout"] <= 60:
            raise CommandError("--header-timeout must be between 1 and 60 seconds")
        if options["demo"]:
            self.stdout.write("Serving the Alliance demonstration: fictitious Dreamland data only.")
        # whitenoise serves from STATIC_ROOT; collecting at every start keeps it in step with the code.
        call_command("collectstatic", interactive=False, verbosity=0)
        self._warn_unapplied_migrations()
        connection.close()  # the children open their own; an idle one here would only hold a slot
        env = {**os.environ, "DJANGO_SETTINGS_MODULE": "alliance.config.settings",
               "ALLIANCE_VAR_DIR": str(settings.VAR_DIR)}
        children: dict[str, subprocess.Popen] = {}
        previous: dict[int, object] = {}
        failed = None
        try:
            for sig in (signal.SIGINT, signal.SIGTERM):
                previous[sig] = signal.signal(sig, _raise_stop)
            if options["no_jobs"]:
                pass
            elif settings.HUEY.get("immediate"):
                self.stdout.write("Jobs run immediately in this profile; no job worker started.")
            else:
                children["jobs"] = self._spawn([sys.executable, "-m", "alliance.cli", "jobs", "worker",
                                                "--workers", str(options["job_workers"])], env)
            children["web"] = self._spawn(self._granian_args(options), env)
            self.stdout.write(f"Serving on http://{options['host']}:{options['port']}/ with "
                              f"{options['workers']} workers. Ctrl-C stops.")
            self.stdout.flush()
            failed = self._watch(children)
        except _Stop:
            self.stdout.write("Stopping...")
        finally:
            self._stop(children)
            for sig, handler in previous.items():
                signal.signal(sig, handler)
        if failed is not None:
            name, code = failed
            raise CommandError(f"the {name} process exited with code {code}; stopped the rest")
        self.stdout.write("Stopped.")

    def _granian_args(self, options) -> list[str]:
        args = [sys.executable, "-m", "granian", "--interface", "wsgi", "--host", options["host"],
                "--port", str(options["port"]), "--workers", str(options["workers"]),
                "--respawn-failed-workers"]
        args += ["--blocking-threads", str(options["threads"]), "--backpressure", str(options["connections"]),
                 "--backlog", str(BACKLOG)]
        # HTTP/1 only: in granian's "auto" mode a connection that never sends a byte waits, with no timeout,
        # for the bytes that would tell HTTP/1 from HTTP/2, so the header timeout never starts. The
        # TLS-terminating proxy in front speaks HTTP/1.1 to us anyway.
        args += ["--http", "1", "--http1-header-read-timeout", str(options["header_timeout"] * 1000)]
        return [*args, WSGI_TARGET]

    def _spawn(self, args: list[str], env: dict[str, str]) -> subprocess.Popen:
        # Our own interpreter and fixed arguments; process_group=0 keeps the terminal's Ctrl-C for us.
        return subprocess.Popen(args, env=env, process_group=0)  # noqa: S603

    def _watch(self, children: dict[str, subprocess.Popen]) -> tuple[str, int]:
        while True:
            for name, process in children.items():
                code = process.poll()
                if code is not None:
                    return name, code
            time.sleep(0.5)

    def _stop(self, children: dict[str, subprocess.Popen]) -> None:
        running = [p for p in children.values() if p.poll() is None]
        for process in running:
            process.send_signal(signal.SIGINT)
        deadline = time.monotonic() + GRACE_SECONDS
        try:
            for process in running:
                try:
                    process.wait(timeout=max(0.0, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        except _Stop:  # a second Ctrl-C or SIGTERM: no more waiting
            for process in running:
                if process.poll() is None:
                    process.kill()
                    process.wait()

    def _warn_unapplied_migrations(self) -> None:
        try:
            executor = MigrationExecutor(connection)
            plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
        except DatabaseError as exc:
            self.stderr.write(self.style.WARNING(f"Cannot read the database: {type(exc).__name__}"))
            return
        if plan:
            self.stderr.write(self.style.WARNING(
                f"{len(plan)} migrations are not applied: run `alliance migrate` first."))
