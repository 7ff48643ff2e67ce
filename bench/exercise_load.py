"""Benchmark 9 (worker): an exercise run played by 251 trainees in 10 teams at once on the production server
(issue 10: trainee actions p95 under 300 ms, inject delivery under 2 s at p99, no lost or duplicated action).

A run of the shipped scenario `dreamland-online-recruitment` with 10 team sandboxes and 251 trainee accounts
(25 or 26 a team) is created through the real services; `alliance serve --workers 2` (production profile,
with its job worker) serves it on loopback. The controller logs in, sets the pace to 20x and starts the run,
so that scheduled and triggered injects fall due while the trainees work, and releases injects by hand.
Every trainee (bench/trainee_client.py) logs in through the form, keeps the inbox open (a poll a second)
and works in the sandbox: screening interview, screening sent, case opened, note, consent, referral to the
shelter, injects marked read.

The baseline, measured in the same run on the same server, is one trainee alone doing the same. Afterwards
the database is compared with what the clients counted as done, exactly, per trainee (screenings, cases,
notes, consents, referrals, inject reads), releases must be unique per (team, inject), and every inject
released while a trainee's inbox was open must have reached it. Any such difference, and any error or 5xx,
fails the benchmark; latency aims are reported, never asserted.

Run through bench/run.py, which prepares the database and var dir.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import resource
import secrets
import shutil
import threading
import time
from pathlib import Path

from api_load import _server_problems
from common import BENCH_DIR, BIN, Result, Table, fmt_ms, fmt_ratio, log, ratio, summarise_ns, worker_setup
from serving import Server, free_port, leftovers, wait_ready
from trainee_client import TICKET, Controller, Gate, Recorder, Seat, Trainee

SHIPPED = BENCH_DIR.parent / "src" / "alliance" / "exercises" / "scenario_packages"
PASSWORD = "Dreamland-bench-" + secrets.token_hex(8)
PACE = 20.0
GRACE_S = 2.5  # an inject released this close to the end of a trainee's polling may not have been polled yet
TRAINEE_ACTIONS = ["log-in page", "log in", "inbox page", "inbox poll", "mark inject read", "screening interview page",
                   "submit a screening", "open a case", "case page (after a form)", "add a note", "record consent",
                   "refer to the shelter"]
LOG_IN = ("log-in page", "log in")
ALL = "all trainee requests but the log-in"


def setup(args) -> dict:
    """The run, its staff and its trainees, through the services; what the clients need to play it."""
    from django.contrib.auth.hashers import make_password

    from alliance.core import roles as R
    from alliance.core.actor import system_actor
    from alliance.directory.models import Membership, Organisation, User
    from alliance.directory.selectors import actor_for, live_realm
    from alliance.exercises.models import ScenarioPackage, Team
    from alliance.exercises.services.runs import run_create
    from alliance.exercises.services.scenarios import scenario_import
    from alliance.screening.domain.catalogue import load_catalogues
    from alliance.screening.domain.interview import current_interview
    from screening_bench import generate

    load_catalogues()
    scenario_import(actor=system_actor(realm_id=live_realm().pk), path=SHIPPED / args.slug)
    scenario = ScenarioPackage.objects.get(slug=args.slug)
    org = Organisation.objects.create(name="Exercise control (bench)", country="XD", sector="international")
    boss_user = User.objects.create_user(email="coordinator@bench.test", password=None, display_name="Co-ordinator")
    boss_m = Membership.objects.create(user=boss_user, organisation=org, roles=[R.TRAINING_COORDINATOR])
    boss = actor_for(user=boss_user, membership=boss_m, realm=live_realm(), address="", channel="cli")
    controller = User.objects.create_user(email="controller@bench.test", password=PASSWORD, display_name="Control")
    Membership.objects.create(user=controller, organisation=org, roles=[R.TRAINER])
    hashed = make_password(PASSWORD)  # one Argon2 hash for every trainee (the server still verifies each log-in)
    users = User.objects.bulk_create([User(email=f"trainee{i:03d}@bench.test", display_name=f"Trainee {i}",
                                           password=hashed) for i in range(args.trainees)])
    base, extra = divmod(args.trainees, args.teams)
    lists, start = [], 0
    for t in range(args.teams):
        size = base + (1 if t < extra else 0)
        lists.append([u.pk for u in users[start:start + size]])
        start += size
    t0 = time.perf_counter()
    run = run_create(actor=boss, scenario_id=scenario.pk, name="Bench: 251 trainees at once", teams=args.teams,
                     trainees=lists, controller_ids=[controller.pk])
    created_s = time.perf_counter() - t0
    world = scenario.content["world.yaml"]
    xd = next(c for c in world["countries"] if c["code"] == "XD")
    first_responders = set(xd["profile"]["first_responder_sectors"])
    teams = {t.realm_id: t for t in Team.objects.filter(run=run)}
    shelters = dict(Organisation.objects.filter(sandbox_id__in=teams, name__startswith="Safe Harbour")
                    .values_list("sandbox_id", "pk"))
    interview = current_interview()

    def payloads(index: int):
        return lambda n: generate(interview, 1, seed=index * 10_000 + n, offline=False)[0]

    seats, user_ids = [], {}
    rows = Membership.objects.filter(user__in=users, organisation__sandbox__isnull=False).values_list(
        "user_id", "user__email", "organisation__sector", "organisation__sandbox_id").order_by("user_id")
    for index, (user_id, email, sector, realm_id) in enumerate(rows):
        user_ids[email] = user_id
        seats.append(Seat(email=email, password=PASSWORD, team=teams[realm_id].number,
                          refers=sector in first_responders, shelter_id=shelters[realm_id],
                          payloads=payloads(index)))
    return {"run_id": run.pk, "seats": seats, "user_ids": user_ids, "created_s": created_s,
            "team_ids": {t.number: t.pk for t in teams.values()}, "controller": controller.email}


class ReleaseWatcher:
    """Release ids by (team, inject), read from the database as they appear: a trainee marks an inject read
    by its id, which the inbox page does not show (see the report)."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self.ids: dict[tuple[int, str], int] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        from django.db import connection

        from alliance.exercises.models import InjectRelease

        last = 0
        try:
            while not self.stop.wait(0.2):
                for pk, team, inject in (InjectRelease.objects.filter(run_id=self.run_id, pk__gt=last)
                                         .values_list("pk", "team__number", "inject_id")):
                    self.ids[(team, inject)] = pk
                    last = max(last, pk)
        finally:
            connection.close()

    def get(self, team: int, inject: str) -> int | None:
        return self.ids.get((team, inject))

    def close(self) -> None:
        self.stop.set()
        self.thread.join(timeout=5)


def tree_cpu_s(pid: int) -> float:
    """CPU seconds (user + system) used so far by a process and its descendants now alive."""
    total, pending, tick = 0.0, [pid], os.sysconf("SC_CLK_TCK")
    while pending:
        proc = pending.pop()
        with contextlib.suppress(OSError, ValueError, IndexError):
            fields = Path(f"/proc/{proc}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
            for task in Path(f"/proc/{proc}/task").iterdir():
                pending += [int(c) for c in (task / "children").read_text().split()]
    return total


def own_cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def play(seats: list[Seat], port: int, csrf_cookie: str, controller: Controller, watcher: ReleaseWatcher, *,
         duration: float, ramp: float, think: float, releases: list[tuple[float, str, int | None]],
         server_pid: int) -> dict:
    """One phase: the seats log in, arriving within `ramp` seconds; once all are in, they act for `duration`
    seconds while the controller watches the console and releases injects `at` seconds into that period."""
    recorder, console = Recorder(), Recorder()
    controller.recorder = console
    arrivals = time.time() + 0.2
    rng = random.Random(len(seats))
    gate = Gate(len(seats))
    trainees = [Trainee(seat, port, csrf_cookie, recorder, think=think, release_ids=watcher.get, ends_at=0.0,
                        rng=random.Random(i)) for i, seat in enumerate(seats)]
    threads = [threading.Thread(target=t.play, args=(arrivals + rng.uniform(0, ramp), gate), daemon=True)
               for t in trainees]
    for thread in threads:
        thread.start()
    ends = gate.open(duration, timeout=ramp + 600)
    logged_in_s = time.time() - arrivals
    begins = ends - duration
    cpu = (tree_cpu_s(server_pid), own_cpu_s())
    done = controller.watch(ends, [(begins + at, inject, team) for at, inject, team in releases])
    cpu = (tree_cpu_s(server_pid) - cpu[0], own_cpu_s() - cpu[1])
    for thread in threads:
        thread.join(timeout=60)
    return {"recorder": recorder, "console": console, "trainees": trainees, "released_by_hand": done,
            "began": begins, "ended": ends, "logged_in_s": logged_in_s, "server_cpu_s": cpu[0],
            "client_cpu_s": cpu[1]}


def poll_costs(world: dict, calls: int) -> dict[str, dict]:
    """An inbox poll in this process (Django's test client, no HTTP, no other load): the answer "nothing new"
    without the clock tick, and the tick itself, which the first poll of each second in each worker runs."""
    from django.db import connection
    from django.test import Client

    from alliance.directory.models import User
    from alliance.exercises.services import injects

    run_id = world["run_id"]
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(email=world["seats"][0].email))
    path = "/exercises/runs/inbox/poll?after=1000000000"

    def timed(fn, n: int) -> dict:
        fn()
        samples = []
        for _ in range(n):
            t0 = time.perf_counter_ns()
            fn()
            samples.append(time.perf_counter_ns() - t0)
        return summarise_ns(samples)

    def queries(fn) -> tuple[int, object]:
        seen = []
        with connection.execute_wrapper(lambda execute, sql, *rest: seen.append(sql) or execute(sql, *rest)):
            out = fn()
        return len(seen), out

    injects._last_tick[run_id] = float("inf")  # this process only: time the poll without its tick
    ticket = TICKET.search(client.get("/exercises/runs/inbox/", secure=True).content).group(1).decode()
    with_ticket = {"HTTP_X_INBOX_TICKET": ticket}
    poll_n, response = queries(lambda: client.get(path, secure=True, **with_ticket))
    if response.status_code != 204:
        raise RuntimeError(f"the in-process poll answered {response.status_code}, not 204")
    whole_n, response = queries(lambda: client.get(path, secure=True))
    if response.status_code != 200:
        raise RuntimeError(f"the in-process poll without a ticket answered {response.status_code}, not 200")
    tick_n, _released = queries(lambda: injects.run_tick(run_id=run_id))
    costs = {f"poll, nothing new, on the page's ticket (204), without the tick: {poll_n} queries":
             timed(lambda: client.get(path, secure=True, **with_ticket), calls),
             f"the same poll without a ticket (whole stack, 200 with a fresh one): {whole_n} queries":
             timed(lambda: client.get(path, secure=True), calls)}
    costs[f"the clock tick of the run ({len(world['team_ids'])} teams): {tick_n} queries"] = timed(
        lambda: injects.run_tick(run_id=run_id), max(5, calls // 10))
    return costs


def delivery(phase: dict, run_id: int) -> dict:
    """Seconds from each release (its released_at) to the first poll of each trainee of its team that showed
    it, for the releases made while that trainee's inbox was open; a release never shown is lost."""
    from alliance.exercises.models import InjectRelease

    released = [(team, inject, at.timestamp()) for team, inject, at in InjectRelease.objects.filter(
        run_id=run_id).values_list("team__number", "inject_id", "released_at")]
    delays, lost, examples = [], 0, []
    for trainee in phase["trainees"]:
        tally = trainee.tally
        if not tally.polling_to:
            continue
        for team, inject, at in released:
            if team != trainee.seat.team or not tally.polling_from < at < tally.polling_to - GRACE_S:
                continue
            if inject in tally.page_items:
                continue
            if inject in tally.first_seen:
                delays.append(int((tally.first_seen[inject] - at) * 1e9))
            else:
                lost += 1
                if len(examples) < 5:
                    examples.append(f"{inject} to team {team} never reached {trainee.seat.email}")
    return {"delays": summarise_ns(delays), "n": len(delays), "lost": lost, "examples": examples,
            "releases": len(released)}


def compare(phases: list[dict], user_ids: dict[str, int]) -> tuple[list[list[str]], list[str]]:
    """The database against the clients' own counts, per trainee, exactly."""
    from django.db.models import Count

    from alliance.cases.models import Case, CaseShare, Consent, Note
    from alliance.exercises.models import InjectRead, InjectRelease
    from alliance.screening.models import Screening

    counted: dict[str, dict[str, int]] = {}
    unknown: dict[str, dict[str, int]] = {}
    reads: dict[str, set] = {}
    for phase in phases:
        for t in phase["trainees"]:
            mine, open_ = counted.setdefault(t.seat.email, {}), unknown.setdefault(t.seat.email, {})
            for kind in ("screenings", "cases", "notes", "consents", "referrals"):
                mine[kind] = mine.get(kind, 0) + getattr(t.tally, kind)
            for kind, n in t.tally.unknown.items():
                open_[kind] = open_.get(kind, 0) + n
            reads.setdefault(t.seat.email, set()).update(t.tally.reads)
    ids = list(user_ids.values())
    by_user = {
        "screenings": Screening.objects.filter(created_by_id__in=ids).values_list("created_by_id"),
        "cases": Case.objects.filter(created_by_id__in=ids).values_list("created_by_id"),
        "notes": Note.objects.filter(author_id__in=ids).values_list("author_id"),
        "consents": Consent.objects.filter(obtained_by_id__in=ids).values_list("obtained_by_id"),
        "referrals": CaseShare.objects.filter(granted_by_id__in=ids, kind="referral").values_list("granted_by_id"),
    }
    rows, failures = [], []
    for kind, query in by_user.items():
        stored = dict(query.annotate(n=Count("id")))
        # Exactly what the clients saw done; a write whose answer timed out may or may not have been done.
        differ = [e for e, u in user_ids.items() if not counted.get(e, {}).get(kind, 0) <= stored.get(u, 0)
                  <= counted.get(e, {}).get(kind, 0) + unknown.get(e, {}).get(kind, 0)]
        rows.append([kind, str(sum(c.get(kind, 0) for c in counted.values())),
                     str(sum(u.get(kind, 0) for u in unknown.values())), str(sum(stored.values())),
                     str(len(differ))])
        if differ:
            failures.append(f"{kind}: the database differs from the clients' count for {len(differ)} trainees, "
                            f"e.g. {differ[0]} counted {counted.get(differ[0], {}).get(kind, 0)}, stored "
                            f"{stored.get(user_ids[differ[0]], 0)}")
    stored_reads: dict[int, set] = {}
    for user, release in InjectRead.objects.filter(user_id__in=ids).values_list("user_id", "release_id"):
        stored_reads.setdefault(user, set()).add(release)
    differ = [e for e, u in user_ids.items() if not reads.get(e, set()) <= stored_reads.get(u, set())
              or len(stored_reads.get(u, set())) > len(reads.get(e, set())) + unknown[e].get("inject reads", 0)]
    rows.append(["inject reads", str(sum(len(r) for r in reads.values())),
                 str(sum(u.get("inject reads", 0) for u in unknown.values())),
                 str(sum(len(r) for r in stored_reads.values())), str(len(differ))])
    if differ:
        failures.append(f"inject reads: the database differs from the clients' for {len(differ)} trainees")
    twice = list(InjectRelease.objects.values("team_id", "inject_id").annotate(n=Count("id")).filter(n__gt=1))
    rows.append(["releases per (team, inject) > 1", "0", "0", str(len(twice)), str(len(twice))])
    if twice:
        failures.append(f"{len(twice)} injects were released twice to one team: {twice[:3]}")
    return rows, failures


def row_for(action: str, load: Recorder, alone: Recorder) -> list[str]:
    s = summarise_ns(load.samples.get(action, []))
    b = summarise_ns(alone.samples.get(action, []))
    return [action, str(s["n"]), str(load.errors.get(action, 0)), str(load.timeouts.get(action, 0)),
            fmt_ms(s["p50"]), fmt_ms(s["p95"]),
            fmt_ms(s["p99"]), fmt_ms(b["p95"]) if b["n"] else "-", fmt_ratio(ratio(s["p95"], b["p95"]))
            if b["n"] else "-"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", required=True)
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--teams", type=int, default=10)
    parser.add_argument("--trainees", type=int, default=251, help="in all, shared out among the teams")
    parser.add_argument("--duration", type=float, default=60, help="seconds of load after the ramp")
    parser.add_argument("--ramp", type=float, default=10, help="seconds over which the trainees arrive")
    parser.add_argument("--baseline", type=float, default=15, help="seconds of one trainee alone")
    parser.add_argument("--think", type=float, default=5, help="mean seconds a trainee takes between steps")
    parser.add_argument("--slug", default="dreamland-online-recruitment")
    args = parser.parse_args()
    var_dir = Path(os.environ["ALLIANCE_VAR_DIR"])
    env = {**os.environ, "ALLIANCE_SECRET_KEY": secrets.token_urlsafe(50), "ALLIANCE_ALLOWED_HOSTS": "127.0.0.1",
           "ALLIANCE_SSL_REDIRECT": "0"}
    os.environ.update(env)
    worker_setup()
    from django.conf import settings
    from django.db import connection

    from alliance.core import audit

    t0 = time.perf_counter()
    world = setup(args)
    log(f"run of {args.teams} sandboxes and {len(world['seats'])} trainees through the services in "
        f"{time.perf_counter() - t0:.1f} s (run_create {world['created_s']:.2f} s)")
    connection.close()
    port = free_port()
    how = "alliance serve --workers 2 (with its job worker)"
    server = Server("alliance", [str(BIN / "alliance"), "serve", "--host", "127.0.0.1", "--port", str(port),
                                 "--workers", "2"], env, var_dir, var_dir / "alliance.log")
    load_before = os.getloadavg()[0]
    watcher = None
    try:
        wait_ready(server, f"http://127.0.0.1:{port}/accounts/login/")
        csrf = settings.CSRF_COOKIE_NAME
        controller = Controller(world["controller"], PASSWORD, world["run_id"], port, csrf, Recorder())
        controller.log_in()
        controller.clock("pace", pace=PACE)
        controller.clock("start")
        watcher = ReleaseWatcher(world["run_id"])
        first = next(s for s in world["seats"] if s.team == 1 and s.refers)
        log(f"baseline: {first.email} alone for {args.baseline:.0f} s")
        # Alone, with a short think time, so that the baseline goes through every step (its latency is its own).
        alone = play([first], port, csrf, controller, watcher, duration=args.baseline, ramp=0,
                     think=min(args.think, 1.0),
                     releases=[(args.baseline / 2, "inj-10", world["team_ids"][1])], server_pid=server.process.pid)
        log(f"load: {len(world['seats'])} trainees arriving over {args.ramp:.0f} s, then {args.duration:.0f} s")
        load = play(world["seats"], port, csrf, controller, watcher, duration=args.duration, ramp=args.ramp,
                    think=args.think, releases=[(args.duration / 3, "inj-12", None),
                                                (2 * args.duration / 3, "inj-09", None)],
                    server_pid=server.process.pid)
    finally:
        if watcher is not None:
            watcher.close()
        server.stop()
    load_after = os.getloadavg()[0]
    log(f"server stopped; processes left in their groups: {leftovers(server.groups)}")
    kept = BENCH_DIR / "results" / f"exercise-load-{args.backend}-server-last.log"
    kept.parent.mkdir(exist_ok=True)
    shutil.copyfile(server.log_path, kept)

    rows, failures = compare([alone, load], world["user_ids"])
    d_alone, d_load = delivery(alone, world["run_id"]), delivery(load, world["run_id"])
    for d in (d_alone, d_load):
        if d["lost"]:
            failures.append(f"{d['lost']} deliveries lost: {'; '.join(d['examples'])}")
    errors = sum(load["recorder"].errors.values()) + sum(alone["recorder"].errors.values()) + sum(
        load["console"].errors.values()) + sum(alone["console"].errors.values())
    if errors:
        examples = load["recorder"].examples + alone["recorder"].examples + load["console"].examples
        failures.append(f"{errors} requests failed or were refused: {'; '.join(examples[:6])}")
    problems = _server_problems(server.log_path)
    if problems:
        failures.append(f"server log ({kept.relative_to(BENCH_DIR.parent)}): {problems}")
    t0 = time.perf_counter()
    verified = audit.verify()
    verify_s = time.perf_counter() - t0
    if not verified.ok:
        failures.append(f"the audit chain does not verify after the load: {verified.problem}")
    costs = poll_costs(world, 40 if args.duration < 30 else 300)
    report(args, world, how, alone, load, d_alone, d_load, rows, failures, {
        "load_before": load_before, "load_after": load_after, "audit_rows": verified.checked, "verify_s": verify_s,
        "poll_costs": costs})


def report(args, world, how, alone, load, d_alone, d_load, rows, failures, extra) -> None:
    backend = "PostgreSQL" if args.backend == "postgres" else "SQLite (WAL)"
    n = len(world["seats"])
    rec, base = load["recorder"], alone["recorder"]
    actions = [a for a in TRAINEE_ACTIONS if a in rec.samples or a in base.samples]
    every = Recorder()
    every.samples[ALL] = [x for a, s in rec.samples.items() if a not in LOG_IN for x in s]
    solo = Recorder()
    solo.samples[ALL] = [x for a, s in base.samples.items() if a not in LOG_IN for x in s]
    every.errors[ALL] = sum(v for a, v in rec.errors.items() if a not in LOG_IN)
    every.timeouts[ALL] = sum(v for a, v in rec.timeouts.items() if a not in LOG_IN)
    table_rows = [row_for(a, rec, base) for a in actions] + [row_for(ALL, every, solo)]
    console_rows = [row_for(a, load["console"], alone["console"]) for a in sorted(load["console"].samples)]
    heads = ["action", "n", "errors", "timed out", "p50", "p95", "p99", "alone p95", "p95 ratio"]
    deliveries = [[label, str(d["n"]), fmt_ms(d["delays"]["p50"] / 1000), fmt_ms(d["delays"]["p99"] / 1000),
                   fmt_ms(d["delays"]["mean"] / 1000), str(d["lost"])]
                  for label, d in (("one trainee alone", d_alone), (f"{n} trainees", d_load))]
    allp = summarise_ns(every.samples[ALL])
    solop = summarise_ns(solo.samples[ALL])
    poll = summarise_ns(rec.samples.get("inbox poll", []))
    login = summarise_ns(rec.samples.get("log in", []))
    title = f"Exercise run played by {n} trainees in {args.teams} teams at once ({backend}, 2 workers)"
    total = sum(len(s) for a, s in rec.samples.items() if a not in LOG_IN)
    span = args.duration
    result = Result(
        name=f"exercise_load_{args.backend}", title=title,
        tables=[
            Table(f"trainee requests, latency in ms: {n} trainees arriving over {args.ramp:.0f} s (all logged in "
                  f"after {load['logged_in_s']:.0f} s), then acting at once for {args.duration:.0f} s with "
                  f"{args.think:g} s think time ({total:,} requests, {total / span:,.0f}/s while acting); "
                  f"against one trainee alone ({args.baseline:.0f} s, {min(args.think, 1.0):g} s think time) on the "
                  "same server", heads, table_rows),
            Table("the controller at the console (its poll every 2 s, releases by hand), ms", heads, console_rows),
            Table(f"inject delivery: seconds from release to the first poll showing it (pace {PACE:.0f}x; scheduled, "
                  "triggered and by hand)", ["who", "deliveries", "p50 s", "p99 s", "mean s", "lost"], deliveries),
            Table("an inbox poll in process afterwards (Django test client, no HTTP, nothing else running), ms",
                  ["part", "n", "mean", "p50", "p95", f"cores for {n} polls a second"],
                  [[part, str(c["n"]), fmt_ms(c["mean"]), fmt_ms(c["p50"]), fmt_ms(c["p95"]),
                    f"{n * c['mean'] / 1000:.2f}" if part.startswith("poll") else "-"]
                   for part, c in extra["poll_costs"].items()]),
            Table("exactly once: what the clients counted as done against the database",
                  ["what", "clients saw done", "answer timed out", "database", "trainees differing"], rows),
        ],
        notes=[
            f"Server: {how}, production profile (TLS proxy emulated: X-Forwarded-Proto https), {backend}. Every "
            "trainee logs in through the form (Argon2id, CSRF), its inbox tab polls every second, its work tab "
            "screens (the interview page, then the screening POSTed to /api/v1/screenings as the page does), opens "
            "a case, adds a note and, for first responders, records consent and refers the case to the shelter.",
            f"Load average {extra['load_before']:.1f} before and {extra['load_after']:.1f} after (the machine is "
            f"shared); while acting, the server's processes used {load['server_cpu_s']:.0f} CPU-s in "
            f"{args.duration:.0f} s ({load['server_cpu_s'] / args.duration:.2f} of the 2 cores) and the clients, on "
            f"the same cores, {load['client_cpu_s']:.0f} CPU-s ({load['client_cpu_s'] / args.duration:.2f}).",
            f"Audit chain of {extra['audit_rows']:,} rows "
            f"{'BROKEN' if any('audit chain' in f for f in failures) else 'verifies'} ({extra['verify_s']:.1f} s).",
            "'Mark read' posts what the item's button on the inbox page posts (HTMX), the release id taken from "
            "the page.",
            *failures,
        ],
        summary=[f"{title}: trainee requests p95 {allp['p95']:.0f} ms (aim < 300 ms; one trainee alone "
                 f"{solop['p95']:.0f} ms, {fmt_ratio(ratio(allp['p95'], solop['p95']))}), inbox poll p95 "
                 f"{poll['p95']:.0f} ms, log-in p95 {login['p95']:.0f} ms (all in after {load['logged_in_s']:.0f} s); "
                 f"inject delivery p50 "
                 f"{d_load['delays']['p50'] / 1000:.2f} s / p99 {d_load['delays']['p99'] / 1000:.2f} s "
                 f"(aim p99 < 2 s) over {d_load['n']:,} deliveries; "
                 + ("no lost or duplicated action, no error" if not failures else f"FAILED: {failures[0]}")],
        figures={"trainee": {a: summarise_ns(s) for a, s in rec.samples.items()},
                 "alone": {a: summarise_ns(s) for a, s in base.samples.items()},
                 "errors": rec.errors, "delivery": {"load": d_load, "alone": d_alone}, "exactly_once": rows,
                 "failures": failures, **extra},
    )
    result.write(args.result)


if __name__ == "__main__":
    main()
