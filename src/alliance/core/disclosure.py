"""Counts released outside a case file (dashboards, statistics) without singling anybody out.

Two methods, used together:
- small-cell suppression: a count from 0 to 4 is released as "<5" (see screening/dashboard.py for tables);
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
from dataclasses import dataclass

RECORD_KEYS = 256
SMALL = 5  # counts below this are released as "<5"
SUPPRESSED = "<5"
# (cell keys below this bound, move): 13, 51, 128, 51 and 13 of the 256 keys, about 5%, 20%, 50%, 20%, 5%.
PERTURBATION = ((13, -2), (64, -1), (192, 0), (243, 1), (RECORD_KEYS, 2))
MOST = 2  # the largest move either way


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
