"""`make bench`: performance figures for Alliance, each next to a baseline measured in the same run.

    .venv/bin/python bench/run.py                 # full run (about 20 minutes on 2 cores)
    .venv/bin/python bench/run.py --quick         # every benchmark whole on tiny data (CI: `make bench-quick`)
    .venv/bin/python bench/run.py --only api      # one of: audit, encryption, api, desk, htcds, screening, idle,
                                                  # runs, trainees, names, febrl, linkage
    .venv/bin/python bench/run.py --markdown out.md   # also write the tables and summary as Markdown
    .venv/bin/python bench/run.py --only api --api-threads 4   # compare a bounded thread count per worker

Every benchmark gets a throw-away ALLIANCE_VAR_DIR (its own keys) and a fresh database (SQLite in the var
dir, or a new PostgreSQL database bench_alliance_<random> at 127.0.0.1:5432, dropped at the end). The data
is generated and fictitious. Nothing asserts on time: the figures are reported, with ratios against a
baseline, for a person to judge. Nothing is installed by this script; a missing tool (wrk, PostgreSQL)
skips only the part that needs it, with a visible message, except with --strict (the default when CI=true),
where a skip fails the run as a skipped test layer does in CI. The exit status is non-zero when any
benchmark failed, so that `--quick` in CI keeps the benchmarks from rotting.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import sys
import time
import traceback

from common import (
    BENCH_DIR,
    Result,
    code_description,
    log,
    machine_description,
    pg_available,
    render_markdown_table,
    render_table,
    run_worker,
    sandbox,
)

BENCHMARKS = ("audit", "encryption", "api", "desk", "htcds", "screening", "idle", "runs", "trainees", "names",
              "febrl", "linkage")
BUSY_LOAD = 1.0  # 1-minute load average above which the machine was not quiet when a benchmark started


class Run:
    def __init__(self, quick: bool, api_threads: int | None = None, strict: bool = False) -> None:
        self.quick = quick
        self.strict = strict
        self.api_threads = api_threads
        self.load: list[str] = []
        self.results: list[Result] = []
        self.skipped: list[str] = []
        self.failed: list[str] = []
        self.pg_ok, self.pg_text = pg_available()
        self.code = code_description()

    def skip(self, message: str) -> None:
        banner = f"{'FAILED (strict: nothing may be skipped)' if self.strict else 'SKIPPED'}: {message}"
        print(f"\n{'!' * len(banner)}\n{banner}\n{'!' * len(banner)}", flush=True)
        (self.failed if self.strict else self.skipped).append(message)

    def show(self, result: Result) -> None:
        self.results.append(result)
        # A worker that finished but could not measure a part (a wrk run that failed) says so here.
        self.failed += [f"{result.name}: {problem}" for problem in result.figures.get("failures", [])]
        print(f"\n=== {result.title} ===", flush=True)
        for table in result.tables:
            print()
            print(render_table(table))
        for note in result.notes:
            print(f"\nnote: {note}")
        sys.stdout.flush()

    # --- 1. audit and policy overhead ------------------------------------------------------------
    def audit(self) -> None:
        cases, calls, pages = (300, 100, 10) if self.quick else (10_000, 3_000, 200)
        for backend in ("sqlite", "postgres"):
            if backend == "postgres" and not self.pg_ok:
                self.skip(f"audit overhead on PostgreSQL: {self.pg_text}")
                continue
            with sandbox(f"audit-{backend}", backend) as box:
                self.show(run_worker("audit_overhead.py", box, ["--backend", backend, "--cases", str(cases),
                                                                "--calls", str(calls), "--page-requests",
                                                                str(pages)]))

    # --- 2. field encryption and blind-index lookups ---------------------------------------------
    def encryption(self) -> None:
        rows, ops, lookups = (10_000, 5_000, 100) if self.quick else (1_000_000, 100_000, 2_000)
        args = ["--ops", str(ops), "--rows", str(rows), "--lookups", str(lookups)]
        if self.pg_ok:
            with sandbox("encryption", "postgres") as box:
                self.show(run_worker("encryption.py", box, args))
        else:
            self.skip(f"blind-index lookups in {rows:,} rows need PostgreSQL: {self.pg_text}")
            with sandbox("encryption", "sqlite") as box:
                self.show(run_worker("encryption.py", box, [*args, "--no-lookups"]))

    # --- 3. the API under load -------------------------------------------------------------------
    def api(self) -> None:
        if not self.pg_ok:
            self.skip(f"API under load runs the production profile on PostgreSQL: {self.pg_text}")
            return
        args = ["--duration", "2" if self.quick else "30"]
        if self.api_threads:
            args += ["--threads", str(self.api_threads)]
        if shutil.which("wrk") is None:
            self.skip("API under load: wrk is not installed (Debian: apt-get install wrk); "
                      "the server is still started and checked once, but no load is applied")
            args.append("--no-wrk")
        with sandbox("api", "postgres", profile="production") as box:
            self.show(run_worker("api_load.py", box, args))


    # --- 4. a case worker's desk at scale ----------------------------------------------------------
    def desk(self) -> None:
        sizes = {"sqlite": 2_000 if self.quick else 100_000, "postgres": 5_000 if self.quick else 1_000_000}
        requests = "20" if self.quick else "300"
        for backend in ("sqlite", "postgres"):
            if backend == "postgres" and not self.pg_ok:
                self.skip(f"case desk at {sizes[backend]:,} cases needs PostgreSQL: {self.pg_text}")
                continue
            with sandbox(f"desk-{backend}", backend) as box:
                self.show(run_worker("case_desk.py", box, ["--backend", backend, "--rows", str(sizes[backend]),
                                                           "--requests", requests]))


    # --- 5. HTCDS import and export ------------------------------------------------------------------
    def htcds(self) -> None:
        rows = "500" if self.quick else "100000"
        for backend in ("sqlite", "postgres"):
            if backend == "postgres" and not self.pg_ok:
                self.skip(f"HTCDS import on PostgreSQL: {self.pg_text}")
                continue
            with sandbox(f"htcds-{backend}", backend) as box:
                self.show(run_worker("htcds_bench.py", box, ["--backend", backend, "--rows", rows]))

    # --- 6. screening at reception: scoring, offline sync, page weight ----------------------------------
    def screening(self) -> None:
        score, submit, sync = ("200", "30", "50") if self.quick else ("20000", "2000", "1000")
        for backend in ("sqlite", "postgres"):
            if backend == "postgres" and not self.pg_ok:
                self.skip(f"screening scoring and offline sync on PostgreSQL: {self.pg_text}")
                continue
            args = ["--backend", backend, "--score", score, "--submit", submit, "--sync", sync]
            if backend == "postgres":
                args.append("--no-pages")  # the pages weigh the same on either database
            with sandbox(f"screening-{backend}", backend) as box:
                self.show(run_worker("screening_bench.py", box, args))

    # --- 7. the production server with hundreds of idle or slow clients ----------------------------
    def idle(self) -> None:
        crowd, requests, limit = ("200", "40", "6") if self.quick else ("500", "6000", "30")
        with sandbox("idle", "sqlite", profile="production") as box:
            self.show(run_worker("idle_clients.py", box, ["--crowd", crowd, "--requests", requests,
                                                         "--limit", limit]))


    # --- 8. an exercise run of team sandboxes: create, tick, purge -------------------------------------
    def runs(self) -> None:
        teams, trainees = ("3", "4") if self.quick else ("10", "25")
        for backend in ("sqlite", "postgres"):
            if backend == "postgres" and not self.pg_ok:
                self.skip(f"exercise runs on PostgreSQL: {self.pg_text}")
                continue
            with sandbox(f"runs-{backend}", backend) as box:
                self.show(run_worker("exercise_runs.py", box, ["--backend", backend, "--teams", teams,
                                                               "--trainees", trainees]))

    # --- 9. an exercise run played by 251 trainees at once on the production server ----------------------
    def trainees(self) -> None:
        # Quick: 2 teams of 3 for a few seconds, the whole path all the same (log-in to referral, releases).
        teams, trainees, duration, ramp, baseline, think = (("2", "6", "8", "1", "5", "0.3") if self.quick
                                                            else ("10", "251", "60", "60", "20", "5"))
        for backend in ("sqlite", "postgres"):
            if backend == "postgres" and not self.pg_ok:
                self.skip(f"trainees at once on PostgreSQL: {self.pg_text}")
                continue
            with sandbox(f"trainees-{backend}", backend, profile="production") as box:
                self.show(run_worker("exercise_load.py", box, [
                    "--backend", backend, "--teams", teams, "--trainees", trainees, "--duration", duration,
                    "--ramp", ramp, "--baseline", baseline, "--think", think]))

    # --- 10. cross-script person matching for investigations, against rapidfuzz and logic-v2 ---------------
    def names(self) -> None:
        pairs = "500" if self.quick else "20000"
        with sandbox("names", "sqlite") as box:  # no database is used; the sandbox keeps the environment alike
            self.show(run_worker("name_matching.py", box, ["--pairs", pairs]))


    # --- 11. record linkage with Splink on FEBRL4: Splink's example configuration against ours -------------
    def febrl(self) -> None:
        with sandbox("febrl", "sqlite") as box:  # no database is used; the sandbox keeps the environment alike
            self.show(run_worker("linkage_febrl.py", box, ["--quick"] if self.quick else []))

    # --- 12. cross-script dedupe of generated person records at scale, Splink on DuckDB -------------------
    def linkage(self) -> None:
        records = "2000" if self.quick else "1000000"
        with sandbox("linkage", "sqlite") as box:
            self.show(run_worker("linkage_dedupe.py", box, ["--records", records]))


def wait_quiet(limit: int) -> None:
    deadline = time.monotonic() + limit
    if limit and os.getloadavg()[0] > BUSY_LOAD:
        log(f"waiting up to {limit} s for the load average ({os.getloadavg()[0]:.1f}) to fall below {BUSY_LOAD}")
    while time.monotonic() < deadline and os.getloadavg()[0] > BUSY_LOAD:
        time.sleep(5)


def summary_block(run: Run, started: dt.datetime, elapsed: float, argv: list[str]) -> list[str]:
    lines = [
        f"Alliance benchmarks, {started:%Y-%m-%d %H:%M} UTC, {'quick' if run.quick else 'full'} run "
        f"({elapsed / 60:.1f} min): {' '.join(argv) or 'bench/run.py'}",
        f"Machine: {machine_description()}; {run.pg_text}",
        f"Code: {run.code}",
        f"Load average (1 min) before -> after each benchmark (its time): {'; '.join(run.load)}",
    ]
    for result in run.results:
        lines += [f"- {line}" for line in result.summary]
    lines += [f"- SKIPPED: {message}" for message in run.skipped]
    lines += [f"- FAILED: {message}" for message in run.failed]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--quick", action="store_true", help="every benchmark whole on tiny data, for smoke-checking")
    parser.add_argument("--strict", action=argparse.BooleanOptionalAction, default=os.environ.get("CI") == "true",
                        help="a skipped part (no PostgreSQL, no wrk) fails the run; default on when CI=true")
    parser.add_argument("--only", action="append", default=[], metavar="NAME",
                        help=f"run only this benchmark ({', '.join(BENCHMARKS)}); repeatable or comma-separated")
    parser.add_argument("--markdown", metavar="PATH", help="also write the tables and the summary as Markdown")
    parser.add_argument("--wait-quiet", type=int, default=0, metavar="SECONDS",
                        help=f"before each benchmark, wait up to this long for the load average to fall below "
                             f"{BUSY_LOAD} (a shared machine)")
    parser.add_argument("--api-threads", type=int, metavar="N",
                        help="blocking threads per server worker for the api benchmark (default: the server's own)")
    args = parser.parse_args()
    chosen = [name.strip() for item in args.only for name in item.split(",") if name.strip()] or list(BENCHMARKS)
    unknown = sorted(set(chosen) - set(BENCHMARKS))
    if unknown:
        parser.error(f"unknown benchmark {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")

    started = dt.datetime.now(dt.UTC)
    clock = time.perf_counter()
    run = Run(quick=args.quick, api_threads=args.api_threads, strict=args.strict)
    print(f"Alliance benchmarks ({'quick' if args.quick else 'full'}): {', '.join(chosen)}")
    print(f"Machine: {machine_description()}")
    print(f"Code: {run.code}")
    print(f"Database: {run.pg_text}; SQLite is used where stated")
    for name in BENCHMARKS:
        if name not in chosen:
            continue
        log(f"--- {name} ---")
        wait_quiet(args.wait_quiet)
        load_before = os.getloadavg()[0]
        began = time.perf_counter()
        try:
            getattr(run, name)()
        except Exception as exc:  # any failure of one benchmark is reported, and the others still run
            traceback.print_exc()
            run.failed.append(f"{name}: {exc}")
            print(f"\nFAILED: benchmark {name} ({exc}); continuing with the others", flush=True)
        load_after = os.getloadavg()[0]
        run.load.append(f"{name} {load_before:.1f} -> {load_after:.1f} ({time.perf_counter() - began:.0f} s)")
        if load_before > BUSY_LOAD:
            print(f"\nWARNING: the 1-minute load average was {load_before:.1f} when {name} started: other work "
                  "competed for the CPUs and the figures are pessimistic; rerun on a quiet machine.", flush=True)
    elapsed = time.perf_counter() - clock

    lines = summary_block(run, started, elapsed, sys.argv[1:])
    print("\n" + "=" * 30 + " summary (paste into a note) " + "=" * 30)
    print("\n".join(lines))
    print("=" * 89)

    results_dir = BENCH_DIR / "results"
    results_dir.mkdir(exist_ok=True)
    stamp = started.strftime("%Y%m%dT%H%M%SZ")
    out = results_dir / f"{stamp}{'-quick' if args.quick else ''}.json"
    out.write_text(json.dumps({"started": started.isoformat(), "quick": args.quick, "elapsed_s": elapsed,
                               "machine": machine_description(), "database": run.pg_text, "code": run.code,
                               "skipped": run.skipped, "failed": run.failed, "summary": lines,
                               "results": [r.to_json() for r in run.results]}, indent=2))
    print(f"Raw figures: {out.relative_to(BENCH_DIR.parent)}")
    if args.markdown:
        parts = ["```text", *lines, "```"]
        for result in run.results:
            parts += ["", f"### {result.title}", ""]
            for table in result.tables:
                parts += [render_markdown_table(table), ""]
            parts += [f"- {note}" for note in result.notes]
        with open(args.markdown, "w") as handle:
            handle.write("\n".join(parts) + "\n")
        print(f"Markdown: {args.markdown}")
    return 1 if run.failed else 0


if __name__ == "__main__":
    sys.exit(main())
