"""The after-action report's arithmetic, on plain values: the overall results of a run from its teams'
results, the feedback summary, the expected time of an expected action, attendance, overdue items.

A team's section is the plain dict selectors/after_action.py builds from the per-team debrief (and stores
in the snapshot of an archived run): {"results": [{"action_id", "objective", "capability_target",
"status", ...}], ...}. No database, no request, no policy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence

# Below this many answers the report shows only how many trainees answered: with one or two, their
# team-mates and trainers know who wrote what. Three is the usual floor of course evaluations.
FEEDBACK_MIN_RESPONSES = 3
SCALE = (1, 2, 3, 4, 5)
# A certificate's verification code: 12 characters without 0/O, 1/I/L (read aloud or typed from paper):
# 31^12, about 2^59 codes, so that guessing one that was issued is hopeless.
CERTIFICATE_CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CERTIFICATE_CODE_LENGTH = 12


def certificate_code_typed(text: str) -> str | None:
    """A code as someone types it from paper (spaces, hyphens, lower case) in its printed form, or None
    when it cannot be one."""
    code = "".join(str(text or "").split()).replace("-", "").upper()[:64]
    ok = len(code) == CERTIFICATE_CODE_LENGTH and all(c in CERTIFICATE_CODE_ALPHABET for c in code)
    return code if ok else None


def overall(teams: Sequence[Mapping], objectives: Iterable[str], actions: Iterable[str]) -> dict:
    """Every team against every expected action, summed: met and total per learning objective (all teams
    together), and per expected action how many teams met it."""
    by_objective = {o: [0, 0] for o in objectives}
    by_action = {a: [0, 0] for a in actions}
    met = total = 0
    for team in teams:
        for r in team["results"]:
            hit = r["status"] == "met"
            tally = by_objective.setdefault(r["objective"], [0, 0])
            tally[0] += hit
            tally[1] += 1
            action = by_action.setdefault(r["action_id"], [0, 0])
            action[0] += hit
            action[1] += 1
            met += hit
            total += 1
    return {"met": met, "total": total, "percent": percent(met, total),
            "by_objective": {k: {"met": v[0], "total": v[1], "percent": percent(*v)} for k, v in by_objective.items()},
            "by_action": {k: {"met": v[0], "teams": v[1]} for k, v in by_action.items()}}


def percent(met: int, total: int) -> int:
    return round(100 * met / total) if total else 0


def feedback_summary(responses: Sequence[Mapping], questions: Sequence[str],
                     minimum: int = FEEDBACK_MIN_RESPONSES) -> dict:
    """Means and the 1-5 distribution per question, and the comments without names, sorted so that their
    order says nothing of who answered when; nothing but the count below `minimum` answers."""
    count = len(responses)
    if count < minimum:
        return {"count": count, "shown": False, "minimum": minimum, "questions": {}, "worked": [], "improve": []}
    questions_out = {}
    for q in questions:
        values = [int(r[q]) for r in responses]
        questions_out[q] = {"mean": round(sum(values) / count, 1),
                            "distribution": {v: values.count(v) for v in SCALE}}
    comments = {key: sorted(t.strip() for r in responses if (t := (r.get(key) or "")).strip())
                for key in ("worked", "improve")}
    return {"count": count, "shown": True, "minimum": minimum, "questions": questions_out, **comments}


def expected_minutes(check: Mapping, releases_minutes: Mapping[str, float]) -> float | None:
    """When an expected action is due, in scenario minutes from the start: `within_minutes` counted from
    the start, or from its inject's release (None when it has no limit or the inject never went out)."""
    within = check.get("within_minutes")
    if within is None:
        return None
    inject = check.get("after_inject")
    if not inject:
        return float(within)
    origin = releases_minutes.get(inject)
    return None if origin is None else origin + within


def hhmm(minutes: float | None) -> str:
    if minutes is None:
        return ""
    total = max(0, int(minutes))
    return f"{total // 60:02d}:{total % 60:02d}"


def attended(*, active: bool, mark: bool | None) -> bool:
    """A controller's mark wins; without one, having acted in the team's sandbox after the start counts."""
    return mark if mark is not None else active


def is_overdue(*, status: str, due_on: dt.date, today: dt.date) -> bool:
    return status != "done" and due_on < today
