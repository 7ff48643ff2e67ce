"""The NRM state machine: stages in order, decisions only by competent authorities, clocks from the country
profile, the child procedure, and bad steps refused with nothing written."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.cases.domain import nrm
from alliance.cases.domain.country_rules import ProfileError, _parse, rules_for
from alliance.cases.models import Case, CaseClock, NrmEvent
from alliance.cases.services import case_create, case_transition
from alliance.core import roles as R
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from tests import factories


@pytest.fixture
def nrm_world(db):
    shelter = factories.organisation("Shelter", sector="ngo")
    authority = factories.organisation("Identification Authority", sector="border_migration")
    worker = factories.actor(factories.member(shelter, [R.CASE_WORKER]))
    decider = factories.actor(factories.member(authority, [R.COMPETENT_AUTHORITY]))
    case = case_create(actor=worker, given_name="Nadia", family_name="Roshan", country="XD")
    factories.share(actor=worker, case_id=case.pk, organisation_id=authority.pk, scope="full", purpose="NRM decisions")
    return {"worker": worker, "decider": decider, "case": case}


def _step(world, who, transition, **kw):
    return case_transition(actor=world[who], case_id=world["case"].pk, transition=transition, **kw)


def test_full_path_with_clocks_and_audit(nrm_world):
    case = nrm_world["case"]
    rg = CaseClock.objects.get(case=case, kind="reasonable_grounds")
    assert rg.due_on == rules_for("XD").add_working_days(rg.starts_on, 5) and "Dreamland" in rg.rule
    _step(nrm_world, "decider", "reasonable_grounds", outcome="positive")
    _step(nrm_world, "worker", "start_reflection")
    reflection = CaseClock.objects.get(case=case, kind="reflection", stopped_on__isnull=True)
    assert (reflection.due_on - reflection.starts_on).days == 45
    assert CaseClock.objects.filter(case=case, kind="reflection_review").exists()
    _step(nrm_world, "decider", "conclusive_grounds", outcome="positive")
    for transition in ("start_assistance", "residence_step", "social_inclusion", "proceedings"):
        _step(nrm_world, "worker", transition)
    _step(nrm_world, "worker", "close", reason="Support plan completed", closure_status="closed_referred")
    case.refresh_from_db()
    assert case.nrm_stage == "closed" and case.status == "closed_referred"
    assert case.trafficking_status == "identified"
    assert case.deciding_organisation_id == nrm_world["decider"].organisation_id
    assert not CaseClock.objects.filter(case=case, stopped_on__isnull=True).exists()
    assert NrmEvent.objects.filter(case=case).count() == 8
    assert AuditEvent.objects.filter(object_id=str(case.pk), reason="nrm:conclusive_grounds:positive").exists()
    _step(nrm_world, "worker", "reopen", reason="New evidence of re-trafficking")
    case.refresh_from_db()
    assert case.nrm_stage == "proceedings" and case.status == "active"


def test_decisions_only_by_a_competent_authority(nrm_world):
    with pytest.raises(Forbidden):
        _step(nrm_world, "worker", "reasonable_grounds", outcome="positive")
    assert not NrmEvent.objects.exists()
    assert AuditEvent.objects.filter(action="denied", reason="reasonable_grounds").exists()


def test_a_stranger_gets_not_found(nrm_world):
    stranger = factories.actor(factories.member(factories.organisation(), [R.COMPETENT_AUTHORITY]))
    with pytest.raises(NotFound):
        case_transition(actor=stranger, case_id=nrm_world["case"].pk, transition="reasonable_grounds",
                        outcome="positive")


def test_impossible_step_is_refused_with_the_stage(nrm_world):
    with pytest.raises(ValidationFailed) as error:
        _step(nrm_world, "decider", "conclusive_grounds", outcome="positive")
    assert "Detected or screened" in error.value.errors["transition"][0]
    assert Case.objects.get().nrm_stage == "detected" and not NrmEvent.objects.exists()


def test_negative_reasonable_grounds_closes_as_not_a_victim(nrm_world):
    _step(nrm_world, "decider", "reasonable_grounds", outcome="negative")
    case = Case.objects.get()
    assert (case.nrm_stage, case.trafficking_status, case.status) == ("closed", "not_a_victim", "closed")


def test_reconsideration_after_a_negative_decision(nrm_world):
    _step(nrm_world, "decider", "reasonable_grounds", outcome="positive")
    _step(nrm_world, "worker", "start_reflection")
    _step(nrm_world, "decider", "conclusive_grounds", outcome="negative")
    with pytest.raises(ValidationFailed) as error:
        _step(nrm_world, "worker", "request_reconsideration")
    assert "reason" in error.value.errors
    _step(nrm_world, "worker", "request_reconsideration", reason="New medical report")
    _step(nrm_world, "decider", "reconsideration_decision", outcome="positive")
    assert Case.objects.get().trafficking_status == "identified"


def test_reflection_shorter_than_the_country_minimum_is_refused(nrm_world):
    _step(nrm_world, "decider", "reasonable_grounds", outcome="positive")
    with pytest.raises(ValidationFailed) as error:
        _step(nrm_world, "worker", "start_reflection", reflection_days=30)
    assert "45" in error.value.errors["reflection_days"][0]
    _step(nrm_world, "worker", "start_reflection", reflection_days=60)
    clock = CaseClock.objects.get(kind="reflection")
    assert (clock.due_on - clock.starts_on).days == 60


def test_dates_in_the_wrong_order_are_refused(nrm_world):
    today = timezone.localdate()
    with pytest.raises(ValidationFailed) as error:
        _step(nrm_world, "decider", "reasonable_grounds", outcome="positive",
              effective_on=today + dt.timedelta(days=1))
    assert "future" in error.value.errors["effective_on"][0]
    with pytest.raises(ValidationFailed):
        _step(nrm_world, "decider", "reasonable_grounds", outcome="positive", effective_on=today - dt.timedelta(days=3))


def test_child_procedure_comes_first(nrm_world):
    worker, decider = nrm_world["worker"], nrm_world["decider"]
    child = case_create(actor=worker, given_name="Ali", family_name="Karimi", birth_date="2012-05-05")
    assert child.is_child
    factories.share(actor=worker, case_id=child.pk, organisation_id=decider.organisation_id, scope="full",
                    purpose="NRM")
    case_transition(actor=decider, case_id=child.pk, transition="reasonable_grounds", outcome="positive")
    with pytest.raises(ValidationFailed) as error:
        case_transition(actor=worker, case_id=child.pk, transition="start_reflection")
    assert "guardian" in error.value.errors["transition"][0]
    case_transition(actor=worker, case_id=child.pk, transition="appoint_guardian")
    case_transition(actor=worker, case_id=child.pk, transition="start_reflection")
    with pytest.raises(ValidationFailed):
        case_transition(actor=worker, case_id=child.pk, transition="appoint_guardian")  # once is enough


def test_adults_have_no_child_steps(nrm_world):
    with pytest.raises(ValidationFailed):
        _step(nrm_world, "worker", "appoint_guardian")


def test_working_days_skip_weekends_and_holidays():
    rules = rules_for("XD")
    friday = dt.date(2026, 12, 18)
    # Mon 21, Tue 22, Wed 23, Thu 24, (Fri 25 is a holiday, weekend 26-27), Mon 28
    assert rules.add_working_days(friday, 5) == dt.date(2026, 12, 28)
    middelland = rules_for("XM")  # weekend on Friday and Saturday
    assert middelland.add_working_days(dt.date(2026, 12, 17), 1) == dt.date(2026, 12, 20)


def test_a_profile_below_the_convention_minimum_is_refused():
    data = {"code": "XQ", "name": "Q", "version": "1", "reflection_days": 20, "reflection_review_day": None,
            "reasonable_grounds_working_days": 5, "conclusive_grounds_working_days": 30,
            "referral_response_working_days": 3, "weekend": [5, 6], "holidays": [], "first_responder_sectors": [],
            "duty_to_notify_sectors": [], "anonymous_notification_without_consent": False,
            "retention_years_after_closure": 5}
    with pytest.raises(ProfileError, match="30-day minimum"):
        _parse(data)


def test_every_shipped_profile_loads():
    from alliance.cases.domain.country_rules import available_profiles

    assert {p.code for p in available_profiles()} >= {"XD", "XP", "XM"}
    assert all(p.reflection_days >= 30 for p in available_profiles())


def test_every_stage_is_reachable_and_closed_can_reopen():
    reachable, frontier = {"detected"}, ["detected"]
    while frontier:
        stage = frontier.pop()
        for t in nrm.TRANSITIONS.values():
            if stage in t.sources:
                for target in [*t.outcomes.values(), t.target]:
                    if target and target not in reachable:
                        reachable.add(target)
                        frontier.append(target)
    assert reachable == set(nrm.Stage.values)
