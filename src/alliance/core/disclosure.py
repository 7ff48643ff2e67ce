"""Counts released outside a case file (dashboards, statistics) without singling anybody out.

Two methods, used together:
- small-cell suppression: a count from 0 to 4 is released as "<5", and a table summing to an exact total is
  laid out by protect_table so that no "<5" cell can be worked back;
- the cell-key method (the Australian Bureau of Statistics' perturbation, also used for the UK's 2021 census):
  every record carries a random record key from 0 to 255, stored with it and never shown. A cell's key is the
  sum of its records' keys modulo 256, and the count is moved by at most 2 according to that key, from a fixed
  table whose mean move is 0. The same records always give the same figure, so asking again tells nothing new;
  one record more or less draws the move afresh, so figures on one page that are tied together (urgent cases
  are in some bands only, an indicator answered "yes" puts the person in a band) no longer add up to an exact
  small count.

What this does not stop: comparing two releases whose records differ by one (two overlapping periods, or one
facility against all). A cell without that record keeps its figure exactly; a cell with it changes in about
78% of draws, so the change tells which cells hold the record. Only releases over fixed, non-overlapping
sets of records (completed calendar months, one facility or all with enough in each difference) prevent it.

A perturbed count is never released below 5: it would read as a small count that was not suppressed.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

RECORD_KEYS = 256
SMALL = 5  # counts below this are released as "<5"
SUPPRESSED = "<5"  # a count from 0 to 4 (0 too, or a 0 beside a "<5" would point at the person)
HIDDEN = "hidden"  # the largest cell of a table with a "<5" one, withheld so the total gives none back
WITHHELD = "withheld"  # every cell of a table with too few records for its number of cells
# (cell keys below this bound, move): 13, 51, 128, 51 and 13 of the 256 keys, about 5%, 20%, 50%, 20%, 5%.
PERTURBATION = ((13, -2), (64, -1), (192, 0), (243, 1), (RECORD_KEYS, 2))


def new_record_key() -> int:
    return secrets.randbelow(RECORD_KEYS)


def move(cell_key: int) -> int:
    """The perturbation for a cell key (0 to 255)."""
    return next(step for bound, step in PERTURBATION if cell_key % RECORD_KEYS < bound)


@dataclass
class Tally:
    """A count and the sum of its records' keys."""

    n: int = 0
    keys: int = 0

    def add(self, n: int, keys: int) -> None:
        self.n += n
        self.keys += keys


def perturbed(n: int, keys: int) -> int:
    """A count of 5 or more as released: moved by its cell key, never below 5."""
    return max(SMALL, n + move(keys))


def release(tally: Tally) -> int | str:
    """A single count as released: "<5" from 0 to 4 (0 too), else perturbed."""
    return SUPPRESSED if tally.n < SMALL else perturbed(tally.n, tally.keys)


def protect_table(counts: Sequence[int]) -> list[int | str]:
    """The layout of one table whose total is released exactly (a breakdown, bands): all "withheld" unless
    the total exceeds 4 per cell; else each small cell "<5" and, when there is one, the largest cell "hidden"
    (ties: the first). The choices depend only on what is shown, and the hidden cell has no upper bound a
    reader could use, so every "<5" cell might as well be 0. The other cells are returned as their counts,
    for the caller to perturb."""
    if sum(counts) <= (SMALL - 1) * len(counts):
        return [WITHHELD] * len(counts)
    shown: list[int | str] = [SUPPRESSED if n < SMALL else n for n in counts]
    if SUPPRESSED in shown:
        shown[max(range(len(counts)), key=lambda i: (counts[i], -i))] = HIDDEN
    return shown

