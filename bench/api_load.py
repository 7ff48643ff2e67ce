"""Benchmark 3 (worker): the REST API under load, against a minimal WSGI app on the same server setup.

The production server command (`alliance serve --workers 2 --no-jobs`, or granian directly when that
command is not available) serves the production profile on loopback, over PostgreSQL. A member of one
agency with an API token and 60 cases of that agency is created through the services. wrk drives
  GET /api/v1/me                       authentication (token lookup) + actor + JSON
  GET /api/v1/cases?page_size=50       policy-scoped list, count, 50 rows, and one audit append per call
with 16 and 64 connections; the baseline is bench/hello_wsgi.py served by granian with 2 workers.
The server is always stopped (its process groups are signalled, then killed if still running).

Run through bench/run.py, which prepares the database and var dir.
"""

from __future__ import annotations

import argparse
import inspect
import json
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import BENCH_DIR, BIN, Result, Table, fmt_ms, fmt_rate, fmt_ratio, log, ratio, worker_setup
from serving import Server, free_port, get, leftovers, wait_ready

CONNECTIONS = (16, 64)
WRK_THREADS = 2


def setup_data(n_cases: int):
    """Returns the raw API token, the number of cases of the member's agency, and the member's actor."""
    from alliance.cases.services import case_create
    from alliance.directory.models import Membership, Organisation, User
    from alliance.directory.selectors import actor_for, live_realm
    from alliance.directory.services import token_issue

    realm = live_realm()
    org = Organisation.objects.create(name="Dreamland Outreach", country="XD", sector="ngo")
    other = Organisation.objects.create(name="Dreamland Police", country="XD", sector="law_enforcement")
    user = User.objects.create_user(email="load@dreamland.test", password=secrets.token_urlsafe(16),
                                    display_name="Load Tester")
    membership = Membership.objects.create(user=user, organisation=org, roles=["case_worker"])
    actor = actor_for(user=user, membership=membership, realm=realm, address="127.0.0.1", channel="api")
    for i in range(n_cases):
        case_create(actor=actor, given_name=f"Amara{i}", family_name="Brightwater", identity_number=f"XD{i:08d}",
                    birth_date="1990-05-17", summary="Fictitious Dreamland case for the load test.")
    # Cases of another agency, which the list must leave out.
    police = Membership.objects.create(user=User.objects.create_user(email="police@dreamland.test", password=None,
                                                                     display_name="Officer"),
                                       organisation=other, roles=["investigator"])
    police_actor = actor_for(user=police.user, membership=police, realm=realm, address="127.0.0.1", channel="api")
    for i in range(n_cases):
        case_create(actor=police_actor, given_name=f"Bako{i}", family_name="Dunmore")
    _token, raw = token_issue(actor=actor, name="load test", days=1)
    return raw, n_cases, actor


def wrk(url: str, *, connections: int, duration: int, token: str | None) -> dict:
    """One wrk run; retried once if wrk fails, then RuntimeError with what wrk said."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{connections}", f"-d{duration}s", "--timeout", "10s",
               "-s", str(BENCH_DIR / "wrk_report.lua")]
    if token:
        command += ["-H", f"Authorization: Bearer {token}"]
    problem = ""
    for _attempt in range(2):
        out = subprocess.run([*command, url], capture_output=True, text=True, check=False, timeout=duration + 60)
        line = next((li for li in out.stdout.splitlines() if li.startswith("BENCH_JSON ")), None)
        if out.returncode == 0 and line is not None:
            data = json.loads(line.removeprefix("BENCH_JSON "))
            data["rps"] = data["requests"] / (data["duration_us"] / 1e6)
            data["errors"] = sum(data[k] for k in ("err_connect", "err_read", "err_write", "err_status",
                                                   "err_timeout"))
            return data
        said = " | ".join(li.strip() for li in (out.stdout + out.stderr).splitlines() if li.strip())[-400:]
        problem = f"wrk -c{connections} exited {out.returncode}: {said}"
        log(f"{problem}; retrying once")
        time.sleep(2)
    raise RuntimeError(problem)


def measure(runs: dict, failures: list[str], server: Server, key: tuple[str, int], url: str, *, duration: int,
            warmup: int, token: str | None) -> None:
    """Warm up, then the measured run; a failure is recorded (with the server's state), not raised."""
    name, connections = key
    try:
        wrk(url, connections=connections, duration=warmup, token=token)
        runs[key] = wrk(url, connections=connections, duration=duration, token=token)
    except (RuntimeError, subprocess.TimeoutExpired) as exc:
        alive = "running" if server.process.poll() is None else f"exited with {server.process.returncode}"
        failures.append(f"{name} at {connections} connections not measured: {exc} (server {alive}; log tail: "
                        f"{' | '.join(server.tail(3).splitlines())[-300:]})")
        log(failures[-1])
        return
    r = runs[key]
    log(f"{name} c={connections}: {r['rps']:,.0f} req/s, p95 {r['p95_us'] / 1000:.1f} ms, errors {r['errors']}")


class ConnectionCounter:
    """Counts the connections the server holds to its database (CONN_MAX_AGE keeps them open). Connects
    once, before the load, so that a saturated server cannot refuse the monitoring itself."""

    def __init__(self, database: str) -> None:
        from common import pg_admin_connect

        self.database = database
        self.conn = pg_admin_connect()

    def count(self) -> int | str:
        try:
            row = self.conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s",
                                    [self.database]).fetchone()
            return row[0]
        except Exception as exc:  # reporting only; never fail the run for it
            return f"? ({exc.__class__.__name__})"

    def max_connections(self) -> int:
        return int(self.conn.execute("SHOW max_connections").fetchone()[0])

    def others(self) -> int:
        row = self.conn.execute("SELECT count(*) FROM pg_stat_activity WHERE datname IS DISTINCT FROM %s "
                                "AND backend_type = 'client backend'", [self.database]).fetchone()
        return row[0]

    def close(self) -> None:
        self.conn.close()


def in_process(token: str, actor, calls: int) -> tuple[dict[str, dict], dict[str, dict]]:
    """The same requests through Django's test client in this process: the framework's own cost per call,
    without HTTP, granian or concurrency; then the parts of a /cases call, timed one by one."""
    from django.test import Client

    from alliance.cases.api.register import CasePage
    from alliance.cases.selectors import register as selectors
    from alliance.directory.services import token_resolve
    from common import summarise_ns

    def timed(fn, n: int) -> dict:
        for _ in range(min(30, n)):
            fn()
        samples = []
        for _ in range(n):
            t0 = time.perf_counter_ns()
            fn()
            samples.append(time.perf_counter_ns() - t0)
        return summarise_ns(samples)

    client = Client(SERVER_NAME="127.0.0.1")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    whole = {}
    for name, path in (("me", "/api/v1/me"), ("cases", "/api/v1/cases?page_size=50")):
        response = client.get(path, **headers)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code} in process")
        whole[name] = timed(lambda path=path: client.get(path, **headers), calls)

    resolve_takes_address = "address" in inspect.signature(token_resolve).parameters
    scoped = selectors.case_list_for
    parts = {"token_resolve (bearer token lookup)": (lambda: token_resolve(raw=token, address="127.0.0.1"))
             if resolve_takes_address else (lambda: token_resolve(token)),
             "count of the policy-scoped list": lambda: scoped(actor=actor).count()}
    values = list(selectors.as_rows(queryset=scoped(actor=actor))[:50])

    def rows_and_schema():
        rows = selectors.rows_of(values=values)
        CasePage(items=rows, count=len(rows), page=1, page_size=50).model_dump_json()

    parts["page of 50 rows (selectors.as_rows)"] = lambda: list(selectors.as_rows(queryset=scoped(actor=actor))[:50])
    parts["50 list rows + response schema"] = rows_and_schema
    shown = [row[0] for row in values]
    parts["case_list_audit (one audit append)"] = lambda: selectors.case_list_audit(actor=actor, ids=shown)
    breakdown = {label: timed(fn, max(50, calls // 2)) for label, fn in parts.items()}
    return whole, breakdown


def alliance_server_command(port: int, env: dict[str, str], threads: int | None) -> tuple[list[str], str]:
    alliance = BIN / "alliance"
    if alliance.exists():
        probe = subprocess.run([str(alliance), "serve", "--help"], env=env, capture_output=True, text=True,
                               timeout=60)
        if probe.returncode == 0 and "--workers" in probe.stdout and "--no-jobs" in probe.stdout:
            extra = ["--threads", str(threads)] if threads else []
            return ([str(alliance), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
                     "--no-jobs", *extra], " ".join(["alliance serve --workers 2 --no-jobs", *extra]))
        log("`alliance serve` is not usable here; running granian directly")
    extra = ["--blocking-threads", str(threads)] if threads else []
    return ([str(BIN / "granian"), "--interface", "wsgi", "--workers", "2", "--host", "127.0.0.1", "--port",
             str(port), *extra, "alliance.config.wsgi:application"],
            " ".join(["granian --interface wsgi --workers 2", *extra, "(direct)"]))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", required=True)
    parser.add_argument("--duration", type=int, default=30)
    parser.add_argument("--no-wrk", action="store_true")
    parser.add_argument("--threads", type=int, help="blocking threads per worker (default: the server's own)")
    args = parser.parse_args()
    var_dir = Path(os.environ["ALLIANCE_VAR_DIR"])
    (BENCH_DIR / "results").mkdir(exist_ok=True)
    env = {**os.environ, "ALLIANCE_SECRET_KEY": secrets.token_urlsafe(50), "ALLIANCE_ALLOWED_HOSTS": "127.0.0.1",
           "ALLIANCE_SSL_REDIRECT": "0"}
    os.environ.update(env)
    worker_setup()

    from django.conf import settings
    from django.db import connection

    from alliance.core import audit
    from alliance.core.models import AuditEvent

    started = time.perf_counter()
    token, n_cases, actor = setup_data(60)
    log(f"user, membership, API token and {n_cases} cases of its agency (+{n_cases} of another) through the "
        f"services in {time.perf_counter() - started:.1f} s; profile {settings.PROFILE}")
    inproc, breakdown = in_process(token, actor, calls=100 if args.duration <= 5 else 400)
    lists_before = AuditEvent.objects.filter(action="list").count()
    counter = ConnectionCounter(connection.settings_dict["NAME"])
    connection.close()
    if args.no_wrk and shutil.which("wrk") is None:
        log("wrk missing: only checking that the server answers")
    warmup = 1 if args.duration <= 5 else 3

    runs: dict[tuple[str, int], dict] = {}
    failures: list[str] = []
    notes: list[str] = []
    result = Result(name="api", title="REST API under load (production profile, PostgreSQL, 2 workers)")

    # --- Baseline: a minimal WSGI app on the same granian setup -----------------------------------
    port = free_port()
    base_url = f"http://127.0.0.1:{port}/"
    hello_cmd = [sys.executable, "-m", "granian", "--interface", "wsgi", "--workers", "2", "--host", "127.0.0.1",
                 "--port", str(port), "hello_wsgi:application"]
    hello = Server("hello_wsgi", hello_cmd, {**env, "PYTHONPATH": str(BENCH_DIR)}, BENCH_DIR,
                   var_dir / "hello.log")
    try:
        wait_ready(hello, base_url, None)
        if not args.no_wrk:
            for c in CONNECTIONS:
                measure(runs, failures, hello, ("hello", c), base_url, duration=args.duration, warmup=warmup,
                        token=None)
    finally:
        hello.stop()
        shutil.copyfile(hello.log_path, BENCH_DIR / "results" / "api-hello-last.log")

    # --- Alliance: the production server command ---------------------------------------------------
    port = free_port()
    root = f"http://127.0.0.1:{port}"
    command, how = alliance_server_command(port, env, args.threads)
    log(f"starting {how} on port {port}")
    alliance = Server("alliance", command, env, var_dir, var_dir / "alliance.log")
    endpoints = {"me": f"{root}/api/v1/me", "cases": f"{root}/api/v1/cases?page_size=50"}
    try:
        wait_ready(alliance, endpoints["me"], token)
        status_me, body_me = get(endpoints["me"], token)
        status_cases, body_cases = get(endpoints["cases"], token)
        status_anon, _ = get(endpoints["me"], None)
        cases_page = json.loads(body_cases) if status_cases == 200 else {}
        me = json.loads(body_me) if status_me == 200 else {}
        notes.append(
            f"Server: {how}, profile production (ALLIANCE_SSL_REDIRECT=0 for plain http on loopback), "
            f"PostgreSQL. Checks before load: /me {status_me} ({me.get('email', '?')}), /cases {status_cases} "
            f"({len(cases_page.get('items', []))} items of count {cases_page.get('count', '?')}), "
            f"/me without token {status_anon}.")
        if not args.no_wrk:
            for name in ("me", "cases"):
                for c in CONNECTIONS:
                    measure(runs, failures, alliance, (name, c), endpoints[name], duration=args.duration,
                            warmup=warmup, token=token)
                    if (name, c) in runs:
                        runs[(name, c)]["db_connections"] = counter.count()
        notes.append(f"PostgreSQL max_connections = {counter.max_connections()}; after the runs, "
                     f"{counter.others()} client connections were open to other databases on the same server "
                     "(other work on the machine).")
    finally:
        alliance.stop()
        counter.close()
    log(f"servers stopped; processes left in their groups: {leftovers(alliance.groups | hello.groups)}")
    kept = BENCH_DIR / "results" / "api-server-last.log"
    shutil.copyfile(alliance.log_path, kept)
    problems = _server_problems(alliance.log_path)
    if problems:
        notes.append(f"Server log ({kept.relative_to(BENCH_DIR.parent)}): {problems}")

    lists_after = AuditEvent.objects.filter(action="list").count()
    list_calls = sum(r["requests"] for (name, _c), r in runs.items() if name == "cases")
    t0 = time.perf_counter()
    verified = audit.verify()
    if runs:
        notes.append(
            f"Audit: {lists_after - lists_before:,} 'list' events were appended while wrk completed "
            f"{list_calls:,} /cases responses (warm-up runs and requests still in flight at the end add some; "
            f"failed requests add none); the chain of {verified.checked:,} rows verifies "
            f"{'intact' if verified.ok else 'BROKEN: ' + verified.problem} ({time.perf_counter() - t0:.1f} s).")

    if not verified.ok:
        failures.append(f"the audit chain does not verify after the load: {verified.problem}")
    labels = {"hello": "baseline: hello_wsgi (granian, 2 workers)", "me": "GET /api/v1/me",
              "cases": "GET /api/v1/cases?page_size=50"}
    if runs:
        rows = []
        for name in ("hello", "me", "cases"):
            for c in CONNECTIONS:
                r, base = runs.get((name, c)), runs.get(("hello", c))
                if r is None:
                    rows.append([f"{labels[name]}, {c} conn", "failed", *["-"] * 7])
                    continue
                rows.append([
                    f"{labels[name]}, {c} conn", fmt_rate(r["rps"]),
                    fmt_ms(r["p50_us"] / 1000), fmt_ms(r["p95_us"] / 1000), fmt_ms(r["p99_us"] / 1000),
                    str(r["errors"]), str(r.get("db_connections", "-")),
                    "-" if name == "hello" or base is None else f"1/{ratio(base['rps'], r['rps']):,.0f}",
                    "-" if name == "hello" or base is None else fmt_ratio(ratio(r["p95_us"], base["p95_us"])),
                ])
        result.tables.append(Table(
            caption=(f"wrk -t{WRK_THREADS} -c16/-c64 -d{args.duration}s on the same 2-core machine as the server; "
                     f"latency in ms; ratios vs the baseline at the same connection count"),
            headers=["endpoint", "req/s", "p50", "p95", "p99", "errors", "db conns", "req/s vs baseline", "p95 ratio"],
            rows=rows))
        errors = sum(r["errors"] for r in runs.values())
        parts = []
        for name in ("me", "cases"):
            for c in CONNECTIONS:
                r = runs.get((name, c))
                parts.append(f"{labels[name].removeprefix('GET ')} at {c} conn: " + (
                    "not measured" if r is None else
                    f"{r['rps']:,.0f} req/s, p50 {r['p50_us'] / 1000:.1f} / p95 {r['p95_us'] / 1000:.1f} / "
                    f"p99 {r['p99_us'] / 1000:.1f} ms"))
        me16, hello16 = runs.get(("me", 16)), runs.get(("hello", 16))
        aims = ""
        if me16 is not None:
            aims = (f" /me at 16 connections {'meets' if me16['rps'] >= 1000 else 'misses'} the 1,000 req/s aim and "
                    f"{'meets' if me16['p95_us'] < 30_000 else 'misses'} the p95 < 30 ms aim")
            if hello16 is not None:
                aims += (f" (1/{ratio(hello16['rps'], me16['rps']):,.0f} of a bare WSGI app's "
                         f"{hello16['rps']:,.0f} req/s on the same server setup)")
            aims += "."
        result.summary.append(
            f"API under load (production profile, PostgreSQL, {how}, wrk -t{WRK_THREADS} on the same 2 cores, "
            f"{args.duration} s runs): {'; '.join(parts)}.{aims} /cases appends one audit row per call. "
            f"{errors:,} errors or non-2xx responses in all runs"
            + (f"; {len(failures)} runs failed" if failures else "") + ".")
    else:
        result.summary.append(f"API under load: not measured (wrk missing); the server ({how}) started and "
                              "answered the checks.")
    notes.extend(failures)
    result.tables.append(Table(
        caption="The same calls in process (Django test client, one thread, no HTTP server): the framework's cost",
        headers=["endpoint", "mean ms", "p50", "p95", "req/s per core at this cost"],
        rows=[[label, fmt_ms(inproc[name]["mean"]), fmt_ms(inproc[name]["p50"]), fmt_ms(inproc[name]["p95"]),
               fmt_rate(1000 / inproc[name]["mean"])]
              for name, label in (("me", "GET /api/v1/me"), ("cases", "GET /api/v1/cases?page_size=50"))]
        + [[f"  part of /cases: {label}", fmt_ms(s["mean"]), fmt_ms(s["p50"]), fmt_ms(s["p95"]), "-"]
           for label, s in breakdown.items()]))
    result.notes.extend(notes)
    result.figures = {"server": how, "duration": args.duration, "in_process": inproc, "cases_breakdown": breakdown,
                      "runs": {f"{name}-c{c}": r for (name, c), r in runs.items()},
                      "audit_list_events": lists_after - lists_before, "audit_ok": verified.ok,
                      "failures": failures}
    result.write(args.result)


def _server_problems(path: Path) -> str:
    """Count the errors Django logged (a 5xx logs 'Internal Server Error' and a traceback)."""
    text = path.read_text(errors="replace")
    errors = text.count("Internal Server Error")
    if not errors:
        return ""
    exceptions: dict[str, int] = {}
    for line in text.splitlines():
        head = line.split(":", 1)[0]
        if "." in head and head.split(".")[-1].endswith(("Error", "Exception")) and " " not in head:
            exceptions[line[:160]] = exceptions.get(line[:160], 0) + 1
    top = "; ".join(f"{n}x {e}" for e, n in sorted(exceptions.items(), key=lambda kv: -kv[1])[:3])
    return f"{errors} 'Internal Server Error' entries; most frequent exceptions: {top or 'none parsed'}"


if __name__ == "__main__":
    main()
