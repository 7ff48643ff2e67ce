"""Benchmark 5 (worker): HTCDS import and export of --rows cases.

  import      cases.services.htcds.htcds_import of a generated CSV (all-or-nothing: every row validated,
              then persons and cases written, encrypted and blind-indexed, in one transaction)
  export      htcds_export of the same cases as CSV and as XLSX (policy, decryption, formula guard, audit)
  junk        htcds_import of --junk-rows rows x 78 columns of junk (every cell invalid: all-or-nothing
              writes nothing), about 19 MB at 50,000 rows, near the 20 MiB request limit
  valid       htcds_import of as many valid rows as fit in the same size (all written)
Baselines measured in the same run: parsing the same CSV with the csv module (the floor for reading it) and
writing the cases' plain columns to CSV with the csv module (the floor for writing them).

Memory of the junk and valid imports is measured in a fresh child process each (`--child`), twice:
  peak RSS     ru_maxrss of the child after the import, minus its RSS just before it (Django loaded, the
               file's bytes already in memory): what the import itself added to the process
  traced peak  tracemalloc's peak of Python allocations during the import (a second child, since tracing
               slows the run; its time is not reported)
Run through bench/run.py, which prepares the database and var dir.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import resource
import subprocess
import sys
import time

from common import Result, Table, fmt_ratio, log, ratio, worker_setup
from htcds_io import generate_junk, generate_rows


def _rss_kib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS:"))


def _make_actor(email: str):
    from alliance.directory.models import Membership, Organisation, User
    from alliance.directory.selectors import actor_for, live_realm

    org = Organisation.objects.create(name=f"Dreamland Agency {email[:12]}", country="XD", sector="ngo")
    user = User.objects.create_user(email=email, password=None, display_name="Importer")
    membership = Membership.objects.create(user=user, organisation=org, roles=["case_worker"])
    return actor_for(user=user, membership=membership, realm=live_realm(), address="127.0.0.1", channel="cli")


def child(kind: str, rows: int, traced: bool) -> None:
    """One import in this fresh process; prints its figures as JSON on stdout."""
    worker_setup()
    import tracemalloc

    from alliance.cases.htcds.mapping import flat_header
    from alliance.cases.services.htcds import htcds_import

    actor = _make_actor(f"{kind}-{'t' if traced else 'r'}-{os.getpid()}@dreamland.test")
    data = generate_junk(rows, flat_header()) if kind == "junk" else generate_rows(rows)
    before_kib = _rss_kib()
    if traced:
        tracemalloc.start()
    t0 = time.perf_counter()
    result = htcds_import(actor=actor, data=data, filename="bench.csv")
    seconds = time.perf_counter() - t0
    traced_peak = tracemalloc.get_traced_memory()[1] if traced else 0
    if traced:
        tracemalloc.stop()
    maxrss_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # before the baseline, which decodes it all
    t0 = time.perf_counter()
    parsed = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"))))
    parse_s = time.perf_counter() - t0
    print(json.dumps({"bytes": len(data), "rows": parsed - 1, "seconds": seconds, "parse_s": parse_s,
                      "before_mib": before_kib / 1024, "maxrss_mib": maxrss_kib / 1024,
                      "added_mib": max(0, maxrss_kib - before_kib) / 1024, "traced_mib": traced_peak / 2**20,
                      "created": result.created, "error_count": result.error_count,
                      "reported": len(result.errors)}))


def run_child(kind: str, rows: int, traced: bool) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", kind, "--rows", str(rows),
                          *(["--traced"] if traced else [])], capture_output=True, text=True, check=False)
    if out.returncode:
        raise RuntimeError(f"child {kind} failed: {out.stderr[-2000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def memory_rows(args) -> tuple[list[list[str]], list[str], dict]:
    """Junk and valid imports near the request limit, each in fresh children (timed, then traced)."""
    # As many valid rows as make about the junk file's size.
    junk_bytes = len(generate_junk(200, [f"c{i}" for i in range(78)])) / 200
    valid_rows = max(10, int(args.junk_rows * junk_bytes / (len(generate_rows(200)) / 200)))
    table, summary, figures = [], [], {}
    for kind, rows in (("junk", args.junk_rows), ("valid", valid_rows)):
        log(f"{kind} import of {rows:,} rows in a child process (timed, then traced)")
        timed = run_child(kind, rows, traced=False)
        traced = run_child(kind, rows, traced=True)
        figures[kind] = {"timed": timed, "traced": traced}
        outcome = (f"{timed['created']:,} created" if kind == "valid"
                   else f"{timed['error_count']:,} errors, {timed['reported']:,} reported")
        table.append([f"{kind}: {timed['rows']:,} rows x {78 if kind == 'junk' else 33} columns, "
                      f"{timed['bytes'] / 2**20:.1f} MiB ({outcome})", f"{timed['seconds']:.1f}",
                      f"{timed['maxrss_mib']:.0f}", f"{timed['added_mib']:.0f}", f"{traced['traced_mib']:.0f}",
                      f"parse only {timed['parse_s']:.2f} s", fmt_ratio(ratio(timed["seconds"], timed["parse_s"]))])
        summary.append(f"HTCDS {kind} import {timed['rows']:,} rows ({timed['bytes'] / 2**20:.1f} MiB): "
                       f"{timed['seconds']:.1f} s, peak RSS {timed['maxrss_mib']:.0f} MiB (+{timed['added_mib']:.0f} "
                       f"MiB by the import), tracemalloc peak {traced['traced_mib']:.0f} MiB (aim < 200 MiB)")
    return table, summary, figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--junk-rows", type=int, help="default: --rows, at most 50,000")
    parser.add_argument("--backend", default="sqlite")
    parser.add_argument("--child", choices=["junk", "valid"])
    parser.add_argument("--traced", action="store_true")
    args = parser.parse_args()
    if args.child:
        child(args.child, args.rows, args.traced)
        return
    if not args.result:
        parser.error("--result is required")
    args.junk_rows = args.junk_rows or min(args.rows, 50_000)
    memory_table, memory_summary, memory_figures = memory_rows(args)
    worker_setup()
    from alliance.cases.models import Case
    from alliance.cases.services.htcds import htcds_export, htcds_import

    actor = _make_actor("importer@dreamland.test")
    org_id = actor.organisation_id

    data = generate_rows(args.rows)
    log(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB of CSV; parsing baseline")
    t0 = time.perf_counter()
    parsed = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"))))
    parse_s = time.perf_counter() - t0
    log("importing")
    t0 = time.perf_counter()
    result = htcds_import(actor=actor, data=data, filename="bench.csv")
    import_s = time.perf_counter() - t0
    created = Case.objects.filter(owner_organisation_id=org_id).count()
    if created != args.rows:
        raise RuntimeError(f"import wrote {created} of {args.rows} rows: {getattr(result, 'errors', '')!r:.300}")
    log("exporting CSV and XLSX")
    timings = {}
    for fmt in ("csv", "xlsx"):
        t0 = time.perf_counter()
        exported = htcds_export(actor=actor, fmt=fmt)
        timings[fmt] = (time.perf_counter() - t0, len(exported.body))
    t0 = time.perf_counter()
    out = io.StringIO()
    writer = csv.writer(out)
    for row in Case.objects.filter(owner_organisation_id=org_id).values_list(
            "number", "pseudonym", "status", "nrm_stage", "created_at").iterator(chunk_size=2000):
        writer.writerow(row)
    write_s = time.perf_counter() - t0

    backend = "PostgreSQL" if args.backend == "postgres" else "SQLite"
    rows = [
        [f"import {args.rows:,} rows (all-or-nothing)", f"{import_s:.1f}", f"{args.rows / import_s:,.0f}",
         f"parse only {parse_s:.2f} s", fmt_ratio(ratio(import_s, parse_s))],
        [f"export {args.rows:,} cases as CSV", f"{timings['csv'][0]:.1f}", f"{args.rows / timings['csv'][0]:,.0f}",
         f"plain columns {write_s:.2f} s", fmt_ratio(ratio(timings["csv"][0], write_s))],
        [f"export {args.rows:,} cases as XLSX", f"{timings['xlsx'][0]:.1f}",
         f"{args.rows / timings['xlsx'][0]:,.0f}", f"plain columns {write_s:.2f} s",
         fmt_ratio(ratio(timings["xlsx"][0], write_s))],
    ]
    title = f"HTCDS import and export, {args.rows:,} rows ({backend})"
    Result(
        name=f"htcds_{args.backend}", title=title,
        tables=[Table(f"wall time; CSV {len(data) / 1e6:.1f} MB in, CSV {timings['csv'][1] / 1e6:.1f} MB and XLSX "
                      f"{timings['xlsx'][1] / 1e6:.1f} MB out; {parsed - 1:,} data rows",
                      ["operation", "seconds", "rows/s", "baseline", "ratio"], rows),
                Table("import near the 20 MiB request limit (all-or-nothing), each in a fresh process: wall time, "
                      "peak RSS (ru_maxrss), what the import added to the RSS it started with, tracemalloc peak "
                      "(a second, traced run)",
                      ["import", "seconds", "peak RSS MiB", "added MiB", "traced MiB", "baseline", "ratio"],
                      memory_table)],
        summary=[f"{title}: import {import_s:.1f} s (aim < 60 s), export CSV {timings['csv'][0]:.1f} s, "
                 f"XLSX {timings['xlsx'][0]:.1f} s", *memory_summary],
        figures={"import_s": import_s, "export": timings, "parse_s": parse_s, "write_s": write_s,
                 "memory": memory_figures},
    ).write(args.result)


if __name__ == "__main__":
    main()
