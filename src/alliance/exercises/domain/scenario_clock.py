"""The scenario clock of an exercise run: scenario time as a function of real time.

The clock is kept as an anchor (a real instant and the scenario seconds at that instant), a pace, and
whether it runs. Every start, pause, resume or change of pace moves the anchor to "now" first, so the
time already played is frozen before the new pace applies: scenario time never goes backwards, and a
pause stops it exactly. Plain values only (no model), so it is tested with Hypothesis.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

MIN_PACE = 0.1
MAX_PACE = 20.0


@dataclass(frozen=True)
class Clock:
    anchor_real: dt.datetime | None = None  # None: not started
    anchor_scenario_seconds: float = 0.0
    pace: float = 1.0
    running: bool = False

    def scenario_seconds(self, now: dt.datetime) -> float:
        if self.anchor_real is None:
            return 0.0
        if not self.running:
            return self.anchor_scenario_seconds
        # A real instant before the anchor (a clock read from a slightly older request) counts as the anchor.
        elapsed = max(0.0, (now - self.anchor_real).total_seconds())
        return self.anchor_scenario_seconds + elapsed * self.pace

    def scenario_minutes(self, now: dt.datetime) -> float:
        return self.scenario_seconds(now) / 60.0

    def real_at(self, scenario_seconds: float) -> dt.datetime | None:
        """When (real time) the running clock reaches this scenario time; None when stopped or not started."""
        if self.anchor_real is None or not self.running:
            return None
        ahead = max(0.0, scenario_seconds - self.anchor_scenario_seconds)
        return self.anchor_real + dt.timedelta(seconds=ahead / self.pace)

    def _rebased(self, now: dt.datetime) -> Clock:
        return replace(self, anchor_real=now, anchor_scenario_seconds=self.scenario_seconds(now))

    def start(self, now: dt.datetime) -> Clock:
        return replace(self, anchor_real=now, anchor_scenario_seconds=0.0, running=True)

    def pause(self, now: dt.datetime) -> Clock:
        return replace(self._rebased(now), running=False)

    def resume(self, now: dt.datetime) -> Clock:
        return replace(self._rebased(now), running=True)

    def with_pace(self, now: dt.datetime, pace: float) -> Clock:
        if not MIN_PACE <= pace <= MAX_PACE:
            raise ValueError(f"pace {pace} outside {MIN_PACE}..{MAX_PACE}")
        return replace(self._rebased(now), pace=pace)


def parse_hhmm(text: str) -> int:
    """Scenario minutes from "HH:MM" (the package format's scenario time)."""
    hours, minutes = str(text).split(":")
    return int(hours) * 60 + int(minutes)


def format_hhmm(seconds: float) -> str:
    minutes = int(seconds // 60)
    return f"{minutes // 60:02d}:{minutes % 60:02d}"
