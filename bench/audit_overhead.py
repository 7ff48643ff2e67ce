"""Benchmark 1 (worker): the cost of policy and audit on one protected read.

Three ways to read the same case, timed per call on the same random ids, interleaved:
  baseline      Case.objects.select_related("person", "owner_organisation").get(pk=...), every field read
                (the encrypted person fields are decrypted on load, as in the real read)
  policy        case_view_for with audit.record switched off: the case gate's one scoped query
                (policy.CASE.granted), the field scope and filtering, decryption (follows the selector)
  full          alliance.cases.selectors.register.case_view_for (gate + decryption + one audit append)
and, to say where the cost is, audit.record alone (the append of one "view" event).

Then the refusal, which must not tell a case that exists from one that does not (issue 9: they differed by
about 2 ms): the gate on a case of another agency and on an id no case has, both answered "not found" and
audited, interleaved on as many ids.

Then the audit append per page and endpoint, the whole Django request in process (test client, no
network), each timed with the real append and with the append switched off, interleaved on the same ids:
  case page       GET /cases/<id>/                 case list     GET /cases/
  search          POST /cases/search/ (a name)     screenings    GET /screening/ (the recent screenings)
  API list        GET /api/v1/cases?page_size=50   API case      GET /api/v1/cases/<id>
The switch is this benchmark's own: it replaces audit._append (which every audit.record and every
audit.deferred() block ends in) for the "without" runs only. Production code has no such switch.

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


PAGES = (("case page", "GET /cases/<id>/"), ("case list", "GET /cases/"), ("search", "POST /cases/search/"),
         ("screenings", "GET /screening/"), ("API list", "GET /api/v1/cases?page_size=50"),
         ("API case", "GET /api/v1/cases/<id>"))


def screener_with_screenings(organisation_id: int, count: int):
    """A frontline responder of the reader's agency who has stored `count` generated screenings."""
    from alliance.directory.models import Membership, User
    from alliance.directory.selectors import actor_for, live_realm
    from alliance.screening.domain.catalogue import load_catalogues
    from alliance.screening.domain.interview import current_interview
    from alliance.screening.services import screening_submit
    from screening_bench import generate

    load_catalogues()
    user = User.objects.create_user(email="screener@dreamland.test", password=None, display_name="Bench Screener")
    membership = Membership.objects.create(user=user, organisation_id=organisation_id, roles=["frontline_responder"])
    actor = actor_for(user=user, membership=membership, realm=live_realm(), address="127.0.0.1", channel="web")
    for payload in generate(current_interview(), count, seed=5, offline=False):
        screening_submit(actor=actor, payload=payload)
    return user


def per_page(actor, own: list[int], requests: int) -> tuple[dict[str, dict], dict[str, float]]:
    """Each page and endpoint with the audit append and without it; returns the timings and, per page, the
    audit rows one request appends."""
    from django.test import Client

    from alliance.cases.models import Case
    from alliance.core import audit
    from alliance.core.models import AuditEvent
    from alliance.directory.models import User
    from alliance.directory.services import token_issue

    reader = User.objects.get(pk=actor.user_id)
    _token, raw = token_issue(actor=actor, name="bench", days=1)
    web = Client(HTTP_HOST="localhost")
    web.force_login(reader)
    api = Client(HTTP_HOST="localhost", HTTP_AUTHORIZATION=f"Bearer {raw}")
    screens = Client(HTTP_HOST="localhost")
    screens.force_login(screener_with_screenings(actor.organisation_id, 30))
    names = [f"{c.person.given_name} {c.person.family_name}"
             for c in Case.objects.filter(pk__in=own[:200]).select_related("person")]

    def ok(response):
        if response.status_code != 200:
            raise RuntimeError(f"{response.request['PATH_INFO']} answered {response.status_code}")

    calls = {
        "case page": lambda i: ok(web.get(f"/cases/{own[i % len(own)]}/")),
        "case list": lambda i: ok(web.get("/cases/")),
        "search": lambda i: ok(web.post("/cases/search/", {"name": names[i % len(names)]})),
        "screenings": lambda i: ok(screens.get("/screening/")),
        "API list": lambda i: ok(api.get("/api/v1/cases?page_size=50")),
        "API case": lambda i: ok(api.get(f"/api/v1/cases/{own[i % len(own)]}")),
    }
    real_append = audit._append

    def without_append(fn):
        def call(i):
            audit._append = lambda events: None
            try:
                fn(i)
            finally:
                audit._append = real_append
        return call

    rows_per_request: dict[str, float] = {}
    timings: dict[str, dict] = {}
    for name, fn in calls.items():
        before = AuditEvent.objects.count()
        for i in range(5):
            fn(i)  # also the warm-up, and a page that no longer answers 200 fails here
        rows_per_request[name] = (AuditEvent.objects.count() - before) / 5
        samples = interleaved({"with": fn, "without": without_append(fn)}, list(range(requests)), rounds=10)
        timings[name] = {variant: summarise_ns(values) for variant, values in samples.items()}
    return timings, rows_per_request


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", required=True)
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--backend", required=True)
    parser.add_argument("--page-requests", type=int, default=200, help="requests per page and variant")
    args = parser.parse_args()
    worker_setup()

    from django.db import connection

    from alliance.cases.models import Case
    from alliance.cases.selectors import register as selectors
    from alliance.core import audit
    from alliance.core.errors import NotFound
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
            selectors.case_view_for(actor=actor, case_id=case_id)
        finally:
            stubbed["on"] = False

    def full(case_id: int) -> None:
        selectors.case_view_for(actor=actor, case_id=case_id)

    def refused(case_id: int) -> None:
        try:
            selectors.case_get_for(actor=actor, case_id=case_id, action="case.view")
        except NotFound:
            return
        raise RuntimeError("the gate let a stranger in")

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
    others = list(Case.objects.exclude(owner_organisation_id=actor.organisation_id).values_list("pk", flat=True))
    top = Case.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    pairs = [(rng.choice(others), top + 1 + i) for i in range(args.calls)]
    refusals = interleaved({"exists": lambda pair: refused(pair[0]), "missing": lambda pair: refused(pair[1])},
                           pairs, rounds=20)
    refusal = {name: summarise_ns(values) for name, values in refusals.items()}

    label = "SQLite" if args.backend == "sqlite" else "PostgreSQL"
    labels = {
        "baseline": "baseline: select_related get + read fields",
        "policy": "case_view_for with audit.record stubbed out",
        "full": "case_view_for (gate + audit)",
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
        f"Protected read, {label}, {args.cases:,} cases: case_view_for {fmt_ms(stats['full']['mean'])} ms mean / "
        f"{fmt_ms(stats['full']['p95'])} ms p95 vs {fmt_ms(base['mean'])} / {fmt_ms(base['p95'])} ms unprotected "
        f"= {fmt_ratio(full_ratio)} ({verdict} the 1.3x aim); policy alone {fmt_ratio(policy_ratio)}; "
        f"the audit append is {audit_share:.0%} of the protected call "
        f"(audit.record alone {fmt_ms(stats['audit']['mean'])} ms).")
    gap = refusal["exists"]["p50"] - refusal["missing"]["p50"]
    result.tables.append(Table(
        caption=f"{label}: the gate's refusal, another agency's case vs an id no case has, {args.calls:,} each, ms",
        headers=["refused id", "mean", "p50", "p95", "p99"],
        rows=[[name, fmt_ms(r["mean"]), fmt_ms(r["p50"]), fmt_ms(r["p95"]), fmt_ms(r["p99"])]
              for name, r in (("exists (another agency's)", refusal["exists"]), ("missing", refusal["missing"]))]))
    result.summary.append(
        f"Refusal timing, {label}: an existing case of another agency {fmt_ms(refusal['exists']['p50'])} ms p50, "
        f"a missing id {fmt_ms(refusal['missing']['p50'])} ms p50: gap {gap * 1000:+.0f} us "
        f"(mean gap {(refusal['exists']['mean'] - refusal['missing']['mean']) * 1000:+.0f} us).")
    result.notes.append(
        f"{label}: each case_view_for and audit.record call appended one hash-chained audit row "
        f"({appended:,} rows appended while timing). Setup: {args.cases:,} cases via bulk_create in {build_s:.1f} s.")

    audit.record = real_record
    log(f"per page and endpoint: {args.page_requests} requests each, with and without the audit append")
    started = time.perf_counter()
    pages, appended_per = per_page(actor, own, args.page_requests)
    log(f"pages timed in {time.perf_counter() - started:.1f} s")
    page_rows, shares = [], []
    for name, route in PAGES:
        on, off = pages[name]["with"], pages[name]["without"]
        share = (on["mean"] - off["mean"]) / on["mean"] if on["mean"] else float("nan")
        shares.append(f"{name} {fmt_ratio(ratio(on['mean'], off['mean']))}")
        page_rows.append([f"{name}: {route}", f"{appended_per[name]:g}", fmt_ms(on["p50"]), fmt_ms(on["p95"]),
                          fmt_ms(off["p50"]), fmt_ms(off["p95"]), fmt_ratio(ratio(on["mean"], off["mean"])),
                          fmt_ratio(ratio(on["p95"], off["p95"])), f"{share:.0%}"])
    result.tables.append(Table(
        caption=(f"{label}: the whole request in process (test client), {args.page_requests} requests per page "
                 "and variant, interleaved; ms; 'without' switches the audit append off in this benchmark only"),
        headers=["page or endpoint", "audit rows", "p50 with", "p95 with", "p50 without", "p95 without",
                 "mean ratio", "p95 ratio", "audit share"],
        rows=page_rows))
    result.summary.append(f"Audit append per page, {label} (mean with / without): {'; '.join(shares)}.")
    result.figures = {"backend": args.backend, "cases": args.cases, "calls": args.calls, "stats": stats,
                      "refusal": refusal,
                      "full_ratio": full_ratio, "policy_ratio": policy_ratio, "audit_share": audit_share,
                      "pages": pages, "audit_rows_per_request": appended_per}
    result.write(args.result)


if __name__ == "__main__":
    main()
