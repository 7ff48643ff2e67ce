"""The ILO/European Commission combination rule (operational indicators, Delphi 2009; indicators.md).

Pure functions, so the rule can be tested branch by branch and explained in words: a dimension is present
with at least 2 strong indicators; or 1 strong and 1 medium or weak; or 3 medium; or 2 medium and 1 weak.
Trafficking is indicated when a recruitment dimension (deceptive, coercive or by abuse of vulnerability),
exploitative conditions, and coercion or abuse of vulnerability at destination are all present; for a
child the recruitment condition (the means) is not required.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

STRONG, MEDIUM, WEAK = "strong", "medium", "weak"
RATINGS = (STRONG, MEDIUM, WEAK)

DECEPTIVE_RECRUITMENT = "deceptive_recruitment"
COERCIVE_RECRUITMENT = "coercive_recruitment"
ABUSIVE_RECRUITMENT = "recruitment_abuse_of_vulnerability"
EXPLOITATIVE_CONDITIONS = "exploitative_conditions"
COERCION_AT_DESTINATION = "coercion_at_destination"
ABUSE_AT_DESTINATION = "abuse_of_vulnerability_at_destination"
DIMENSIONS = (DECEPTIVE_RECRUITMENT, COERCIVE_RECRUITMENT, ABUSIVE_RECRUITMENT, EXPLOITATIVE_CONDITIONS,
              COERCION_AT_DESTINATION, ABUSE_AT_DESTINATION)
RECRUITMENT = frozenset({DECEPTIVE_RECRUITMENT, COERCIVE_RECRUITMENT, ABUSIVE_RECRUITMENT})
AT_DESTINATION = frozenset({COERCION_AT_DESTINATION, ABUSE_AT_DESTINATION})

# The four lists; children's lists have no weak tier.
LISTS = ("adults_labour", "adults_sexual", "children_labour", "children_sexual")
CHILD_LISTS = frozenset({"children_labour", "children_sexual"})


@dataclass(frozen=True)
class DimensionResult:
    dimension: str
    present: bool
    counts: dict[str, int]
    reason: str  # which branch of the rule decided, in words (English; the page translates the parts)
    branch: str = ""  # the same as a code: two_strong, strong_and_other, three_medium, two_medium_weak, not_enough


def dimension_present(dimension: str, ratings: Iterable[str]) -> DimensionResult:
    counts = Counter(ratings)
    unknown = set(counts) - set(RATINGS)
    if unknown:
        raise ValueError(f"unknown rating(s): {sorted(unknown)}")
    strong, medium, weak = counts[STRONG], counts[MEDIUM], counts[WEAK]
    shown = {STRONG: strong, MEDIUM: medium, WEAK: weak}
    if strong >= 2:
        return DimensionResult(dimension, True, shown, "at least 2 strong indicators", "two_strong")
    if strong == 1 and medium + weak >= 1:
        return DimensionResult(dimension, True, shown, "1 strong and 1 medium or weak indicator", "strong_and_other")
    if medium >= 3:
        return DimensionResult(dimension, True, shown, "at least 3 medium indicators", "three_medium")
    if medium >= 2 and weak >= 1:
        return DimensionResult(dimension, True, shown, "2 medium and 1 weak indicator", "two_medium_weak")
    return DimensionResult(dimension, False, shown, "not enough indicators for the rule", "not_enough")


@dataclass(frozen=True)
class Combination:
    indicated: bool
    recruitment: bool
    exploitation: bool
    destination: bool
    recruitment_required: bool
    missing: tuple[str, ...]  # the conditions not met, in words


def trafficking_indicated(present: Iterable[str], *, child: bool) -> Combination:
    """`present`: the dimensions found present. For a child the means (recruitment) are not required."""
    present = set(present)
    unknown = present - set(DIMENSIONS)
    if unknown:
        raise ValueError(f"unknown dimension(s): {sorted(unknown)}")
    recruitment = bool(present & RECRUITMENT)
    exploitation = EXPLOITATIVE_CONDITIONS in present
    destination = bool(present & AT_DESTINATION)
    missing = []
    if not recruitment and not child:
        missing.append("a recruitment dimension (deceptive, coercive or by abuse of vulnerability)")
    if not exploitation:
        missing.append("exploitative conditions of work")
    if not destination:
        missing.append("coercion or abuse of vulnerability at destination")
    return Combination(indicated=not missing, recruitment=recruitment, exploitation=exploitation,
                       destination=destination, recruitment_required=not child, missing=tuple(missing))
