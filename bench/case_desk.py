"""Benchmark 4 (worker): a case worker's desk at scale: search by name, the "my cases" list, the case page.

Generates --rows fictitious persons, each with a case (real ciphertexts and blind indexes), spread over
--agencies organisations; a few per cent are shared with the reader's organisation. Then times, per
request, in-process through the whole Django stack (middleware, policy, audit, templates; no network):
  search      POST /cases/search/ with a stored full name (exact blind-index search)
  my cases    GET /cases/?box=mine (first page of 50 of the reader organisation's cases, with its count)
  all cases   GET /cases/ (everything the reader may see: own or shared)
  case page   GET /cases/<id>/ of one of the reader's cases (it opens on the overview tab: the fields and the
              person's details, all that tab reads and renders)
  whole case  GET /cases/<id>/?tab=all (every tab's sections on one page)
Each is set beside a baseline measured in the same run: the same rows read with the bare ORM (no policy,
no audit, no template). Run through bench/run.py, which prepares the database and var dir.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import random
import time

from common import Result, Table, fmt_ms, fmt_ratio, interleaved, log, ratio, summarise_ns, worker_setup

SYLLABLES = ["ka", "ri", "mo", "sa", "len", "dor", "vi", "na", "tor", "el", "an", "ul", "bri", "ges", "ho", "ja",
             "ne", "pa", "ru", "sto", "ve", "za", "mi", "lo", "fe", "ta", "go", "di", "ber", "shan"]
STAGES = ["detected", "presumed", "reflection", "identified", "assistance", "inclusion", "proceedings", "closed"]
CHUNK = 10_000
SHARE_EVERY = 40  # one case in forty is shared with the reader's organisation
SPREAD_S = 3 * 365 * 86400


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(parts)).capitalize()


def _chunk(args):
    """Rows for cases_person and cases_case (ids given), plus a sample of stored names."""
    from alliance.core.encryption import blind_index, encrypt_text

    start, size, realm_id, org_ids, created_at, year, total = args
    rng = random.Random(start)
    people, cases, sample = [], [], []
    for i in range(size):
        pid = start + i + 1
        # Opened over three years, in id order, as a real register grows.
        opened = (created_at - dt.timedelta(seconds=(SPREAD_S * (total - pid)) // total)).isoformat()
        given, family = _name(rng, 2), f"{_name(rng, 2)}{_name(rng, 2).lower()}"
        identity = f"XD{pid:09d}"
        born = f"{rng.randrange(1950, 2010)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        people.append((pid, realm_id, encrypt_text(given, context="cases.Person.given_name"),
                       encrypt_text(family, context="cases.Person.family_name"),
                       encrypt_text(identity, context="cases.Person.identity_number"),
                       encrypt_text(born, context="cases.Person.birth_date"),
                       blind_index(f"{given} {family}", kind="name"), blind_index(family, kind="name"),
                       blind_index(identity, kind="document"), opened))
        stage = rng.choice(STAGES)
        cases.append((pid, realm_id, f"C{year}-{pid:07d}", f"Person {pid:07d}", pid, org_ids[pid % len(org_ids)],
                      "closed" if stage == "closed" else "active",
                      encrypt_text("Fictitious Dreamland case for benchmarking.", context="cases.Case.summary"),
                      opened, "XD", stage, "", "possible", False, False, "", "intake"))
        if i % 500 == 0:
            sample.append(f"{given} {family}")
    return people, cases, sample


PERSON_COLUMNS = ("id", "realm_id", "given_name", "family_name", "identity_number", "birth_date",
                  "full_name_index", "family_name_index", "identity_number_index", "created_at")
CASE_COLUMNS = ("id", "realm_id", "number", "pseudonym", "person_id", "owner_organisation_id", "status", "summary",
                "created_at", "country", "nrm_stage", "stage_before_closure", "trafficking_status", "is_child",
                "legal_hold", "legal_hold_reason", "source")


# Fixed statements built from the column tuples above (no input reaches them).
INSERT_PERSON = (f"INSERT INTO cases_person ({', '.join(PERSON_COLUMNS)}) "  # noqa: S608
                 f"VALUES ({', '.join(['%s'] * len(PERSON_COLUMNS))})")
INSERT_CASE = (f"INSERT INTO cases_case ({', '.join(CASE_COLUMNS)}) "  # noqa: S608
               f"VALUES ({', '.join(['%s'] * len(CASE_COLUMNS))})")
SETVAL = {t: f"SELECT setval(pg_get_serial_sequence('{t}', 'id'), (SELECT max(id) FROM {t}))"  # noqa: S608
          for t in ("cases_person", "cases_case")}


def _copy_text(rows) -> bytes:
    def cell(value):
        if value is None:
            return r"\N"
        if isinstance(value, bool):
            return "t" if value else "f"
        return str(value)
    return ("\n".join("\t".join(cell(v) for v in row) for row in rows) + "\n").encode()


def generate(rows: int, agencies: int):
    from django.db import connection, transaction
    from django.utils import timezone

    from alliance.core.keyring import load_keyring
    from alliance.directory.models import Organisation
    from alliance.directory.selectors import live_realm

    load_keyring()  # before forking, so the children share the cached ring
    realm_id = live_realm().pk
    orgs = [Organisation.objects.create(name=f"Dreamland Agency {i}", country="XD", sector="ngo").pk
            for i in range(agencies)]
    created_at = timezone.now()
    jobs = [(s, min(CHUNK, rows - s), realm_id, orgs, created_at, created_at.year, rows)
            for s in range(0, rows, CHUNK)]
    sample: list[str] = []
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    connection.close()  # the children must not share the parent's socket
    postgres = connection.vendor == "postgresql"
    with context.Pool(max(1, min(2, os.cpu_count() or 1))) as pool:
        connection.ensure_connection()
        raw = connection.connection
        for done, (people, cases, names) in enumerate(pool.imap(_chunk, jobs), start=1):
            sample += names
            if postgres:
                with raw.cursor() as cursor:
                    with cursor.copy(f"COPY cases_person ({', '.join(PERSON_COLUMNS)}) FROM STDIN") as copy:
                        copy.write(_copy_text(people))
                    with cursor.copy(f"COPY cases_case ({', '.join(CASE_COLUMNS)}) FROM STDIN") as copy:
                        copy.write(_copy_text(cases))
            else:
                with transaction.atomic(), connection.cursor() as cursor:
                    cursor.executemany(INSERT_PERSON, people)
                    cursor.executemany(INSERT_CASE, cases)
            if done % 20 == 0:
                log(f"  {done * CHUNK:,} / {rows:,} cases")
    with connection.cursor() as cursor:
        # Shares with the reader's organisation (the first agency), as a desk would have.
        cursor.execute(
            "INSERT INTO cases_caseshare (case_id, organisation_id, scope, purpose, granted_at, legal_basis, kind, "
            "status) SELECT id, %s, 'limited', 'bench', %s, 'bench', 'share', 'accepted' FROM cases_case "
            "WHERE owner_organisation_id <> %s AND id %% %s = 0",
            [orgs[0], created_at.isoformat(), orgs[0], SHARE_EVERY])
        if postgres:
            for table in ("cases_person", "cases_case"):
                cursor.execute(SETVAL[table])
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"sample": sample, "load_s": time.perf_counter() - started, "reader_org": orgs[0]}


def reader(org_id: int):
    from alliance.directory.models import Membership, User

    user = User.objects.create_user(email="reader@dreamland.test", password=None, display_name="Bench Reader")
    Membership.objects.create(user=user, organisation_id=org_id, roles=["case_worker"])
    return user


def measure(gen: dict, requests: int) -> tuple[dict, dict]:
    from django.test import Client

    from alliance.cases.models import Case
    from alliance.core.encryption import blind_index_candidates

    user = reader(gen["reader_org"])
    client = Client(HTTP_HOST="localhost")
    client.force_login(user)
    rng = random.Random(7)
    names = rng.sample(gen["sample"], min(requests, len(gen["sample"])))
    own_ids = list(Case.objects.filter(owner_organisation_id=gen["reader_org"]).values_list("id", flat=True)[:20_000])
    case_ids = rng.sample(own_ids, min(requests, len(own_ids)))
    pages = list(range(requests))

    def page_ok(response):
        assert response.status_code == 200, response.status_code

    def search(name):
        page_ok(client.post("/cases/search/", {"name": name}))

    def search_base(name):
        keys = blind_index_candidates(name, kind="name")
        list(Case.objects.filter(person__full_name_index__in=keys).values_list("id", "number", "pseudonym")[:100])

    def mine(_i):
        page_ok(client.get("/cases/?box=mine"))

    def everything(_i):
        page_ok(client.get("/cases/"))

    def mine_base(_i):
        qs = Case.objects.filter(owner_organisation_id=gen["reader_org"]).order_by("-created_at", "-id")
        qs.count()
        list(qs.values_list("id", "number", "pseudonym", "status", "created_at")[:50])

    def case_page(case_id):
        page_ok(client.get(f"/cases/{case_id}/"))

    def whole_case(case_id):
        page_ok(client.get(f"/cases/{case_id}/?tab=all"))

    def case_base(case_id):
        case = Case.objects.select_related("person", "owner_organisation").get(pk=case_id)
        return case.person.given_name, case.person.family_name, case.summary

    timings = {}
    timings.update(interleaved({"search": search, "search_base": search_base}, names, rounds=10))
    timings.update(interleaved({"mine": mine, "all": everything, "mine_base": mine_base}, pages, rounds=10))
    timings.update(interleaved({"case": case_page, "whole_case": whole_case, "case_base": case_base}, case_ids,
                               rounds=10))
    counts = {"own": len(own_ids), "shared": Case.objects.count() // SHARE_EVERY}
    return {name: summarise_ns(samples) for name, samples in timings.items()}, counts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", required=True)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--agencies", type=int, default=50)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--backend", default="postgres")
    args = parser.parse_args()
    worker_setup()
    log(f"generating {args.rows:,} fictitious persons with cases over {args.agencies} agencies")
    gen = generate(args.rows, args.agencies)
    log(f"loaded in {gen['load_s']:.1f} s; timing {args.requests} requests of each kind")
    stats, counts = measure(gen, args.requests)
    rows = []
    for label, name, base in (("search by name (POST /cases/search/)", "search", "search_base"),
                              ("my cases, page 1 (GET /cases/?box=mine)", "mine", "mine_base"),
                              ("all I may see, page 1 (GET /cases/)", "all", "mine_base"),
                              ("case page, overview tab (GET /cases/<id>/)", "case", "case_base"),
                              ("whole case (GET /cases/<id>/?tab=all)", "whole_case", "case_base")):
        s, b = stats[name], stats[base]
        rows.append([label, fmt_ms(s["p50"]), fmt_ms(s["p95"]), fmt_ms(s["p99"]), fmt_ms(b["p95"]),
                     fmt_ratio(ratio(s["p95"], b["p95"]))])
    backend = "PostgreSQL" if args.backend == "postgres" else "SQLite"
    title = f"Case desk at {args.rows:,} cases ({backend})"
    result = Result(
        name=f"case_desk_{args.backend}", title=title,
        tables=[Table(f"server time per request in ms, in-process, {args.requests} requests each; the reader's "
                      f"organisation owns {counts['own']:,} cases and sees about {counts['shared']:,} shared",
                      ["request", "p50", "p95", "p99", "bare ORM p95", "p95 ratio"], rows)],
        summary=[f"{title}: p95 search {fmt_ms(stats['search']['p95'])} ms, my cases "
                 f"{fmt_ms(stats['mine']['p95'])} ms, all cases {fmt_ms(stats['all']['p95'])} ms, case page "
                 f"{fmt_ms(stats['case']['p95'])} ms, the whole case {fmt_ms(stats['whole_case']['p95'])} ms "
                 f"(aim < 50 ms at 1,000,000 on PostgreSQL); "
                 f"generated and loaded in {gen['load_s']:.0f} s"],
        notes=["Times are the whole Django request in-process (middleware, policy, audit append, template), "
               "not network; the bare-ORM baseline reads the same rows with no policy, audit or template."],
        figures={"stats": stats, "load_s": gen["load_s"], "rows": args.rows},
    )
    result.write(args.result)


if __name__ == "__main__":
    main()
