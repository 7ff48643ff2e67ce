"""Writing the case file: tasks, notes, the support plan and its services. Each refusal says why, writes
nothing, and only those who may edit the case file (own organisation or an accepted full share) may write."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.cases.models import Note, Notification, SupportPlan, SupportService, Task
from alliance.cases.services.casefile import (
    note_add,
    support_plan_save,
    support_service_add,
    support_service_update,
    task_complete,
    task_create,
    task_update,
)
from alliance.core import roles as R
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from tests import factories
from tests.cases.casefile_world import desk_fixture  # noqa: F401 - the `desk` fixture


def today():
    """Read at each use: a run that crosses midnight must not find "today" in the past."""
    return timezone.localdate()


def yesterday():
    return today() - dt.timedelta(days=1)


def next_week():
    return today() + dt.timedelta(days=7)


def _errors(call) -> dict:
    with pytest.raises(ValidationFailed) as caught:
        call()
    return caught.value.errors


# --- Tasks ------------------------------------------------------------------------------------------
def test_a_task_for_a_colleague_notifies_them(desk):
    task = task_create(actor=desk.actor("police"), case_id=desk.case.pk, title="Book an interpreter",
                       due_on=next_week(), assignee_id=desk.colleague.user_id)
    assert task.organisation_id == desk.police.organisation_id and task.status == "open"
    notice = Notification.objects.get(user=desk.colleague.user)
    assert notice.kind == "task_assigned" and notice.case_id == desk.case.pk
    assert AuditEvent.objects.filter(action="create", object_type="task", object_id=str(task.pk)).exists()


def test_assigning_oneself_sends_no_notice(desk):
    task_create(actor=desk.actor("police"), case_id=desk.case.pk, title="Call back", assignee_id=desk.police.user_id)
    assert not Notification.objects.exists()


def test_the_assignee_must_be_an_active_member_of_my_organisation(desk):
    for outsider in (desk.shelter, desk.stranger):
        errors = _errors(lambda o=outsider: task_create(actor=desk.actor("police"), case_id=desk.case.pk,
                                                         title="Visit", assignee_id=o.user_id))
        assert "assignee" in errors
    desk.colleague.is_active = False
    desk.colleague.save()
    assert "assignee" in _errors(lambda: task_create(actor=desk.actor("police"), case_id=desk.case.pk, title="Visit",
                                                     assignee_id=desk.colleague.user_id))
    # An auditor of my own organisation does not work on cases.
    auditor = factories.member(desk.police.organisation, [R.AUDITOR])
    assert "assignee" in _errors(lambda: task_create(actor=desk.actor("police"), case_id=desk.case.pk, title="Visit",
                                                     assignee_id=auditor.user_id))
    assert not Task.objects.exists() and not Notification.objects.exists()


def test_due_date_not_in_the_past_and_title_required(desk):
    errors = _errors(lambda: task_create(actor=desk.actor("police"), case_id=desk.case.pk, title="  ",
                                         due_on=yesterday()))
    assert set(errors) == {"title", "due_on"}
    assert "At most" in _errors(lambda: task_create(actor=desk.actor("police"), case_id=desk.case.pk,
                                                    title="x" * 301))["title"][0]
    assert not Task.objects.exists()


def test_update_reassigns_notifies_and_keeps_what_is_not_given(desk):
    task = task_create(actor=desk.actor("police"), case_id=desk.case.pk, title="Visit", due_on=next_week())
    task_update(actor=desk.actor("police"), task_id=task.pk, assignee_id=desk.colleague.user_id)
    task.refresh_from_db()
    assert task.assignee_id == desk.colleague.user_id and task.due_on == next_week() and task.title == "Visit"
    assert Notification.objects.filter(user=desk.colleague.user, kind="task_assigned").count() == 1
    task_update(actor=desk.actor("police"), task_id=task.pk, due_on=None, status="cancelled")
    task.refresh_from_db()
    assert task.due_on is None and task.status == "cancelled" and task.completed_at is not None
    assert "status" in _errors(lambda: task_update(actor=desk.actor("police"), task_id=task.pk, status="done"))


def test_an_old_due_date_may_stay_when_something_else_changes(desk):
    task = task_create(actor=desk.actor("police"), case_id=desk.case.pk, title="Visit")
    Task.objects.filter(pk=task.pk).update(due_on=yesterday())
    task_update(actor=desk.actor("police"), task_id=task.pk, title="Visit the shelter", due_on=yesterday())
    assert "due_on" in _errors(lambda: task_update(actor=desk.actor("police"), task_id=task.pk,
                                                   due_on=yesterday() - dt.timedelta(days=1)))


def test_complete_once(desk):
    task = task_create(actor=desk.actor("police"), case_id=desk.case.pk, title="Visit")
    done = task_complete(actor=desk.actor("shelter"), task_id=task.pk)  # a full share works on the file too
    assert done.status == "done" and done.completed_at is not None
    assert "status" in _errors(lambda: task_complete(actor=desk.actor("police"), task_id=task.pk))


@pytest.mark.parametrize("who", ["clinic", "stranger", "authority"])
def test_those_who_may_not_edit_are_told_not_found(desk, who):
    task = task_create(actor=desk.actor("police"), case_id=desk.case.pk, title="Visit")
    actor = desk.actor(who)
    with pytest.raises(NotFound):
        task_create(actor=actor, case_id=desk.case.pk, title="Mine")
    with pytest.raises(NotFound):
        task_complete(actor=actor, task_id=task.pk)
    with pytest.raises(NotFound):
        task_update(actor=actor, task_id=task.pk, title="Changed")
    with pytest.raises(NotFound):
        note_add(actor=actor, case_id=desk.case.pk, body="x")
    with pytest.raises(NotFound):
        support_plan_save(actor=actor, case_id=desk.case.pk)
    assert AuditEvent.objects.filter(action="denied", object_type="case", object_id=str(desk.case.pk)).exists()
    with pytest.raises(NotFound):
        task_complete(actor=actor, task_id=10**9)


def test_an_exercise_case_is_out_of_reach_from_the_live_realm(desk):
    exercise = factories.exercise_realm("Team B")
    trainer = factories.member(desk.police.organisation, [R.TRAINER])
    exercise.participants.add(trainer.user)
    from alliance.cases.services import case_create

    case = case_create(actor=factories.actor(trainer, exercise), given_name="Exe", family_name="Rcise")
    task_create(actor=factories.actor(trainer, exercise), case_id=case.pk, title="Play")
    with pytest.raises(NotFound):
        task_create(actor=desk.actor("police"), case_id=case.pk, title="Live")


# --- Notes ------------------------------------------------------------------------------------------
def test_note_sensitivity_and_limits(desk):
    note = note_add(actor=desk.actor("police"), case_id=desk.case.pk, body=" Met at the station. ",
                    sensitivity="confidential")
    assert note.body == "Met at the station." and note.author_id == desk.police.user_id
    errors = _errors(lambda: note_add(actor=desk.actor("police"), case_id=desk.case.pk, body="",
                                      sensitivity="secret"))
    assert set(errors) == {"body", "sensitivity"}
    assert "body" in _errors(lambda: note_add(actor=desk.actor("police"), case_id=desk.case.pk, body="x" * 10_001))
    assert Note.objects.count() == 1


# --- Support plan and services ------------------------------------------------------------------------
def test_support_plan_is_one_per_case_and_replaced_whole(desk):
    plan = support_plan_save(actor=desk.actor("shelter"), case_id=desk.case.pk, objectives="Safety, health",
                             support_types=["SocialCare", "Health", "Health"], planned_end_on=next_week())
    assert plan.support_types == ["Health", "SocialCare"]  # HTCDS order, no repeats
    again = support_plan_save(actor=desk.actor("police"), case_id=desk.case.pk, action_plan="Weekly visits")
    assert again.pk == plan.pk and SupportPlan.objects.count() == 1
    again.refresh_from_db()
    assert again.objectives is None and again.action_plan == "Weekly visits" and again.support_types == []
    assert AuditEvent.objects.filter(object_type="support_plan", action="update").exists()


def test_support_plan_refusals(desk):
    before_opening = desk.case.created_at.date() - dt.timedelta(days=3)
    errors = _errors(lambda: support_plan_save(
        actor=desk.actor("police"), case_id=desk.case.pk, support_types=["Shelter"],
        planned_end_on=before_opening, actual_end_on=next_week(), objectives="x" * 5001))
    assert set(errors) == {"support_types", "planned_end_on", "actual_end_on", "objectives"}
    assert not SupportPlan.objects.exists()


def test_services_need_a_plan_a_provider_and_dates_in_order(desk):
    actor = desk.actor("police")
    assert "__all__" in _errors(lambda: support_service_add(actor=actor, case_id=desk.case.pk, support_type="Legal",
                                                            provider_name="Dream Lawyers"))
    support_plan_save(actor=actor, case_id=desk.case.pk, support_types=["Legal"])
    assert "provider" in _errors(lambda: support_service_add(actor=actor, case_id=desk.case.pk,
                                                             support_type="Legal"))
    assert "provider" in _errors(lambda: support_service_add(
        actor=actor, case_id=desk.case.pk, support_type="Legal", provider_id=desk.shelter.organisation_id,
        provider_name="Also someone"))
    assert "provider" in _errors(lambda: support_service_add(actor=actor, case_id=desk.case.pk,
                                                             support_type="Legal", provider_id=10**9))
    errors = _errors(lambda: support_service_add(actor=actor, case_id=desk.case.pk, support_type="Flying",
                                                 provider_name="X", status="lost", starts_on=next_week(),
                                                 ends_on=today()))
    assert set(errors) == {"support_type", "status", "ends_on"}
    assert "starts_on" in _errors(lambda: support_service_add(actor=actor, case_id=desk.case.pk,
                                                              support_type="Legal", provider_name="X",
                                                              status="delivered", starts_on=next_week()))
    assert not SupportService.objects.exists()
    service = support_service_add(actor=actor, case_id=desk.case.pk, support_type="Legal",
                                  provider_id=desk.shelter.organisation_id, starts_on=today(), description="Advice")
    assert service.provider_id == desk.shelter.organisation_id and service.status == "planned"


def test_service_update_checks_the_result_as_a_whole(desk):
    actor = desk.actor("shelter")
    support_plan_save(actor=actor, case_id=desk.case.pk)
    service = support_service_add(actor=actor, case_id=desk.case.pk, support_type="Health",
                                  provider_name="Green Clinic", starts_on=today())
    assert "ends_on" in _errors(lambda: support_service_update(actor=actor, service_id=service.pk,
                                                               ends_on=yesterday()))
    updated = support_service_update(actor=actor, service_id=service.pk, status="delivered", ends_on=next_week(),
                                     provider_id=desk.clinic.organisation_id)
    updated.refresh_from_db()
    assert (updated.status, updated.ends_on, updated.provider_id, updated.provider_name) == (
        "delivered", next_week(), desk.clinic.organisation_id, "")
    with pytest.raises(NotFound):
        support_service_update(actor=desk.actor("clinic"), service_id=service.pk, status="cancelled")
