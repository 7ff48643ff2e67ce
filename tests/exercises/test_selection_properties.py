"""Selection on generated applicant pools (domain/selection.py): places, quotas, order and reasons."""

from __future__ import annotations

import math
from collections import Counter
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.exercises.domain.selection import REFUSED, SELECTED, WAITING, Candidate, Rules, select

COUNTRIES = ["KZ", "IT", "DE", "UA", "RS"]
PROFESSIONS = ["police", "prosecutor", "social_worker"]
GENDERS = ["female", "male", "other"]

candidates = st.lists(
    st.tuples(st.integers(0, 40), st.sampled_from(COUNTRIES), st.sampled_from(PROFESSIONS),
              st.sampled_from(GENDERS), st.booleans()),
    max_size=40,
).map(lambda rows: [Candidate(key=n + 1, score=Decimal(score) / 4, country=country, profession=profession,
                              gender=gender, refusal=("1 years of experience, the call asks 3",) if bad else ())
                    for n, (score, country, profession, gender, bad) in enumerate(rows)])

rules = st.builds(
    Rules,
    capacity=st.integers(1, 15),
    max_per_country=st.none() | st.integers(1, 5),
    min_per_profession=st.dictionaries(st.sampled_from(PROFESSIONS), st.integers(0, 4), max_size=2),
    max_per_profession=st.dictionaries(st.sampled_from(PROFESSIONS), st.integers(1, 6), max_size=2),
    min_share_gender=st.dictionaries(st.sampled_from(GENDERS), st.sampled_from([0.2, 0.3, 0.4]), max_size=2),
)


def _order(c):
    return (-c.score, c.key)


@settings(max_examples=300, deadline=None)
@given(pool=candidates, rule=rules)
def test_selection_keeps_every_rule(pool, rule):
    decided = select(pool, rule)
    assert set(decided) == {c.key for c in pool}, "every applicant is decided"
    by_key = {c.key: c for c in pool}
    chosen = [by_key[k] for k, d in decided.items() if d.outcome == SELECTED]
    eligible = [c for c in pool if not c.refusal]

    # Capacity, and the maxima, are never exceeded.
    assert len(chosen) <= rule.capacity
    if rule.max_per_country is not None:
        assert max(Counter(c.country for c in chosen).values(), default=0) <= rule.max_per_country
    professions = Counter(c.profession for c in chosen)
    for code, limit in rule.max_per_profession.items():
        assert professions[code] <= limit

    # The ineligible are refused with their reason, the eligible never.
    for c in pool:
        if c.refusal:
            assert decided[c.key].outcome == REFUSED and c.refusal[0] in decided[c.key].reason
        else:
            assert decided[c.key].outcome in (SELECTED, WAITING)

    # Places are filled while anyone eligible could take one without breaking a maximum.
    waiting = [by_key[k] for k, d in decided.items() if d.outcome == WAITING]
    if len(chosen) < rule.capacity:
        assert all(decided[c.key].blocked_by for c in waiting)

    # A minimum is met unless the pool or the places do not allow it.
    genders = Counter(c.gender for c in chosen)
    minimums = [("profession", p, n, professions) for p, n in rule.min_per_profession.items()]
    minimums += [("gender", g, math.ceil(s * rule.capacity - 1e-9), genders) for g, s in rule.min_share_gender.items()]
    for attribute, value, n, held in minimums:
        if held[value] < n:
            left = [c for c in waiting if getattr(c, attribute) == value]
            assert len(chosen) == rule.capacity or all(decided[c.key].blocked_by for c in left), (attribute, value)

    # Nobody better-scored is left out unless a quota says why: a maximum kept them out, or whoever was
    # chosen ahead of them was chosen for a minimum.
    for w in waiting:
        if decided[w.key].blocked_by:
            assert "quota" in decided[w.key].reason
            continue
        for s in chosen:
            if _order(s) > _order(w):
                assert decided[s.key].minimum, (w, s)
                assert "minimum" in decided[s.key].reason

    # Reasons match decisions; ranks and positions count from 1 in score order.
    ranks = sorted(decided[c.key].rank for c in chosen)
    assert ranks == list(range(1, len(chosen) + 1))
    positions = sorted(decided[c.key].rank for c in waiting)
    assert positions == list(range(1, len(waiting) + 1))
    for c in chosen:
        assert decided[c.key].reason.startswith(f"selected: rank {decided[c.key].rank} by score {c.score}")
    for c in waiting:
        assert decided[c.key].reason.startswith(f"waiting list position {decided[c.key].rank}: ")
    for earlier, later in zip(sorted(chosen, key=_order), sorted(chosen, key=_order)[1:], strict=False):
        assert decided[earlier.key].rank < decided[later.key].rank
    assert len(eligible) == len(chosen) + len(waiting)


@settings(max_examples=100, deadline=None)
@given(pool=candidates, rule=rules, seed=st.randoms())
def test_selection_is_deterministic_whatever_the_order_of_the_pool(pool, rule, seed):
    shuffled = list(pool)
    seed.shuffle(shuffled)
    assert select(pool, rule) == select(shuffled, rule)


def test_the_reasons_read_as_the_co_ordinator_expects():
    pool = [Candidate(1, Decimal("9.5"), "KZ", "police", "male"),
            Candidate(2, Decimal("9.0"), "KZ", "police", "male"),
            Candidate(3, Decimal("8.5"), "KZ", "police", "female"),
            Candidate(4, Decimal("5.0"), "IT", "prosecutor", "female"),
            Candidate(5, Decimal("7.0"), "IT", "police", "male"),
            Candidate(6, Decimal("9.9"), "DE", "police", "male", refusal=("1 year of experience, the call asks 3",))]
    decided = select(pool, Rules(capacity=3, max_per_country=2, min_per_profession={"prosecutor": 1}))
    assert decided[4].reason == "selected: rank 3 by score 5.0, on the minimum of 1 for profession prosecutor"
    assert decided[1].reason == "selected: rank 1 by score 9.5"
    assert decided[3].reason == "waiting list position 1: the quota of 2 for country KZ is full"
    assert decided[5].reason == "waiting list position 2: all 3 places are taken by higher scores or quota places"
    assert decided[6].reason == "refused: 1 year of experience, the call asks 3"
