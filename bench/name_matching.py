"""Benchmark 10 (worker): the investigations person matcher on generated cross-script pairs, against baselines.

Pairs from bench/investigations_data.py (seed 1; the matcher's weights were measured on seed 7): about half
one person as two agencies wrote them (Cyrillic or Arabic through different transliteration schemes,
patronymics dropped, order reversed, typos), half HARD non-matches (same surname, same given name,
similar-looking names, siblings born a few years apart). Each record carries a birth date ~70% of the time
and a country ~60% of the time.

  ours            alliance.investigations.domain.matching.score_pair (name, birth date, country)
  rapidfuzz       fuzz.token_sort_ratio on anyascii'd names (names only: the plain fuzzy baseline)
  logic-v2        nomenklatura's LogicV2 on two FtM Person entities with name, birthDate and country

For each: the best F1 over all thresholds, its precision and recall and threshold, and pairs per second
(one thread; ours twice: cold, every name seen for the first time, and warm, its per-name cache filled, as
when one record is scored against many candidates). Nothing asserts: the figures are for a person to judge.

Run through bench/run.py.
"""

from __future__ import annotations

import argparse
import time

from common import Result, Table, fmt_rate, fmt_ratio, log, ratio
from investigations_data import person_pairs


def best_f1(scores: list[float], labels: list[bool]) -> dict[str, float]:
    """The threshold that maximises F1, scanning every distinct score from the top."""
    ranked = sorted(zip(scores, labels, strict=True), key=lambda item: -item[0])
    positives = sum(labels)
    best = {"f1": 0.0, "precision": 0.0, "recall": 0.0, "threshold": 1.0}
    tp = fp = 0
    for i, (score, label) in enumerate(ranked):
        tp += label
        fp += not label
        if i + 1 < len(ranked) and ranked[i + 1][0] == score:
            continue  # ties are one threshold
        precision, recall = tp / (tp + fp), tp / positives if positives else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        if f1 > best["f1"]:
            best = {"f1": f1, "precision": precision, "recall": recall, "threshold": score}
    return best


def _timed(fn, pairs) -> tuple[list[float], float]:
    started = time.perf_counter()
    scores = [fn(a, b) for _, a, b, _ in pairs]
    return scores, len(pairs) / (time.perf_counter() - started)


def ours(pairs) -> dict:
    from alliance.investigations.domain import matching, names, transliteration

    for cached in (transliteration.latin_forms, transliteration._word_in, names._parsed, names.name_parts,
                   names.spelling_key, names.part_similarity):
        cached.cache_clear()
    scores, cold = _timed(lambda a, b: matching.score_pair(a, b).score, pairs)
    _, warm = _timed(lambda a, b: matching.score_pair(a, b).score, pairs)
    return {"scores": scores, "rate": cold, "warm_rate": warm}


def rapidfuzz_baseline(pairs) -> dict:
    from anyascii import anyascii
    from rapidfuzz import fuzz

    scores, rate = _timed(lambda a, b: fuzz.token_sort_ratio(anyascii(a.name).lower(), anyascii(b.name).lower())
                          / 100.0, pairs)
    return {"scores": scores, "rate": rate}


def logic_v2(pairs) -> dict:
    from followthemoney import model
    from nomenklatura.matching import LogicV2

    config = LogicV2.default_config()

    def entity(key: str, record):
        person = model.make_entity("Person")
        person.id = key
        person.add("name", record.name)
        if record.birth_date:
            person.add("birthDate", record.birth_date)
        if record.country:
            person.add("country", record.country.lower())
        return person

    # Building the entities is part of what a caller pays, so it is inside the timing.
    scores, rate = _timed(lambda a, b: LogicV2.compare(entity("a", a), entity("b", b), config).score, pairs)
    return {"scores": scores, "rate": rate}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", required=True)
    parser.add_argument("--pairs", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()

    result = Result(name="names", title="Cross-script person matching (investigations)")
    log(f"generating {args.pairs:,} person pairs (seed {args.seed})")
    pairs = person_pairs(args.pairs, args.seed)
    labels = [is_match for *_, is_match in pairs]
    runs = {}
    for label, fn in (("ours", ours), ("rapidfuzz", rapidfuzz_baseline), ("logic-v2", logic_v2)):
        log(f"scoring with {label}")
        runs[label] = fn(pairs)
        runs[label]["best"] = best_f1(runs[label]["scores"], labels)
    titles = {"ours": "ours: score_pair (name + birth date + country)",
              "rapidfuzz": "rapidfuzz token_sort_ratio on anyascii (names only)",
              "logic-v2": "nomenklatura logic-v2 (name + birthDate + country)"}
    rows = []
    for label, run in runs.items():
        best = run["best"]
        rows.append([titles[label], f"{best['f1']:.3f}", f"{best['precision']:.3f}", f"{best['recall']:.3f}",
                     f"{best['threshold']:.3f}", fmt_rate(run["rate"]),
                     "-" if label == "ours" else fmt_ratio(ratio(runs["ours"]["rate"], run["rate"]))])
    rows.append(["ours, per-name cache warm", "", "", "", "", fmt_rate(runs["ours"]["warm_rate"]), ""])
    result.tables.append(Table(
        caption=f"{args.pairs:,} generated pairs ({sum(labels):,} true matches), best-threshold F1, one thread",
        headers=["matcher", "F1", "precision", "recall", "threshold", "pairs/s", "ours faster by"], rows=rows))
    o, r, n = runs["ours"]["best"], runs["rapidfuzz"]["best"], runs["logic-v2"]["best"]
    result.summary.append(
        f"Person matching on {args.pairs:,} generated cross-script pairs: best-threshold F1 ours {o['f1']:.3f} "
        f"(P {o['precision']:.3f} / R {o['recall']:.3f}), rapidfuzz on anyascii {r['f1']:.3f}, logic-v2 "
        f"{n['f1']:.3f}; {fmt_rate(runs['ours']['rate'])} pairs/s cold, {fmt_rate(runs['ours']['warm_rate'])} "
        f"warm vs logic-v2 {fmt_rate(runs['logic-v2']['rate'])}.")
    result.notes.append("The aims in issue 11: ours >= 0.96 best-threshold F1; the issue quotes 0.890 for rapidfuzz "
                        "on anyascii and 0.929 for logic-v2 on such pairs. The generator is this repository's own: "
                        "figures on real agency data will be lower, and the weights were measured on another seed "
                        "of the same generator.")
    result.figures = {label: {"best": run["best"], "rate": run["rate"], **({"warm_rate": run["warm_rate"]}
                                                                           if "warm_rate" in run else {})}
                      for label, run in runs.items()}
    result.write(args.result)


if __name__ == "__main__":
    main()
