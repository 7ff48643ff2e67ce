"""Benchmark 5 (worker): HTCDS import and export of --rows cases.

  import      cases.services.htcds.htcds_import of a generated CSV (all-or-nothing: every row validated,
              then persons and cases written, encrypted and blind-indexed, in one transaction)
  export      htcds_export of the same cases as CSV and as XLSX (policy, decryption, formula guard, audit)
Baselines measured in the same run: parsing the same CSV with the csv module (the floor for reading it) and
writing the cases' plain columns to CSV with the csv module (the floor for writing them).
Run through bench/run.py, which prepares the database and var dir.
"""

from __future__ import annotations

import argparse
import csv
import io
import time

from common import Result, Table, fmt_ratio, log, ratio, worker_setup
from htcds_io import generate_rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", required=True)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--backend", default="sqlite")
    args = parser.parse_args()
    worker_setup()
    from alliance.cases.models import Case
    from alliance.cases.services.htcds import htcds_export, htcds_import
    from alliance.directory.models import Membership, Organisation, User
    from alliance.directory.selectors import actor_for, live_realm

    org = Organisation.objects.create(name="Dreamland Importing Agency", country="XD", sector="ngo")
    user = User.objects.create_user(email="importer@dreamland.test", password=None, display_name="Importer")
    membership = Membership.objects.create(user=user, organisation=org, roles=["case_worker"])
    actor = actor_for(user=user, membership=membership, realm=live_realm(), address="127.0.0.1", channel="cli")

    data = generate_rows(args.rows)
    log(f"{args.rows:,} rows, {len(data) / 1e6:.1f} MB of CSV; parsing baseline")
    t0 = time.perf_counter()
    parsed = sum(1 for _ in csv.reader(io.StringIO(data.decode("utf-8"))))
    parse_s = time.perf_counter() - t0
    log("importing")
    t0 = time.perf_counter()
    result = htcds_import(actor=actor, data=data, filename="bench.csv")
    import_s = time.perf_counter() - t0
    created = Case.objects.filter(owner_organisation=org).count()
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
    for row in Case.objects.filter(owner_organisation=org).values_list("number", "pseudonym", "status", "nrm_stage",
                                                                       "created_at").iterator(chunk_size=2000):
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
                      ["operation", "seconds", "rows/s", "baseline", "ratio"], rows)],
        summary=[f"{title}: import {import_s:.1f} s (aim < 60 s), export CSV {timings['csv'][0]:.1f} s, "
                 f"XLSX {timings['xlsx'][0]:.1f} s"],
        figures={"import_s": import_s, "export": timings, "parse_s": parse_s, "write_s": write_s},
    ).write(args.result)


if __name__ == "__main__":
    main()
