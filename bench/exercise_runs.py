"""Benchmark: create an exercise run of 10 team sandboxes from a shipped scenario, start it, tick it, finish
and purge it (issue 10: creation aim under 30 s). Standalone: it makes a throw-away test database (the
exercises app has no migration yet, so its tables come from the test database's creation, like the tests).

    PYTHONPATH=src ALLIANCE_PROFILE=test ALLIANCE_VAR_DIR=$(mktemp -d) .venv/bin/python bench/exercise_runs.py
    # PostgreSQL: add ALLIANCE_DATABASE_URL=postgres://... ALLIANCE_TEST_DATABASE_NAME=bench_runs_$RANDOM

Prints one line per step with its wall time; `--teams` and `--trainees` change the size (default 10 x 25,
the deck's 251 trainees rounded down).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "alliance.config.settings")
SHIPPED = Path(__file__).resolve().parents[1] / "src" / "alliance" / "exercises" / "scenario_packages"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--trainees", type=int, default=25, help="per team")
    parser.add_argument("--slug", default="dreamland-online-recruitment")
    args = parser.parse_args()
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run_bench(args)
    finally:
        connection.creation.destroy_test_db(name, verbosity=0)


def run_bench(args) -> None:
    from django.db import connection

    from alliance.core import audit
    from alliance.core import roles as R
    from alliance.core.actor import system_actor
    from alliance.core.models import AuditEvent
    from alliance.directory.models import Membership, Organisation, User
    from alliance.directory.selectors import actor_for, live_realm
    from alliance.exercises.services.injects import run_tick
    from alliance.exercises.services.runs import run_create, run_finish, run_purge, run_start
    from alliance.exercises.services.sandboxes import sandbox_rows
    from alliance.exercises.services.scenarios import scenario_import

    scenario = scenario_import(actor=system_actor(realm_id=live_realm().pk), path=SHIPPED / args.slug)
    org = Organisation.objects.create(name="Training centre", country="XD", sector="international")
    boss_user = User.objects.create_user(email="boss@bench.test", password=None, display_name="Boss")
    boss_m = Membership.objects.create(user=boss_user, organisation=org, roles=[R.TRAINING_COORDINATOR])
    boss = actor_for(user=boss_user, membership=boss_m, realm=live_realm(), address="", channel="cli")
    users = User.objects.bulk_create([User(email=f"t{i}@bench.test", display_name=f"t{i}", password="!")
                                      for i in range(args.teams * args.trainees)])
    trainees = [[u.pk for u in users[t * args.trainees:(t + 1) * args.trainees]] for t in range(args.teams)]
    print(f"database: {connection.vendor}; {args.teams} teams x {args.trainees} trainees; scenario {scenario}")

    t0 = time.perf_counter()
    run = run_create(actor=boss, scenario_id=scenario.pk, name="Bench run", teams=args.teams, trainees=trainees,
                     controller_ids=[boss_user.pk])
    created = time.perf_counter() - t0
    realm_ids = list(run.teams.values_list("realm_id", flat=True))
    rows = sandbox_rows(realm_ids=realm_ids)
    print(f"create run of {args.teams} sandboxes: {created:.2f} s  (rows: {rows}, "
          f"memberships {Membership.objects.filter(organisation__sandbox_id__in=realm_ids).count()})")
    run_start(actor=boss, run_id=run.pk)
    t0 = time.perf_counter()
    released = run_tick(run_id=run.pk)
    print(f"first clock tick ({released} releases): {(time.perf_counter() - t0) * 1000:.1f} ms")
    t0 = time.perf_counter()
    run_tick(run_id=run.pk)
    print(f"idle clock tick: {(time.perf_counter() - t0) * 1000:.1f} ms")
    run_finish(actor=boss, run_id=run.pk)
    t0 = time.perf_counter()
    run_purge(actor=boss, run_id=run.pk)
    purged = time.perf_counter() - t0
    print(f"purge {args.teams} sandboxes: {purged:.2f} s  (left: {sandbox_rows(realm_ids=realm_ids)})")
    t0 = time.perf_counter()
    result = audit.verify()
    print(f"audit chain after purge: {'intact' if result.ok else result.problem} "
          f"({AuditEvent.objects.count()} rows, {time.perf_counter() - t0:.2f} s)")
    if not result.ok or created > 30:
        sys.exit(1)


if __name__ == "__main__":
    main()
