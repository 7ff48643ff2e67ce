"""The scenario clock (domain/scenario_clock.py) and the schedule (domain/inject_schedule.py), by property:
whatever the controllers press, scenario time never goes backwards, a pause stops it, and a scheduled
inject is due exactly once."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from alliance.exercises.domain.inject_schedule import due_injects
from alliance.exercises.domain.scenario_clock import MAX_PACE, MIN_PACE, Clock

T0 = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)
actions = st.lists(st.tuples(st.sampled_from(["pause", "resume", "pace", "read"]),
                             st.floats(min_value=0, max_value=3600),
                             st.floats(min_value=MIN_PACE, max_value=MAX_PACE)), max_size=40)


@given(actions)
def test_scenario_time_never_goes_backwards(steps):
    clock, now = Clock().start(T0), T0
    last = clock.scenario_seconds(now)
    for name, wait, pace in steps:
        now += dt.timedelta(seconds=wait)
        before = clock.scenario_seconds(now)
        assert before >= last
        if name == "pause":
            clock = clock.pause(now)
        elif name == "resume":
            clock = clock.resume(now)
        elif name == "pace":
            clock = clock.with_pace(now, pace)
        # An action changes nothing at the instant it is taken: only what comes after.
        assert abs(clock.scenario_seconds(now) - before) < 1e-6
        last = clock.scenario_seconds(now)


@given(st.floats(min_value=0, max_value=10_000))
def test_a_paused_clock_stands_still(wait):
    clock = Clock().start(T0).pause(T0 + dt.timedelta(seconds=60))
    assert clock.scenario_seconds(T0 + dt.timedelta(seconds=60 + wait)) == 60


@given(st.floats(min_value=MIN_PACE, max_value=MAX_PACE), st.floats(min_value=0, max_value=7200))
def test_pace_multiplies_real_time(pace, wait):
    clock = Clock().start(T0).with_pace(T0, pace)
    assert abs(clock.scenario_seconds(T0 + dt.timedelta(seconds=wait)) - wait * pace) < 1e-3


INJECTS = [{"id": "a", "at": "00:00"}, {"id": "b", "at": "00:30"}, {"id": "c", "trigger": {"after": "b", "minutes": 5}},
           {"id": "d", "trigger": {"event": "case_opened"}}, {"id": "m", "trigger": {"event": "manual"}}]


@given(st.lists(st.floats(min_value=0, max_value=7200), min_size=1, max_size=30))
def test_scheduled_injects_are_due_exactly_once(ticks):
    released: dict[str, float] = {}
    counts: dict[str, int] = {}
    for now in sorted(ticks):
        for due in due_injects(injects=INJECTS, now_seconds=now, events={}, released=released):
            counts[due.inject_id] = counts.get(due.inject_id, 0) + 1
            released[due.inject_id] = now
    assert all(n == 1 for n in counts.values())
    latest = max(ticks)
    assert ("b" in counts) == (latest >= 1800)
    assert "d" not in counts and "m" not in counts  # no case opened; manual never by itself


def test_a_trigger_waits_for_its_event_and_its_delay():
    events = {("case_opened", ""): 600.0}
    assert [d.inject_id for d in due_injects(injects=INJECTS, now_seconds=599, events=events,
                                             released={"a": 0})] == []
    assert [d.inject_id for d in due_injects(injects=INJECTS, now_seconds=600, events=events,
                                             released={"a": 0})] == ["d"]
