"""Which injects of an MSEL are due for one team, from plain values: the scenario time now, the scenario
time each event first happened in the team's sandbox, and the scenario time each inject was released.

The run's services gather those values from the sandbox's records and the releases; this module decides.
A released inject is never due again (the database's unique constraint makes sure as well).
"""

from __future__ import annotations

from dataclasses import dataclass

from alliance.exercises.domain.scenario_clock import parse_hhmm

SCHEDULED = "scheduled"
TRIGGERED = "triggered"


@dataclass(frozen=True)
class Due:
    inject_id: str
    how: str  # scheduled or triggered


def event_key(trigger: dict) -> tuple[str, str]:
    """An event and what narrows it (a sector, a catalogue), as the sandbox's facts are keyed."""
    return trigger.get("event", ""), trigger.get("sector") or trigger.get("catalogue") or ""


def waiting_events(*, injects: list[dict], released) -> set[str]:
    """The sandbox events some unreleased inject still waits on: the only facts a tick needs to read (once
    a team has had every triggered inject, its tick reads none)."""
    return {trigger["event"] for inject in injects if inject["id"] not in released and "at" not in inject
            and "after" not in (trigger := inject.get("trigger") or {})
            and trigger.get("event", "manual") != "manual"}


def due_injects(*, injects: list[dict], now_seconds: float, events: dict[tuple[str, str], float],
                released: dict[str, float]) -> list[Due]:
    """`events`: (event, narrowing) -> scenario seconds of its first occurrence ("" narrowing: any);
    `released`: inject id -> scenario seconds of its release. Manual injects are never due by themselves.
    An `after:` chain resolves in one call when several links are already due (MSEL order, repeated)."""
    released = dict(released)
    due: list[Due] = []
    changed = True
    while changed:
        changed = False
        for inject in injects:
            inject_id = inject["id"]
            if inject_id in released:
                continue
            when, how = _when(inject, events, released)
            if when is not None and when <= now_seconds:
                released[inject_id] = when
                due.append(Due(inject_id, how))
                changed = True
    return due


def _when(inject: dict, events: dict, released: dict) -> tuple[float | None, str]:
    if "at" in inject:
        return parse_hhmm(inject["at"]) * 60.0, SCHEDULED
    trigger = inject.get("trigger") or {}
    delay = float(trigger.get("minutes", 0)) * 60.0
    if "after" in trigger:
        base = released.get(trigger["after"])
        return (None if base is None else base + delay), TRIGGERED
    if trigger.get("event", "manual") == "manual":
        return None, TRIGGERED
    base = events.get(event_key(trigger))
    return (None if base is None else base + delay), TRIGGERED
