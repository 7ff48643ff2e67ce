"""Benchmark 8 (worker): an exercise run of 10 team sandboxes from a shipped scenario (issue 10: creation aim
under 30 s): create it, start it, tick the scenario clock, finish and purge it, then verify the audit chain.

The baseline, measured in the same run, is a run of one team sandbox (the per-team cost), so the ratio says
how creation and purge scale with the number of teams. Run through bench/run.py, which prepares the database
and var dir; `--teams` and `--trainees` change the size (default 10 x 25, the deck's 251 trainees rounded
down).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from common import Result, Table, fmt_ms, fmt_ratio, log, ratio, worker_setup

SHIPPED = Path(__file__).resolve().parents[1] / "src" / "alliance" / "exercises" / "scenario_packages"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", required=True)
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--trainees", type=int, default=25, help="per team")
    parser.add_argument("--slug", default="dreamland-online-recruitment")
    parser.add_argument("--backend", default="sqlite")
    args = parser.parse_args()
    worker_setup()
    figures = run_bench(args)
    backend = "PostgreSQL" if args.backend == "postgres" else "SQLite"
    one, many = figures["one"], figures["many"]
    rows = [[label, fmt_ms(one[key] * 1000), fmt_ms(many[key] * 1000), fmt_ratio(ratio(many[key], one[key]))]
            for label, key in (("create the run (sandboxes seeded)", "create"), ("first clock tick", "tick"),
                               ("idle clock tick", "idle"), ("purge the sandboxes", "purge"))]
    title = f"Exercise run of {args.teams} team sandboxes ({backend})"
    Result(
        name=f"exercise_runs_{args.backend}", title=title,
        tables=[Table(f"wall time in ms; {args.teams} teams x {args.trainees} trainees against one team of "
                      f"{args.trainees}; scenario {args.slug}",
                      ["step", "1 team", f"{args.teams} teams", "ratio"], rows)],
        summary=[f"{title}: created in {many['create']:.2f} s (aim < 30 s), purged in {many['purge']:.2f} s, "
                 f"audit chain {'intact' if figures['chain_ok'] else 'BROKEN'} after the purge"],
        notes=["Creation seeds every sandbox in one transaction: the world's agencies (in that realm only), "
               "the accounts it names and the trainees' memberships."],
        figures=figures,
    ).write(args.result)
    if not figures["chain_ok"]:
        raise SystemExit("the audit chain does not verify after the purge")


def _one_run(args, teams: int, label: str) -> dict:
    from alliance.core import roles as R
    from alliance.directory.models import Membership, Organisation, User
    from alliance.directory.selectors import actor_for, live_realm
    from alliance.exercises.models import ScenarioPackage
    from alliance.exercises.services.injects import run_tick
    from alliance.exercises.services.runs import run_create, run_finish, run_purge, run_start

    scenario = ScenarioPackage.objects.get(slug=args.slug)
    org = Organisation.objects.create(name=f"Training centre {label}", country="XD", sector="international")
    boss_user = User.objects.create_user(email=f"boss-{label}@bench.test", password=None, display_name="Boss")
    boss_m = Membership.objects.create(user=boss_user, organisation=org, roles=[R.TRAINING_COORDINATOR])
    boss = actor_for(user=boss_user, membership=boss_m, realm=live_realm(), address="", channel="cli")
    users = User.objects.bulk_create([User(email=f"t{i}-{label}@bench.test", display_name=f"t{i}", password="!")
                                      for i in range(teams * args.trainees)])
    trainees = [[u.pk for u in users[t * args.trainees:(t + 1) * args.trainees]] for t in range(teams)]
    timings = {}
    t0 = time.perf_counter()
    run = run_create(actor=boss, scenario_id=scenario.pk, name=f"Bench run {label}", teams=teams,
                     trainees=trainees, controller_ids=[boss_user.pk])
    timings["create"] = time.perf_counter() - t0
    run_start(actor=boss, run_id=run.pk)
    t0 = time.perf_counter()
    run_tick(run_id=run.pk)
    timings["tick"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    run_tick(run_id=run.pk)
    timings["idle"] = time.perf_counter() - t0
    run_finish(actor=boss, run_id=run.pk)
    t0 = time.perf_counter()
    run_purge(actor=boss, run_id=run.pk)
    timings["purge"] = time.perf_counter() - t0
    return timings


def run_bench(args) -> dict:
    from alliance.core import audit
    from alliance.core.actor import system_actor
    from alliance.directory.selectors import live_realm
    from alliance.exercises.services.scenarios import scenario_import

    scenario_import(actor=system_actor(realm_id=live_realm().pk), path=SHIPPED / args.slug)
    log(f"one team of {args.trainees}, then {args.teams} teams")
    one = _one_run(args, 1, "one")
    many = _one_run(args, args.teams, "many")
    return {"one": one, "many": many, "chain_ok": audit.verify().ok}


if __name__ == "__main__":
    main()
