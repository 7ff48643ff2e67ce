"""The ILO/EC combination rule, branch by branch, for every list, adults and children (indicators.md)."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.screening.domain import rules as r

# (ratings, present, the branch that decides)
DIMENSION_TABLE = [
    ([], False, "not enough"),
    ([r.STRONG], False, "not enough"),
    ([r.STRONG, r.STRONG], True, "at least 2 strong"),
    ([r.STRONG, r.STRONG, r.WEAK], True, "at least 2 strong"),
    ([r.STRONG, r.MEDIUM], True, "1 strong and 1 medium or weak"),
    ([r.STRONG, r.WEAK], True, "1 strong and 1 medium or weak"),
    ([r.MEDIUM, r.MEDIUM], False, "not enough"),
    ([r.MEDIUM, r.MEDIUM, r.MEDIUM], True, "at least 3 medium"),
    ([r.MEDIUM, r.MEDIUM, r.WEAK], True, "2 medium and 1 weak"),
    ([r.MEDIUM, r.WEAK, r.WEAK], False, "not enough"),
    ([r.WEAK, r.WEAK, r.WEAK, r.WEAK], False, "not enough"),
    ([r.MEDIUM], False, "not enough"),
]


@pytest.mark.parametrize(("ratings", "present", "branch"), DIMENSION_TABLE)
def test_dimension_rule_table(ratings, present, branch):
    result = r.dimension_present(r.DECEPTIVE_RECRUITMENT, ratings)
    assert result.present is present and result.reason.startswith(branch)


def _by_definition(strong: int, medium: int, weak: int) -> bool:
    return strong >= 2 or (strong == 1 and medium + weak >= 1) or medium >= 3 or (medium >= 2 and weak >= 1)


@given(st.lists(st.sampled_from(r.RATINGS), max_size=8))
def test_dimension_rule_agrees_with_its_definition_and_explains_itself(ratings):
    result = r.dimension_present(r.COERCION_AT_DESTINATION, ratings)
    counts = (ratings.count(r.STRONG), ratings.count(r.MEDIUM), ratings.count(r.WEAK))
    assert result.present == _by_definition(*counts)
    assert (result.counts[r.STRONG], result.counts[r.MEDIUM], result.counts[r.WEAK]) == counts
    assert result.present != (result.reason == "not enough indicators for the rule")


def test_unknown_rating_or_dimension_is_refused():
    with pytest.raises(ValueError, match="rating"):
        r.dimension_present(r.DECEPTIVE_RECRUITMENT, ["very strong"])
    with pytest.raises(ValueError, match="dimension"):
        r.trafficking_indicated({"vibes"}, child=False)


# Every subset of the six dimensions, for each list: adults need recruitment + exploitation + destination;
# children need exploitation + destination only.
@pytest.mark.parametrize("list_name", r.LISTS)
@pytest.mark.parametrize("present", [set(c) for n in range(7) for c in itertools.combinations(r.DIMENSIONS, n)],
                         ids=lambda s: "+".join(sorted(d[:6] for d in s)) or "none")
def test_combination_rule_every_branch(list_name, present):
    child = list_name in r.CHILD_LISTS
    result = r.trafficking_indicated(present, child=child)
    recruitment = bool(present & r.RECRUITMENT)
    exploitation = r.EXPLOITATIVE_CONDITIONS in present
    destination = bool(present & r.AT_DESTINATION)
    assert result.indicated == ((recruitment or child) and exploitation and destination)
    assert result.indicated == (result.missing == ())
    assert result.recruitment_required is not child
