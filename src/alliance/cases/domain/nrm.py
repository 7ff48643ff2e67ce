"""The National Referral Mechanism as an explicit state machine (nrm.md, stages 1-10).

Each transition names the stages it leaves from, where it leads (by outcome where there is a decision),
the action the actor's role must grant, and what it needs. The services apply it; the property test
walks random sequences of actions by random roles through it.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core import roles as R


class Stage(models.TextChoices):
    DETECTED = "detected", _("Detected or screened")
    PRESUMED = "presumed", _("Presumed victim (reasonable grounds)")
    REFLECTION = "reflection", _("Recovery and reflection period")
    IDENTIFIED = "identified", _("Identified (conclusive grounds)")
    NOT_IDENTIFIED = "not_identified", _("Not identified")
    RECONSIDERATION = "reconsideration", _("Reconsideration requested")
    ASSISTANCE = "assistance", _("Assistance and support plan")
    RESIDENCE = "residence", _("Residence or protection steps")
    INCLUSION = "inclusion", _("Social inclusion")
    RETURN = "return", _("Safe return")
    PROCEEDINGS = "proceedings", _("Proceedings and compensation")
    CLOSED = "closed", _("Closed")


class TraffickingStatus(models.TextChoices):
    # HTCDS vic_TraffickingStatus, with "presumed" between possible and actual as NRMs distinguish it.
    POSSIBLE = "possible", _("Possible victim")
    PRESUMED = "presumed", _("Presumed victim")
    IDENTIFIED = "identified", _("Identified victim")
    NOT_A_VICTIM = "not_a_victim", _("Not a victim")


POSITIVE, NEGATIVE = "positive", "negative"
OPEN_STAGES = frozenset(Stage.values) - {Stage.CLOSED}
AFTER_IDENTIFICATION = frozenset({Stage.ASSISTANCE, Stage.RESIDENCE, Stage.INCLUSION, Stage.RETURN})


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    sources: frozenset[str]
    action: str  # the role action it needs: R.CASE_DECIDE or R.CASE_PROGRESS
    target: str | None = None  # fixed target stage; None for decisions (by outcome) and child steps
    outcomes: dict[str, str] = field(default_factory=dict)  # outcome -> target stage
    needs_reason: bool = False
    child_only: bool = False


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("reasonable_grounds", _("Record the reasonable-grounds decision"), frozenset({Stage.DETECTED}),
               R.CASE_DECIDE, outcomes={POSITIVE: Stage.PRESUMED, NEGATIVE: Stage.CLOSED}),
    Transition("start_reflection", _("Start the recovery and reflection period"), frozenset({Stage.PRESUMED}),
               R.CASE_PROGRESS, target=Stage.REFLECTION),
    Transition("conclusive_grounds", _("Record the conclusive-grounds decision"), frozenset({Stage.REFLECTION}),
               R.CASE_DECIDE, outcomes={POSITIVE: Stage.IDENTIFIED, NEGATIVE: Stage.NOT_IDENTIFIED}),
    Transition("request_reconsideration", _("Request reconsideration"), frozenset({Stage.NOT_IDENTIFIED}),
               R.CASE_PROGRESS, target=Stage.RECONSIDERATION, needs_reason=True),
    Transition("reconsideration_decision", _("Decide on reconsideration"), frozenset({Stage.RECONSIDERATION}),
               R.CASE_DECIDE, outcomes={POSITIVE: Stage.IDENTIFIED, NEGATIVE: Stage.NOT_IDENTIFIED}),
    Transition("start_assistance", _("Start assistance and a support plan"), frozenset({Stage.IDENTIFIED}),
               R.CASE_PROGRESS, target=Stage.ASSISTANCE),
    Transition("residence_step", _("Record a residence or protection step"), frozenset({Stage.ASSISTANCE}),
               R.CASE_PROGRESS, target=Stage.RESIDENCE),
    Transition("social_inclusion", _("Move to social inclusion"), frozenset({Stage.ASSISTANCE, Stage.RESIDENCE}),
               R.CASE_PROGRESS, target=Stage.INCLUSION),
    Transition("safe_return", _("Move to safe return (after a risk assessment)"),
               frozenset({Stage.ASSISTANCE, Stage.RESIDENCE}), R.CASE_PROGRESS, target=Stage.RETURN,
               needs_reason=True),
    Transition("proceedings", _("Record proceedings and compensation"),
               AFTER_IDENTIFICATION, R.CASE_PROGRESS, target=Stage.PROCEEDINGS),
    Transition("close", _("Close the case"), OPEN_STAGES, R.CASE_PROGRESS, target=Stage.CLOSED, needs_reason=True),
    Transition("reopen", _("Re-open the case"), frozenset({Stage.CLOSED}), R.CASE_PROGRESS, needs_reason=True),
    # The child procedure (nrm.md): facts recorded on the case without moving it.
    Transition("appoint_guardian", _("Record the guardian's appointment"), OPEN_STAGES, R.CASE_PROGRESS,
               child_only=True),
    Transition("best_interests_assessment", _("Record the best-interests assessment"), OPEN_STAGES,
               R.CASE_PROGRESS, child_only=True),
)}

# For a child, reflection needs a guardian, and assistance a best-interests assessment.
CHILD_PREREQUISITES = {"start_reflection": "appoint_guardian", "start_assistance": "best_interests_assessment"}

CLOSURE_STATUSES = ("closed", "closed_referred")  # HTCDS cas_Status on closure


def available(stage: str, *, is_child: bool, done: set[str]) -> list[Transition]:
    """Transitions whose source stage and child rules allow them now (roles are checked separately)."""
    found = []
    for transition in TRANSITIONS.values():
        if stage not in transition.sources:
            continue
        if transition.child_only and (not is_child or transition.name in done):
            continue
        needed = CHILD_PREREQUISITES.get(transition.name)
        if is_child and needed and needed not in done:
            continue
        found.append(transition)
    return found
