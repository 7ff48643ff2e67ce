"""Reads of the NRM side of a case: stage, deadlines, history, the steps the actor may take, due lists."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from alliance.cases.domain import nrm
from alliance.cases.models import Case, CaseClock
from alliance.cases.selectors.register import shown_cases
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden


@dataclass(frozen=True)
class ClockView:
    kind: str
    label: str
    due_on: dt.date
    days_left: int
    rule: str

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_overdue(self) -> int:
        return -self.days_left


@dataclass(frozen=True)
class NrmView:
    stage: str
    stage_label: str
    trafficking_status: str
    trafficking_status_label: str
    is_child: bool | None  # None: withheld from a limited share (it follows from the birth date)
    clocks: list[ClockView]
    history: list[dict]
    steps: list[nrm.Transition]


def _clock(clock: CaseClock, today: dt.date) -> ClockView:
    return ClockView(kind=clock.kind, label=str(CaseClock.Kind(clock.kind).label), due_on=clock.due_on,
                     days_left=(clock.due_on - today).days, rule=clock.rule)


def nrm_view_for(*, actor: Actor, case: Case, full_scope: bool) -> NrmView:
    """For a case the actor already passed the gate for (cases.selectors.case_view_for). A limited share sees
    the stage and the decision only: not the deadlines, the history (who decided, when, why) or the steps."""
    if not full_scope:
        return NrmView(stage=case.nrm_stage, stage_label=str(nrm.Stage(case.nrm_stage).label),
                       trafficking_status=case.trafficking_status,
                       trafficking_status_label=str(nrm.TraffickingStatus(case.trafficking_status).label),
                       is_child=None, clocks=[], history=[], steps=[])
    today = timezone.localdate()
    clocks = [_clock(c, today) for c in case.clocks.filter(stopped_on__isnull=True)]
    history = []
    for event in case.nrm_events.select_related("organisation"):
        history.append({
            "on": event.effective_on, "step": str(nrm.TRANSITIONS[event.transition].label),
            "transition": event.transition, "outcome": event.outcome,
            "stage": str(nrm.Stage(event.to_stage).label),
            "organisation": event.organisation.name if event.organisation else "",
            "reason": event.reason or "",
        })
    done = {h["transition"] for h in history}
    steps = [t for t in nrm.available(case.nrm_stage, is_child=case.is_child, done=done)
             if policy.CASE.can(actor, t.action, case)]
    return NrmView(stage=case.nrm_stage, stage_label=str(nrm.Stage(case.nrm_stage).label),
                   trafficking_status=case.trafficking_status,
                   trafficking_status_label=str(nrm.TraffickingStatus(case.trafficking_status).label),
                   is_child=case.is_child, clocks=clocks, history=history, steps=steps)


def deadlines_for(*, actor: Actor, within_days: int = 7) -> list[dict]:
    """Running deadlines of the cases the actor may list: overdue first, then those ending soon."""
    if not policy.may(actor, R.CASE_LIST):
        raise Forbidden(R.CASE_LIST)
    today = timezone.localdate()
    # Deadlines reveal the NRM history, which a limited share does not see.
    visible = policy.CASE.with_field_scope(actor, R.CASE_LIST, policy.CASE.scope(actor, R.CASE_LIST)) \
        .filter(full_scope=True).values("pk")
    clocks = (CaseClock.objects.filter(stopped_on__isnull=True, case__in=visible,
                                       due_on__lte=today + dt.timedelta(days=within_days))
              .select_related("case").order_by("due_on", "id")[:500])
    rows = [{"case_id": c.case_id, "number": c.case.number, "pseudonym": c.case.pseudonym, "kind": c.kind,
             "label": str(CaseClock.Kind(c.kind).label), "due_on": c.due_on, "days_left": (c.due_on - today).days}
            for c in clocks]
    audit.record(actor=actor, action="list", object_type="case_clock", fields=["number", "pseudonym", "due_on"],
                 reason=shown_cases(ids=(row["case_id"] for row in rows)))
    return rows
