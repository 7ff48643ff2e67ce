"""Moving a case through the NRM: each step checked against the state machine, the actor's role and
relation, the country profile and the dates; written in one transaction with its event, clocks and audit."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain import nrm
from alliance.cases.domain.country_rules import rules_for
from alliance.cases.domain.nrm import NEGATIVE, POSITIVE, Stage, TraffickingStatus
from alliance.cases.models import Case, CaseClock, NrmEvent
from alliance.cases.selectors.register import case_get_for, case_locked_for
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, ValidationFailed

MAX_REFLECTION_DAYS = 365


def clocks_on_detection(*, case: Case, today: dt.date) -> None:
    """A new case waits for its reasonable-grounds decision within the profile's working days."""
    detection_clock(case=case, today=today).save()


def detection_clock(*, case: Case, today: dt.date) -> CaseClock:
    """The clock a new case starts with, unsaved (an import creates them in bulk)."""
    rules = rules_for(case.country)
    return CaseClock(
        case=case, kind=CaseClock.Kind.REASONABLE_GROUNDS, starts_on=today,
        due_on=rules.add_working_days(today, rules.reasonable_grounds_working_days),
        rule=f"{rules.label()}: decision within {rules.reasonable_grounds_working_days} working days",
    )


def _stop(case: Case, kinds: list[str] | None, on: dt.date) -> None:
    running = CaseClock.objects.filter(case=case, stopped_on__isnull=True)
    if kinds is not None:
        running = running.filter(kind__in=kinds)
    running.update(stopped_on=on)


def _validate(case: Case, step: nrm.Transition, *, outcome: str, reason: str, effective_on: dt.date,
              reflection_days: int | None, closure_status: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if case.anonymised_at is not None:
        return {"__all__": [_("This case was anonymised; it can no longer be changed or shared.")]}
    done = set(case.nrm_events.values_list("transition", flat=True))
    allowed = {t.name for t in nrm.available(case.nrm_stage, is_child=case.is_child, done=done)}
    if step.name not in allowed:
        needed = nrm.CHILD_PREREQUISITES.get(step.name)
        if case.is_child and needed and needed not in done and case.nrm_stage in step.sources:
            errors["transition"] = [_("For a child, first: %(step)s.") % {"step": nrm.TRANSITIONS[needed].label}]
        else:
            errors["transition"] = [_("This step is not possible at the stage “%(stage)s”.")
                                    % {"stage": Stage(case.nrm_stage).label}]
    if step.outcomes and outcome not in step.outcomes:
        errors["outcome"] = [_("Choose a positive or a negative decision.")]
    if not step.outcomes and outcome:
        errors["outcome"] = [_("This step takes no decision.")]
    if step.needs_reason and not reason.strip():
        errors["reason"] = [_("Give the reason for this step.")]
    if len(reason) > 5000:
        errors["reason"] = [_("At most %(n)d characters.") % {"n": 5000}]
    today = timezone.localdate()
    last = case.nrm_events.order_by("-effective_on").values_list("effective_on", flat=True).first()
    if effective_on > today:
        errors["effective_on"] = [_("The date is in the future.")]
    elif effective_on < case.created_at.date() or (last and effective_on < last):
        errors["effective_on"] = [_("The date is before the case's previous step.")]
    if step.name == "start_reflection":
        minimum = rules_for(case.country).reflection_days
        if reflection_days is not None and not minimum <= reflection_days <= MAX_REFLECTION_DAYS:
            errors["reflection_days"] = [_("%(country)s grants at least %(n)d days of reflection.")
                                         % {"country": rules_for(case.country).name, "n": minimum}]
    if step.name == "close" and closure_status not in nrm.CLOSURE_STATUSES:
        errors["closure_status"] = [_("Choose closed or closed and referred.")]
    return errors


def case_transition(
    *, actor: Actor, case_id: int, transition: str, outcome: str = "", reason: str = "",
    effective_on: dt.date | None = None, reflection_days: int | None = None, closure_status: str = "closed",
) -> NrmEvent:
    step = nrm.TRANSITIONS.get(transition)
    # Checked before the transaction so that the refusal's audit row is not rolled back with it.
    _check_rights(actor, case_id, transition, step)
    # Locked, so two people recording steps at once cannot both act on the same stage; the right to take
    # the step is decided again under the lock (a share revoked meanwhile wins).
    with case_locked_for(actor=actor, case_id=case_id, action=step.action, what=step.name) as access:
        case = access.case
        effective_on = effective_on or timezone.localdate()
        errors = _validate(case, step, outcome=outcome, reason=reason, effective_on=effective_on,
                           reflection_days=reflection_days, closure_status=closure_status)
        if errors:
            raise ValidationFailed(errors)
        from_stage = case.nrm_stage
        changed = _apply(case, step, actor=actor, outcome=outcome, reason=reason, on=effective_on,
                         reflection_days=reflection_days, closure_status=closure_status)
        case.save(update_fields=changed)
        event = NrmEvent.objects.create(
            case=case, transition=step.name, from_stage=from_stage, to_stage=case.nrm_stage, outcome=outcome,
            reason=reason.strip() or None, effective_on=effective_on, actor_id=actor.user_id,
            organisation_id=actor.organisation_id,
        )
        audit.record(actor=actor, action="update", object_type="case", object_id=case.pk,
                     fields=[*changed, "nrm_event"], reason=f"nrm:{step.name}{':' + outcome if outcome else ''}")
    return event


def _check_rights(actor: Actor, case_id: int, transition: str, step: nrm.Transition | None) -> None:
    """Who cannot see the case is told "not found"; who sees it but may not take this step, "forbidden"."""
    case = case_get_for(actor=actor, case_id=case_id, action=R.CASE_VIEW, what=transition[:64])
    if step is None:
        raise ValidationFailed({"transition": [_("Unknown step.")]})
    if not policy.CASE.can(actor, step.action, case):
        audit.record(actor=actor, action="denied", object_type="case", object_id=case_id, reason=step.name)
        raise Forbidden(step.action)


def _apply(case: Case, step: nrm.Transition, *, actor: Actor, outcome: str, reason: str, on: dt.date,
           reflection_days: int | None, closure_status: str) -> list[str]:
    rules = rules_for(case.country)
    changed = ["nrm_stage"]
    target = step.outcomes.get(outcome) if step.outcomes else step.target
    if step.child_only:
        return []
    if step.name == "reasonable_grounds":
        _stop(case, [CaseClock.Kind.REASONABLE_GROUNDS], on)
        if outcome == POSITIVE:
            case.trafficking_status = TraffickingStatus.PRESUMED
        else:
            case.trafficking_status = TraffickingStatus.NOT_A_VICTIM
            case.stage_before_closure, case.status = case.nrm_stage, Case.Status.CLOSED
            case.closure_reason = "negative reasonable-grounds decision"
            case.closed_on = on  # retention runs from here (services/retention.py)
            changed += ["stage_before_closure", "status", "closure_reason", "closed_on"]
        case.deciding_organisation_id = actor.organisation_id
        changed += ["trafficking_status", "deciding_organisation"]
    elif step.name == "start_reflection":
        days = reflection_days or rules.reflection_days
        CaseClock.objects.create(case=case, kind=CaseClock.Kind.REFLECTION, starts_on=on,
                                 due_on=on + dt.timedelta(days=days),
                                 rule=f"{rules.label()}: {days} days of recovery and reflection "
                                      f"(at least {rules.reflection_days})")
        if rules.reflection_review_day:
            CaseClock.objects.create(case=case, kind=CaseClock.Kind.REFLECTION_REVIEW, starts_on=on,
                                     due_on=on + dt.timedelta(days=rules.reflection_review_day),
                                     rule=f"{rules.label()}: review on day {rules.reflection_review_day}")
        CaseClock.objects.create(case=case, kind=CaseClock.Kind.CONCLUSIVE_GROUNDS, starts_on=on,
                                 due_on=rules.add_working_days(on, rules.conclusive_grounds_working_days),
                                 rule=f"{rules.label()}: decision within "
                                      f"{rules.conclusive_grounds_working_days} working days")
    elif step.name in ("conclusive_grounds", "reconsideration_decision"):
        _stop(case, [CaseClock.Kind.CONCLUSIVE_GROUNDS], on)
        case.trafficking_status = (TraffickingStatus.IDENTIFIED if outcome == POSITIVE
                                   else TraffickingStatus.NOT_A_VICTIM)
        case.deciding_organisation_id = actor.organisation_id
        changed += ["trafficking_status", "deciding_organisation"]
    elif step.name == "close":
        _stop(case, None, on)
        case.stage_before_closure, case.status, case.closure_reason = case.nrm_stage, closure_status, reason[:300]
        case.closed_on = on  # retention runs from here (services/retention.py)
        changed += ["stage_before_closure", "status", "closure_reason", "closed_on"]
    elif step.name == "reopen":
        target = case.stage_before_closure or Stage.DETECTED
        case.status, case.closure_reason, case.stage_before_closure = Case.Status.ACTIVE, "", ""
        case.closed_on = None  # an open case is never due for anonymisation
        changed += ["stage_before_closure", "status", "closure_reason", "closed_on"]
    case.nrm_stage = target
    return changed


__all__ = ["NEGATIVE", "POSITIVE", "case_transition", "clocks_on_detection"]
