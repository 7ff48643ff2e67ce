"""Whether two agencies' records are the same person: name, birth date and country, weighed as evidence.

A Fellegi-Sunter style model in log-odds, small enough to read: each kind of agreement or disagreement adds
a weight, log2(how often true matches show it / how often non-matches show it), measured on the synthetic
pairs of bench/investigations_data.py (seed 7, 40,000 pairs; the benchmark scores seed 1). The score
is the logistic of the sum. Pure functions, no Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import itertools
import math
from dataclasses import dataclass
from typing import TextIO

from .names import compare_names

__all__ = ["PairScore", "PersonRecord", "score_pair", "score_pairs_csv"]


@dataclass(frozen=True)
class PersonRecord:
    name: str
    birth_date: str | None = None  # ISO 8601, YYYY-MM-DD
    country: str | None = None  # ISO 3166-1 alpha-2


@dataclass(frozen=True)
class PairScore:
    score: float  # in [0, 1]
    reasons: tuple[str, ...]  # plain words, strongest evidence first


# Prior log2-odds: half the benchmark's pairs are matches; a real candidate list has far fewer, which moves
# every score alike and leaves the ranking, and the explanation, unchanged.
PRIOR = 0.0
# The name comparison's score mapped to evidence, piecewise linear through the measured log2(m/u) of each band
# of scores. Not monotone, on purpose: a surname-only fragment scores 0.62 and is weaker evidence against than
# 0.65-0.75, which is two full names of which one part differs, i.e. mostly two people sharing a surname.
# Even names that agree part for part are only ~4 bits for: namesakes (7% of the generated non-matches, as
# common names are in the field) share them, so the birth date has to decide, and outweighs the name.
NAME_POINTS = ((0.0, -9.0), (0.5, -8.5), (0.55, -7.0), (0.60, -2.5), (0.62, -1.7), (0.65, -2.0), (0.675, -5.8),
               (0.725, -5.1), (0.775, -3.2), (0.825, -1.5), (0.865, 0.3), (0.89, 1.4), (0.915, 2.7), (0.94, 3.6),
               (0.96, 3.6), (0.98, 4.1), (1.0, 4.2))
# Birth dates. Measured: the same date 12.9 (different people share one about 1 time in 10,000 here),
# capped at 11 because a real population has twins and default dates (1 January). A date one day apart or
# with day and month swapped was never seen between different people in the sample, but 1-in-5,000 chance
# agreements are plausible, so 6. The same day and month a year apart (measured 7.7) is a slip on the year or,
# rarely, a namesake: 5. The same year only, and a different date, were measured at -4.8 and -7.8.
BIRTH_WEIGHTS = {
    "same": 11.0,
    "one day apart": 6.0,
    "day and month swapped": 6.0,
    "one year apart": 5.0,
    "same year only": -4.8,
    "different": -7.8,
    "missing": 0.0,  # one side did not record it: no evidence either way (measured 0.04)
}
# Country, measured 1.8 and -2.5: weak, because a nationality on one side and a country of residence or
# of the document on the other often disagree for one person.
COUNTRY_WEIGHTS = {"same": 1.8, "different": -2.5, "missing": 0.0}


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def birth_agreement(a: str | None, b: str | None) -> str:
    first, second = _date(a), _date(b)
    if first is None or second is None:
        return "missing"
    if first == second:
        return "same"
    if abs((first - second).days) == 1:
        return "one day apart"
    if first.year == second.year and first.day == second.month and first.month == second.day:
        return "day and month swapped"
    if (first.month, first.day) == (second.month, second.day) and abs(first.year - second.year) == 1:
        return "one year apart"
    if first.year == second.year:
        return "same year only"
    return "different"


def country_agreement(a: str | None, b: str | None) -> str:
    if not a or not b:
        return "missing"
    return "same" if a.strip().upper() == b.strip().upper() else "different"


def name_weight(score: float) -> float:
    for (x0, y0), (x1, y1) in itertools.pairwise(NAME_POINTS):
        if score <= x1:
            return y0 + (y1 - y0) * (score - x0) / (x1 - x0) if x1 > x0 else y1
    return NAME_POINTS[-1][1]


_BIRTH_REASONS = {"same": "same birth date", "one day apart": "birth dates 1 day apart",
                  "day and month swapped": "birth dates with day and month swapped",
                  "one year apart": "birth dates 1 year apart",
                  "same year only": "born the same year, not the same day",
                  "different": "different birth dates"}
_COUNTRY_REASONS = {"same": "same country", "different": "different countries"}


def score_pair(a: PersonRecord, b: PersonRecord) -> PairScore:
    names = compare_names(a.name, b.name)
    birth = birth_agreement(a.birth_date, b.birth_date)
    country = country_agreement(a.country, b.country)
    evidence = [(name_weight(names.score), names.reason)]
    if birth != "missing":
        evidence.append((BIRTH_WEIGHTS[birth], _BIRTH_REASONS[birth]))
    if country != "missing":
        evidence.append((COUNTRY_WEIGHTS[country], _COUNTRY_REASONS[country]))
    log_odds = PRIOR + sum(weight for weight, _ in evidence)
    score = 1.0 / (1.0 + math.pow(2.0, -log_odds))
    reasons = tuple(reason for _, reason in sorted(evidence, key=lambda item: -abs(item[0])) if reason)
    return PairScore(score=score, reasons=reasons)


_REQUIRED = ("id", "name_a", "name_b")


def score_pairs_csv(reader: TextIO, writer: TextIO) -> int:
    """Read id,name_a,name_b[,birth_date_a,birth_date_b,country_a,country_b]; write id,score. Rows scored."""
    rows = csv.DictReader(reader)
    columns = rows.fieldnames or []
    for column in _REQUIRED:
        if column not in columns:
            raise ValueError(f"missing column {column!r} (the header has: {', '.join(columns) or 'nothing'})")
    out = csv.writer(writer, lineterminator="\n")
    out.writerow(["id", "score"])
    count = 0
    for row in rows:
        line = rows.line_num
        if None in row or any(row.get(column) is None for column in _REQUIRED):
            raise ValueError(f"line {line}: expected {len(columns)} fields")
        if not row["id"].strip() or not row["name_a"].strip() or not row["name_b"].strip():
            raise ValueError(f"line {line}: id, name_a and name_b must not be empty")
        for column in ("birth_date_a", "birth_date_b"):
            value = (row.get(column) or "").strip()
            if value and _date(value) is None:
                raise ValueError(f"line {line}: {column} {value!r} is not a date (YYYY-MM-DD)")
        first = PersonRecord(row["name_a"], row.get("birth_date_a") or None, row.get("country_a") or None)
        second = PersonRecord(row["name_b"], row.get("birth_date_b") or None, row.get("country_b") or None)
        out.writerow([row["id"], f"{score_pair(first, second).score:.4f}"])
        count += 1
    return count
