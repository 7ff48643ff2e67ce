"""Benchmark 2 (worker): field encryption rates, and exact lookups through a blind index.

Rates (operations per second, single thread, ~200-byte values):
  encrypt_text / decrypt_text   our framing ("a1:<key id>:<base64>", key ring, column as associated data)
  baseline                      the library's AESGCM with the same key, cipher object reused, no framing
  blind_index                   normalisation + transliteration + keyed HMAC, against plain HMAC-SHA256

Lookups (PostgreSQL, --rows people generated with real ciphertexts and blind indexes, loaded with COPY):
  the exact name search Person.objects.filter(full_name_index=blind_index(name, kind="name")) for
  existing and missing names, against the same lookup on an indexed plaintext column of a scratch table
  bench_plain of the same size (the normalised name in clear): the ratio shows what the blind index costs
  at query time.

Run through bench/run.py, which prepares the database and var dir.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import multiprocessing
import os
import random
import statistics
import time

from common import Result, Table, fmt_ms, fmt_rate, fmt_ratio, interleaved, log, ratio, summarise_ns, worker_setup

VALUE_200 = ("Dreamland outreach note: met at the bus station in Eastvale, speaks Vesnian and some English, "
             "documents held by the employer; wants to return home; appointment with counsel on Tuesday.")[:200]
CYRILLIC_NAME = "Мирослава Горностаева"
LATIN_NAME = "Miroslava Gornostaeva"

SYLLABLES = ["ka", "lo", "mi", "ren", "sa", "tor", "vel", "yu", "zan", "bri", "da", "fen", "gor", "hal", "ino",
             "jas", "kel", "lum", "mar", "nor", "ossi", "pra", "quen", "ril", "sten", "tam", "ul", "var", "wen",
             "xan", "yor", "zel", "an", "bel", "cor", "dan", "el", "fir", "gan", "hel"]
FOREIGN = ["qox", "vyx", "zuq", "jix", "pyq", "wox"]  # never used in stored names: lookups that must miss
CHUNK = 10_000


# --- Rates ---------------------------------------------------------------------------------------
def _rate(fn, items) -> float:
    started = time.perf_counter()
    for item in items:
        fn(item)
    return len(items) / (time.perf_counter() - started)


def measure_rates(ops: int) -> dict[str, float]:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    from alliance.core.encryption import blind_index, decrypt_text, encrypt_text
    from alliance.core.keyring import load_keyring

    ring = load_keyring()
    field_key = ring.field.key(ring.field.active)
    blind_key = ring.blind.key(ring.blind.active)
    context = "cases.Case.summary"
    aad = context.encode()
    aes = AESGCM(field_key)
    values = [f"{VALUE_200[:190]} #{i:07d}" for i in range(ops)]
    tokens = [encrypt_text(v, context=context) for v in values]
    raw = []
    for v in values:
        nonce = os.urandom(12)
        raw.append((nonce, aes.encrypt(nonce, v.encode(), aad)))
    names = [f"{LATIN_NAME} {i}" for i in range(ops)]
    cyrillic = [f"{CYRILLIC_NAME} {i}" for i in range(ops)]
    hmac_inputs = [f"name:{n.casefold()}".encode() for n in names]

    cases = {
        "aes_encrypt": (lambda v: aes.encrypt(os.urandom(12), v.encode(), aad), values),
        "aes_decrypt": (lambda pair: aes.decrypt(pair[0], pair[1], aad).decode(), raw),
        "aes_encrypt_new": (lambda v: AESGCM(field_key).encrypt(os.urandom(12), v.encode(), aad), values),
        "aes_decrypt_new": (lambda pair: AESGCM(field_key).decrypt(pair[0], pair[1], aad).decode(), raw),
        "encrypt_text": (lambda v: encrypt_text(v, context=context), values),
        "decrypt_text": (lambda t: decrypt_text(t, context=context), tokens),
        "hmac": (lambda m: hmac.new(blind_key, m, hashlib.sha256).hexdigest(), hmac_inputs),
        "blind_index": (lambda n: blind_index(n, kind="name"), names),
        "blind_index_cyrillic": (lambda n: blind_index(n, kind="name"), cyrillic),
    }
    runs: dict[str, list[float]] = {name: [] for name in cases}
    for _rep in range(3):  # three interleaved repetitions; the median is reported
        for name, (fn, items) in cases.items():
            runs[name].append(_rate(fn, items))
    return {name: statistics.median(rates) for name, rates in runs.items()}


# --- Generating people ---------------------------------------------------------------------------
def _name(rng: random.Random, pool: list[str], parts: int) -> str:
    return "".join(rng.choice(pool) for _ in range(parts)).capitalize()


def _chunk(args: tuple[int, int, int, str]) -> tuple[bytes, bytes, list[str], float]:
    """One block of rows as COPY text for cases_person and for bench_plain, plus a few stored names."""
    from alliance.core.encryption import blind_index, encrypt_text, normalise_name

    start, size, realm_id, created_at = args
    rng = random.Random(start)
    person, plain, sample = [], [], []
    t0 = time.perf_counter()
    for i in range(size):
        given = _name(rng, SYLLABLES, 2)
        family = f"{_name(rng, SYLLABLES, 2)}{_name(rng, SYLLABLES, 2).lower()}"
        identity = f"XD{start + i:09d}"
        born = f"{rng.randrange(1950, 2010)}-{rng.randrange(1, 13):02d}-{rng.randrange(1, 29):02d}"
        full = f"{given} {family}"
        person.append("\t".join((
            str(realm_id),
            encrypt_text(given, context="cases.Person.given_name"),
            encrypt_text(family, context="cases.Person.family_name"),
            encrypt_text(identity, context="cases.Person.identity_number"),
            encrypt_text(born, context="cases.Person.birth_date"),
            blind_index(full, kind="name"),
            blind_index(family, kind="name"),
            blind_index(identity, kind="document"),
            created_at,
        )))
        plain.append("\t".join((given, family, identity, born, normalise_name(full))))
        if i % 200 == 0:
            sample.append(full)
    elapsed = time.perf_counter() - t0
    return ("\n".join(person) + "\n").encode(), ("\n".join(plain) + "\n").encode(), sample, elapsed


def generate(rows: int) -> dict:
    from django.db import connection
    from django.utils import timezone

    from alliance.core.keyring import load_keyring
    from alliance.directory.selectors import live_realm

    load_keyring()  # read once before forking, so the children share the cached ring
    realm_id = live_realm().pk
    created_at = timezone.now().isoformat()
    settings_dict = connection.settings_dict
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("""CREATE TABLE bench_plain (id bigserial PRIMARY KEY, given_name text NOT NULL,
            family_name text NOT NULL, identity_number text NOT NULL, birth_date text NOT NULL,
            full_name text NOT NULL)""")
        cursor.execute("CREATE INDEX bench_plain_full_name ON bench_plain (full_name)")
    import psycopg

    plain_conn = psycopg.connect(host=settings_dict["HOST"], port=settings_dict["PORT"] or 5432,
                                 user=settings_dict["USER"], dbname=settings_dict["NAME"])
    person_conn = connection.connection  # the underlying psycopg connection
    jobs = [(start, min(CHUNK, rows - start), realm_id, created_at) for start in range(0, rows, CHUNK)]
    sample: list[str] = []
    compute_s = 0.0
    started = time.perf_counter()
    context = multiprocessing.get_context("fork")
    processes = max(1, min(2, os.cpu_count() or 1))
    done = 0
    with (context.Pool(processes) as pool,
          person_conn.cursor() as pc, plain_conn.cursor() as qc,
          pc.copy("COPY cases_person (realm_id, given_name, family_name, identity_number, birth_date, "
                  "full_name_index, family_name_index, identity_number_index, created_at) FROM STDIN") as pcopy,
          qc.copy("COPY bench_plain (given_name, family_name, identity_number, birth_date, full_name) "
                  "FROM STDIN") as qcopy):
        for person_block, plain_block, names, elapsed in pool.imap(_chunk, jobs):
            pcopy.write(person_block)
            qcopy.write(plain_block)
            sample += names
            compute_s += elapsed
            done += 1
            if done % 20 == 0:
                log(f"  {done * CHUNK:,} / {rows:,} rows")
    person_conn.commit()
    plain_conn.commit()
    load_s = time.perf_counter() - started
    t0 = time.perf_counter()
    plain_conn.autocommit = True
    plain_conn.execute("VACUUM ANALYZE cases_person")
    plain_conn.execute("VACUUM ANALYZE bench_plain")
    analyze_s = time.perf_counter() - t0
    plain_conn.close()
    return {"sample": sample, "load_s": load_s, "compute_s": compute_s, "analyze_s": analyze_s,
            "processes": processes}


def _plan_node(sql: str, params: list) -> str:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = [row[0] for row in cursor.fetchall()]
    return plan[0].split("  (")[0].strip() if plan else "?"


def measure_lookups(sample: list[str], lookups: int) -> dict:
    from django.db import connection

    from alliance.cases.models import Person
    from alliance.core.encryption import blind_index, normalise_name

    rng = random.Random(3)
    existing = [rng.choice(sample) for _ in range(lookups)]
    missing = [f"{_name(rng, FOREIGN, 2)} {_name(rng, FOREIGN, 3)}" for _ in range(lookups)]
    plain_sql = "SELECT id FROM bench_plain WHERE full_name = %s"
    blind_sql = "SELECT id FROM cases_person WHERE full_name_index = %s"

    def run_sql(sql: str, value: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(sql, [value])
            return len(cursor.fetchall())

    # Each item is (name, normalised name, precomputed blind index).
    def prepare(names):
        return [(n, normalise_name(n), blind_index(n, kind="name")) for n in names]

    variants = {
        "plain_sql": lambda item: run_sql(plain_sql, item[1]),
        "blind_sql": lambda item: run_sql(blind_sql, item[2]),
        "orm": lambda item: list(Person.objects.filter(full_name_index=blind_index(item[0], kind="name"))
                                 .values_list("pk", flat=True)),
        "orm_decrypt": lambda item: [(p.given_name, p.family_name, p.identity_number, p.birth_date) for p in
                                     Person.objects.filter(full_name_index=blind_index(item[0], kind="name"))],
    }
    out = {}
    found = {}
    for label, names in (("existing", existing), ("missing", missing)):
        items = prepare(names)
        interleaved(variants, items[: min(200, len(items))], rounds=4)  # warm the caches
        samples = interleaved(variants, items, rounds=10)
        out[label] = {name: summarise_ns(values) for name, values in samples.items()}
        found[label] = sum(run_sql(blind_sql, item[2]) > 0 for item in items)
    plans = {"plain": _plan_node(plain_sql, [normalise_name(existing[0])]),
             "blind": _plan_node(blind_sql, [blind_index(existing[0], kind="name")])}
    with connection.cursor() as cursor:
        cursor.execute("""SELECT
            pg_size_pretty(pg_total_relation_size('cases_person')),
            pg_size_pretty(pg_total_relation_size('bench_plain')),
            (SELECT pg_size_pretty(pg_relation_size(quote_ident(indexname)::regclass)) FROM pg_indexes
             WHERE tablename = 'cases_person' AND indexdef LIKE '%%(full_name_index)'),
            pg_size_pretty(pg_relation_size('bench_plain_full_name'))""")
        sizes = cursor.fetchone()
    return {"stats": out, "found": found, "plans": plans,
            "sizes": {"person_table": sizes[0], "plain_table": sizes[1], "blind_index": sizes[2],
                      "plain_index": sizes[3]}}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", required=True)
    parser.add_argument("--ops", type=int, default=100_000)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=2_000)
    parser.add_argument("--no-lookups", action="store_true")
    args = parser.parse_args()
    worker_setup()

    result = Result(name="encryption", title="Field encryption and blind-index lookups")
    log(f"encryption rates over {args.ops:,} values")
    rates = measure_rates(args.ops)
    rows = [
        ["AESGCM encrypt (library, cipher reused)", fmt_rate(rates["aes_encrypt"]), "-"],
        ["AESGCM(key) built per call + encrypt", fmt_rate(rates["aes_encrypt_new"]),
         fmt_ratio(ratio(rates["aes_encrypt"], rates["aes_encrypt_new"]))],
        ["encrypt_text (framing, key ring)", fmt_rate(rates["encrypt_text"]),
         fmt_ratio(ratio(rates["aes_encrypt"], rates["encrypt_text"]))],
        ["AESGCM decrypt (library, cipher reused)", fmt_rate(rates["aes_decrypt"]), "-"],
        ["AESGCM(key) built per call + decrypt", fmt_rate(rates["aes_decrypt_new"]),
         fmt_ratio(ratio(rates["aes_decrypt"], rates["aes_decrypt_new"]))],
        ["decrypt_text (framing, key ring)", fmt_rate(rates["decrypt_text"]),
         fmt_ratio(ratio(rates["aes_decrypt"], rates["decrypt_text"]))],
        ["HMAC-SHA256 hexdigest (library)", fmt_rate(rates["hmac"]), "-"],
        ["blind_index, Latin name", fmt_rate(rates["blind_index"]),
         fmt_ratio(ratio(rates["hmac"], rates["blind_index"]))],
        ["blind_index, Cyrillic name (transliterated)", fmt_rate(rates["blind_index_cyrillic"]),
         fmt_ratio(ratio(rates["hmac"], rates["blind_index_cyrillic"]))],
    ]
    result.tables.append(Table(
        caption=f"Rates, one thread, {args.ops:,} values of ~200 bytes (names ~25 bytes), median of 3 runs",
        headers=["operation", "ops/s", "cost vs baseline"], rows=rows))
    result.summary.append(
        f"Field encryption: encrypt_text {fmt_rate(rates['encrypt_text'])}/s, decrypt_text "
        f"{fmt_rate(rates['decrypt_text'])}/s per thread (~200-byte values) = "
        f"{fmt_ratio(ratio(rates['aes_encrypt'], rates['encrypt_text']))} / "
        f"{fmt_ratio(ratio(rates['aes_decrypt'], rates['decrypt_text']))} the cost of bare AES-GCM; blind_index "
        f"{fmt_rate(rates['blind_index'])}/s ({fmt_ratio(ratio(rates['hmac'], rates['blind_index']))} a bare HMAC).")
    result.figures["rates"] = rates

    if not args.no_lookups:
        log(f"generating {args.rows:,} people (real ciphertexts and blind indexes) and bench_plain; COPY")
        gen = generate(args.rows)
        log(f"generated and loaded in {gen['load_s']:.1f} s, VACUUM ANALYZE {gen['analyze_s']:.1f} s")
        lookups = measure_lookups(gen["sample"], args.lookups)
        stats = lookups["stats"]
        labels = {
            "plain_sql": "baseline: plaintext column, indexed (SQL)",
            "blind_sql": "blind index column (SQL, key precomputed)",
            "orm": "Person.objects.filter(full_name_index=blind_index(...))",
            "orm_decrypt": "same, loading and decrypting the Person rows",
        }
        table_rows = []
        for label in ("existing", "missing"):
            base = stats[label]["plain_sql"]
            for name in ("plain_sql", "blind_sql", "orm", "orm_decrypt"):
                s = stats[label][name]
                table_rows.append([f"{label}: {labels[name]}", fmt_ms(s["p50"]), fmt_ms(s["p95"]), fmt_ms(s["mean"]),
                                   "-" if name == "plain_sql" else fmt_ratio(ratio(s["p50"], base["p50"])),
                                   "-" if name == "plain_sql" else fmt_ratio(ratio(s["p95"], base["p95"]))])
        result.tables.append(Table(
            caption=f"Exact name lookup, PostgreSQL, {args.rows:,} people, {args.lookups:,} lookups per row, ms",
            headers=["lookup", "p50", "p95", "mean", "p50 ratio", "p95 ratio"], rows=table_rows))
        sizes = lookups["sizes"]
        result.tables.append(Table(
            caption=f"Generating {args.rows:,} people",
            headers=["step", "seconds"],
            rows=[
                [f"encrypt 4 fields + 3 blind indexes per row (summed over {gen['processes']} worker processes)",
                 f"{gen['compute_s']:.1f}"],
                ["generate and COPY into cases_person and bench_plain (wall)", f"{gen['load_s']:.1f}"],
                ["VACUUM ANALYZE both tables", f"{gen['analyze_s']:.1f}"],
            ]))
        ex, mi = stats["existing"], stats["missing"]
        result.notes.append(
            f"Plans: plaintext lookup uses '{lookups['plans']['plain']}', blind index '{lookups['plans']['blind']}'. "
            f"Sizes: cases_person {sizes['person_table']} (full_name_index index {sizes['blind_index']}), "
            f"bench_plain {sizes['plain_table']} (name index {sizes['plain_index']}). "
            f"{lookups['found']['existing']:,}/{args.lookups:,} existing names found, "
            f"{lookups['found']['missing']:,}/{args.lookups:,} missing names found.")
        result.summary.append(
            f"Blind-index lookup in {args.rows:,} people (PostgreSQL): existing name "
            f"{fmt_ms(ex['orm']['p50'])} ms p50 / {fmt_ms(ex['orm']['p95'])} ms p95 through the ORM, "
            f"{fmt_ms(ex['blind_sql']['p50'])} ms p50 in SQL vs {fmt_ms(ex['plain_sql']['p50'])} ms on an indexed "
            f"plaintext column ({fmt_ratio(ratio(ex['blind_sql']['p50'], ex['plain_sql']['p50']))}); missing name "
            f"{fmt_ms(mi['orm']['p50'])} ms p50 ORM, SQL "
            f"{fmt_ratio(ratio(mi['blind_sql']['p50'], mi['plain_sql']['p50']))} plaintext. "
            f"Generating and loading {args.rows:,} rows took {gen['load_s']:.0f} s.")
        result.figures["lookups"] = lookups
        result.figures["generation"] = {k: v for k, v in gen.items() if k != "sample"}
    result.write(args.result)


if __name__ == "__main__":
    main()
