"""Tasks on a case: given to a colleague of one's own organisation, with an optional due date."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain.checks import clean_text
from alliance.cases.models import Notification, Task
from alliance.cases.selectors.casefile import assignable_members
from alliance.cases.services.casefile.gate import KEEP, editable_case, editable_part
from alliance.cases.services.notifications import notify
from alliance.core import audit
from alliance.core.actor import Actor
from alliance.core.errors import ValidationFailed

TITLE_MAX = 300


def _check_assignee(actor: Actor, assignee_id: int | None, errors: dict) -> None:
    if assignee_id is not None and assignee_id not in {user.pk for user in assignable_members(actor=actor)}:
        errors["assignee"] = [_("Choose an active member of your organisation who works on cases.")]


def _check_due(due_on: dt.date | None, errors: dict) -> None:
    if due_on is not None and due_on < timezone.localdate():
        errors["due_on"] = [_("The due date is in the past.")]


def _tell(actor: Actor, task: Task) -> None:
    # Telling someone of a task they gave themselves would be noise.
    if task.assignee_id is not None and task.assignee_id != actor.user_id:
        notify(realm_id=actor.realm_id, user_ids=[task.assignee_id], kind=Notification.Kind.TASK_ASSIGNED,
               case=task.case)


def task_create(*, actor: Actor, case_id: int, title: str, due_on: dt.date | None = None,
                assignee_id: int | None = None) -> Task:
    case = editable_case(actor=actor, case_id=case_id, what="task")
    errors: dict[str, list[str]] = {}
    title = clean_text(title, "title", required=True, max_length=TITLE_MAX, errors=errors)
    _check_due(due_on, errors)
    _check_assignee(actor, assignee_id, errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        task = Task.objects.create(case=case, organisation_id=actor.organisation_id, title=title, due_on=due_on,
                                   assignee_id=assignee_id, created_by_id=actor.user_id)
        audit.record(actor=actor, action="create", object_type="task", object_id=task.pk,
                     fields=["title"] + [n for n, v in (("due_on", due_on), ("assignee", assignee_id)) if v],
                     reason=f"case {case.pk}")
        _tell(actor, task)
    return task


def _editable_task(actor: Actor, task_id: object, what: str) -> Task:
    task = (Task.objects.select_related("case").filter(pk=task_id, case__realm_id=actor.realm_id).first()
            if type(task_id) is int else None)
    editable_part(actor=actor, part="task", part_id=task_id, case_id=task.case_id if task else None, what=what)
    return task


def task_update(*, actor: Actor, task_id: int, title=KEEP, due_on=KEEP, assignee_id=KEEP, status=KEEP) -> Task:
    """Change what is given (KEEP leaves a field alone). An open task may be cancelled or reopened; a task is
    marked done with task_complete."""
    task = _editable_task(actor, task_id, "task update")
    errors: dict[str, list[str]] = {}
    changed: list[str] = []
    if title is not KEEP:
        task.title = clean_text(title, "title", required=True, max_length=TITLE_MAX, errors=errors)
        changed.append("title")
    if due_on is not KEEP and due_on != task.due_on:
        _check_due(due_on, errors)
        task.due_on = due_on
        changed.append("due_on")
    reassigned = assignee_id is not KEEP and assignee_id != task.assignee_id
    if reassigned:
        _check_assignee(actor, assignee_id, errors)
        task.assignee_id = assignee_id
        changed.append("assignee")
    if status is not KEEP and status != task.status:
        if status not in (Task.Status.OPEN, Task.Status.CANCELLED):
            errors["status"] = [_("A task is marked done with “Done”; here it can only be reopened or "
                                  "cancelled.")]
        task.status = status
        task.completed_at = timezone.now() if status == Task.Status.CANCELLED else None
        changed += ["status", "completed_at"]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        if changed:
            task.save(update_fields=changed)
            audit.record(actor=actor, action="update", object_type="task", object_id=task.pk, fields=changed,
                         reason=f"case {task.case_id}")
        if reassigned:
            _tell(actor, task)
    return task


def task_complete(*, actor: Actor, task_id: int) -> Task:
    task = _editable_task(actor, task_id, "task complete")
    if task.status != Task.Status.OPEN:
        raise ValidationFailed({"status": [_("Only an open task can be marked done.")]})
    with transaction.atomic():
        task.status, task.completed_at = Task.Status.DONE, timezone.now()
        task.save(update_fields=["status", "completed_at"])
        audit.record(actor=actor, action="update", object_type="task", object_id=task.pk,
                     fields=["status", "completed_at"], reason=f"case {task.case_id}")
    return task
