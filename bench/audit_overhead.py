"""Benchmark 1 (worker): the cost of policy and audit on one protected read.

Three ways to read the same case, timed per call on the same random ids, interleaved:
  baseline      Case.objects.select_related("person", "owner_organisation").get(pk=...), every field read
                (the encrypted person fields are decrypted on load, as in the real read)
  policy        case_get_for with audit.record switched off: realm-bound query, policy.CASE.relation,
                the field scope and the field filtering, decryption (follows the selector as it changes)
  full          alliance.cases.selectors.register.case_get_for (policy + decryption + one audit append)
and, to say where the cost is, audit.record alone (the append of one "view" event).

Run through bench/run.py, which prepares the database and var dir.
"""

from __future__ import annotations

import argparse
import random
import time

from common import (
    Result,
    Table,
    fmt_ms,
    fmt_ratio,
    interleaved,
    log,
    ratio,
    summarise_ns,
    worker_setup,
)

GIVEN = ["Amara", "Bako", "Cyra", "Doran", "Elin", "Faro", "Gesa", "Hollis", "Ilya", "Joren", "Kaia", "Lumo",
         "Mira", "Nilo", "Orsa", "Pell", "Quin", "Rasa", "Soren", "Tavi", "Ulla", "Vesna", "Wren", "Yara", "Zeno"]
FAMILY = ["Abendroth", "Brightwater", "Calloway", "Dunmore", "Eastvale", "Fairweather", "Glimmer", "Hollowell",
          "Ironwood", "Juniper", "Kestrel", "Larkspur", "Moonfield", "Northcott", "Oakhart", "Pinecrest",
          "Quillon", "Ravensmoor", "Starling", "Thistle", "Underhill", "Vantreese", "Whitlock", "Yarrow"]
SUMMARY = ("Fictitious Dreamland case for benchmarking. Referred by an outreach team after a labour inspection "
           "at a seasonal farm; accommodation arranged; interview pending with an interpreter present.")


def build(n_cases: int, seed: int):
    """Four agencies in the live realm; the cases spread over them; the reader works for the first."""
    from alliance.cases.models import Case, Person
    from alliance.directory.models import Membership, Organisation, User
    from alliance.directory.selectors import actor_for, live_realm

    rng = random.Random(seed)
    realm = live_realm()
    orgs = [Organisation.objects.create(name=f"Dreamland Agency {i}", country="XD", sector="ngo") for i in range(4)]
    user = User.objects.create_user(email="reader@dreamland.test", password=None, display_name="Bench Reader")
    membership = Membership.objects.create(user=user, organisation=orgs[0], roles=["case_worker"])
    actor = actor_for(user=user, membership=membership, realm=realm, address="127.0.0.1", channel="web")

    year = time.gmtime().tm_year
    batch = 1000
    for start in range(0, n_cases, batch):
        size = min(batch, n_cases - start)
        people = [
            Person(realm=realm, given_name=rng.choice(GIVEN), family_name=f"{rng.choice(FAMILY)}-{start + i}",
                   identity_number=f"XD{rng.randrange(10**8):08d}",
                   birth_date=f"{rng.randrange(1960, 2008)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}")
            for i in range(size)
        ]
        Person.objects.bulk_create(people)  # BlindIndexField.pre_save fills the indexes; values are encrypted
        cases = [
            Case(realm=realm, number=f"C{year}-{start + i + 1:06d}", pseudonym=f"Person {start + i + 1:04d}",
                 person=person, owner_organisation=orgs[(start + i) % len(orgs)], summary=SUMMARY,
                 created_by=user)
            for i, person in enumerate(people)
        ]
        Case.objects.bulk_create(cases)
    own = list(Case.objects.filter(owner_organisation=orgs[0]).values_list("pk", flat=True))
    return actor, own


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", required=True)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--backend", required=True)
    args = parser.parse_args()
    worker_setup()

    from django.db import connection

    from alliance.cases.models import Case
    from alliance.cases.selectors import register as selectors
    from alliance.core import audit
    from alliance.core.models import AuditEvent

    started = time.perf_counter()
    actor, own = build(args.cases, seed=1)
    build_s = time.perf_counter() - started
    log(f"{args.cases:,} cases (encrypted people, blind indexes) in {build_s:.1f} s; "
        f"{len(own):,} owned by the reader's agency")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")

    def baseline(case_id: int) -> None:
        case = Case.objects.select_related("person", "owner_organisation").get(pk=case_id)
        person = case.person
        _ = (case.pk, case.number, case.status, case.pseudonym, case.owner_organisation.name, case.created_at,
             case.summary, person.given_name, person.family_name, person.identity_number, person.birth_date)

    # "policy" is case_get_for itself with audit.record switched off, so it follows the selector as it
    # changes; "audit" calls the real audit.record directly.
    real_record = audit.record
    stubbed = {"on": False}

    def record_unless_stubbed(**kwargs):
        return None if stubbed["on"] else real_record(**kwargs)

    audit.record = record_unless_stubbed

    def policy_only(case_id: int) -> None:
        stubbed["on"] = True
        try:
            selectors.case_get_for(actor=actor, case_id=case_id)
        finally:
            stubbed["on"] = False

    def full(case_id: int) -> None:
        selectors.case_get_for(actor=actor, case_id=case_id)

    def audit_only(case_id: int) -> None:
        real_record(actor=actor, action="view", object_type="case", object_id=case_id,
                     fields=selectors.ALL_FIELDS)

    variants = {"baseline": baseline, "policy": policy_only, "full": full, "audit": audit_only}
    rng = random.Random(2)
    warm = [rng.choice(own) for _ in range(min(200, args.calls))]
    interleaved(variants, warm, rounds=4)
    ids = [rng.choice(own) for _ in range(args.calls)]
    audit_before = AuditEvent.objects.count()
    started = time.perf_counter()
    samples = interleaved(variants, ids, rounds=20)
    log(f"{args.calls:,} calls per variant in {time.perf_counter() - started:.1f} s")
    appended = AuditEvent.objects.count() - audit_before
    stats = {name: summarise_ns(values) for name, values in samples.items()}
    base = stats["baseline"]

    label = "SQLite" if args.backend == "sqlite" else "PostgreSQL"
    labels = {
        "baseline": "baseline: select_related get + read fields",
        "policy": "case_get_for with audit.record stubbed out",
        "full": "case_get_for (policy + audit)",
        "audit": "audit.record alone (one append)",
    }
    rows = []
    for name in ("baseline", "policy", "full", "audit"):
        s = stats[name]
        rows.append([labels[name], fmt_ms(s["mean"]), fmt_ms(s["p50"]), fmt_ms(s["p95"]), fmt_ms(s["p99"]),
                     "-" if name in ("baseline", "audit") else fmt_ratio(ratio(s["mean"], base["mean"])),
                     "-" if name in ("baseline", "audit") else fmt_ratio(ratio(s["p95"], base["p95"]))])
    full_ratio = ratio(stats["full"]["mean"], base["mean"])
    policy_ratio = ratio(stats["policy"]["mean"], base["mean"])
    audit_share = (stats["full"]["mean"] - stats["policy"]["mean"]) / stats["full"]["mean"]
    verdict = "within" if full_ratio <= 1.3 else "above"
    result = Result(name=f"audit-{args.backend}", title=f"Audit and policy overhead on one case read ({label})")
    result.tables.append(Table(
        caption=f"{label}: {args.cases:,} cases, {args.calls:,} calls per variant, per-call ms",
        headers=["variant", "mean", "p50", "p95", "p99", "mean ratio", "p95 ratio"], rows=rows))
    result.summary.append(
        f"Protected read, {label}, {args.cases:,} cases: case_get_for {fmt_ms(stats['full']['mean'])} ms mean / "
        f"{fmt_ms(stats['full']['p95'])} ms p95 vs {fmt_ms(base['mean'])} / {fmt_ms(base['p95'])} ms unprotected "
        f"= {fmt_ratio(full_ratio)} ({verdict} the 1.3x aim); policy alone {fmt_ratio(policy_ratio)}; "
        f"the audit append is {audit_share:.0%} of the protected call "
        f"(audit.record alone {fmt_ms(stats['audit']['mean'])} ms).")
    result.notes.append(
        f"{label}: each case_get_for and audit.record call appended one hash-chained audit row "
        f"({appended:,} rows appended while timing). Setup: {args.cases:,} cases via bulk_create in {build_s:.1f} s.")
    result.figures = {"backend": args.backend, "cases": args.cases, "calls": args.calls, "stats": stats,
                      "full_ratio": full_ratio, "policy_ratio": policy_ratio, "audit_share": audit_share}
    result.write(args.result)


if __name__ == "__main__":
    main()
