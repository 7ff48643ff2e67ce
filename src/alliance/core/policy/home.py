"""What a person's home page offers them beyond what their actions already decide (web/dashboard.py)."""

from __future__ import annotations

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.screening import SCREENING_AGGREGATES_REALM_WIDE


def takes_part_in_exercises(actor: Actor) -> bool:
    """Trainers and trainees: their rights live in exercise realms, so the home page points them there."""
    return bool(actor.roles & R.EXERCISE_ONLY_ROLES)


def reads_statistics(actor: Actor) -> bool:
    """National co-ordinators and analysts: the realm-wide, de-identified figures (Prevention pillar)."""
    return bool(actor.roles & SCREENING_AGGREGATES_REALM_WIDE)
