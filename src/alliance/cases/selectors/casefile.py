"""Reads of the case file (tasks, notes, documents, support plan), for the pages and the API alike.

Who reads what (the rules are core.policy's):
- The case file belongs to the full file: a reader through a limited share (or a referral still waiting
  for an answer) sees none of it, and asking for one of its items answers "not found".
- Notes and documents carry a sensitivity (core/policy/casefile.py).
Every read is audited with the ids it showed.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case as Conditional
from django.db.models import F, QuerySet, Value, When
from django.utils import timezone

from alliance.cases.domain.uploads import ALLOWED
from alliance.cases.htcds.vocabulary import SupportType
from alliance.cases.models import Case, Document, Note, SupportPlan, SupportService, Task
from alliance.cases.selectors.register import CaseAccess, case_access_or_none, case_get_for
from alliance.cases.services.notifications import members_who_may
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound
from alliance.core.policy.casefile import may_read_part, readable_parts
from alliance.directory.models import User

TASK_FIELDS = ["task.title", "task.due_on", "task.assignee", "task.status"]
NOTE_FIELDS = ["note.body", "note.sensitivity", "note.author"]
DOCUMENT_FIELDS = ["document.title", "document.filename", "document.content_type", "document.size",
                   "document.sensitivity"]
PLAN_FIELDS = ["support_plan.objectives", "support_plan.action_plan", "support_plan.support_types",
               "support_plan.planned_end_on", "support_plan.actual_end_on", "support_service.description",
               "support_service.provider", "support_service.status"]


# --- Gates: the case's (cases.selectors.register.case_access_for), then the part's sensitivity ---------
def _full_file(actor: Actor, case_id: object) -> CaseAccess | None:
    return case_access_or_none(actor=actor, case_id=case_id, action=R.CASE_VIEW, need_full=True)


def _readable_case(actor: Actor, case_id: object, *, what: str) -> Case:
    """The case, if the actor reads its full file; otherwise "not found", audited as a denial."""
    return case_get_for(actor=actor, case_id=case_id, action=R.CASE_VIEW, need_full=True,
                        what=f"case file: {what}")


def _ids(rows) -> str:
    ids = [str(row.pk) for row in rows]
    return f"{len(ids)}: " + ",".join(ids)


# --- Tasks --------------------------------------------------------------------------------------------
def _with_overdue(tasks: list[Task]) -> list[Task]:
    today = timezone.localdate()
    for task in tasks:
        task.overdue = task.status == Task.Status.OPEN and task.due_on is not None and task.due_on < today
    return tasks


def _tasks(case: Case) -> list[Task]:
    # Open tasks first, the most pressing at the top; then the closed ones.
    open_first = Conditional(When(status=Task.Status.OPEN, then=Value(0)), default=Value(1))
    queryset = case.tasks.select_related("assignee", "organisation").order_by(
        open_first, F("due_on").asc(nulls_last=True), "id")
    return _with_overdue(list(queryset))


def task_list_for(*, actor: Actor, case_id: int) -> list[Task]:
    case = _readable_case(actor, case_id, what="tasks")
    tasks = _tasks(case)
    audit.record(actor=actor, action="list", object_type="task", object_id=case.pk, fields=TASK_FIELDS,
                 reason=f"tasks {_ids(tasks)}")
    return tasks


def task_get_for(*, actor: Actor, task_id: int) -> Task:
    """The one gate for a task: its case's full file."""
    found = list(Task.objects.filter(pk=task_id, case__realm_id=actor.realm_id)
                 .select_related("case", "assignee", "organisation")[:1]) if type(task_id) is int else []
    task = found[0] if found else None
    # The case's gate runs for a missing task too (on no case), so both cost the same work.
    if _full_file(actor, task.case_id if task else 0) is None or task is None:
        audit.record(actor=actor, action="denied", object_type="task", object_id=task_id, reason="case file: task")
        raise NotFound("task")
    audit.record(actor=actor, action="view", object_type="task", object_id=task.pk, fields=TASK_FIELDS,
                 reason=f"case {task.case_id}")
    return _with_overdue([task])[0]


def my_tasks_for(*, actor: Actor) -> list[Task]:
    """Open tasks assigned to the actor on cases whose full file they read: overdue first, then by due date,
    undated last."""
    if not policy.may(actor, R.CASE_VIEW):
        raise Forbidden(R.CASE_VIEW)
    visible = policy.CASE.with_field_scope(actor, R.CASE_VIEW, policy.CASE.scope(actor, R.CASE_VIEW)) \
        .filter(full_scope=True).values("pk")
    tasks = list(Task.objects.filter(assignee_id=actor.user_id, status=Task.Status.OPEN, case__in=visible)
                 .select_related("case", "organisation", "assignee")
                 .order_by(F("due_on").asc(nulls_last=True), "id")[:500])
    audit.record(actor=actor, action="list", object_type="task", fields=TASK_FIELDS,
                 reason=f"my tasks {_ids(tasks)}")
    return _with_overdue(tasks)


def assignable_members(*, actor: Actor) -> list[User]:
    """Who a task may be given to: active members of the actor's organisation whose roles read cases in
    this realm (exercise roles count in an exercise only, and only for its participants)."""
    if actor.organisation_id is None:
        return []
    ids = members_who_may(organisation_id=actor.organisation_id, action=R.CASE_VIEW, realm_id=actor.realm_id)
    return list(User.objects.filter(pk__in=ids).order_by("display_name", "id"))


# --- Notes and documents ---------------------------------------------------------------------------------
def _notes(actor: Actor, case: Case) -> list[Note]:
    return list(case.notes.filter(readable_parts(actor, author_field="author_id"))
                .select_related("organisation", "author").order_by("-created_at", "-id"))


def note_list_for(*, actor: Actor, case_id: int) -> list[Note]:
    case = _readable_case(actor, case_id, what="notes")
    notes = _notes(actor, case)
    audit.record(actor=actor, action="list", object_type="note", object_id=case.pk, fields=NOTE_FIELDS,
                 reason=f"notes {_ids(notes)}")
    return notes


def _documents(actor: Actor, case: Case) -> QuerySet:
    return (case.documents.filter(readable_parts(actor, author_field="uploaded_by_id"))
            .select_related("organisation", "uploaded_by").defer("content").order_by("-uploaded_at", "-id"))


def _with_kind(documents: list[Document]) -> list[Document]:
    for document in documents:
        kind = ALLOWED.get(document.content_type)
        document.kind_label = str(kind.label) if kind else document.content_type
    return documents


def document_list_for(*, actor: Actor, case_id: int) -> list[Document]:
    case = _readable_case(actor, case_id, what="documents")
    documents = list(_documents(actor, case))
    audit.record(actor=actor, action="list", object_type="document", object_id=case.pk, fields=DOCUMENT_FIELDS,
                 reason=f"documents {_ids(documents)}")
    return documents


def document_get_for(*, actor: Actor, document_id: int) -> Document:
    """The one gate for a document (without its content): its case's full file and its sensitivity."""
    found = list(Document.objects.filter(pk=document_id, case__realm_id=actor.realm_id).select_related("case")
                 .defer("content")[:1]) if type(document_id) is int else []
    document = found[0] if found else None
    if _full_file(actor, document.case_id if document else 0) is None or document is None or not may_read_part(
            actor, sensitivity=document.sensitivity, organisation_id=document.organisation_id,
            author_id=document.uploaded_by_id):
        audit.record(actor=actor, action="denied", object_type="document", object_id=document_id,
                     reason="case file: document")
        raise NotFound("document")
    return document


# --- Support plan ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class PlanView:
    plan: SupportPlan | None
    services: list[SupportService]


def _plan(case: Case) -> PlanView:
    plan = SupportPlan.objects.filter(case=case).select_related("updated_by").first()
    services = list(plan.services.select_related("provider").order_by(F("starts_on").asc(nulls_last=True), "id")) \
        if plan else []
    labels = dict(SupportType.choices)
    for service in services:
        service.support_type_label = str(labels.get(service.support_type, service.support_type))
    return PlanView(plan=plan, services=services)


def support_plan_for(*, actor: Actor, case_id: int) -> PlanView:
    case = _readable_case(actor, case_id, what="support plan")
    view = _plan(case)
    audit.record(actor=actor, action="view", object_type="support_plan", object_id=case.pk, fields=PLAN_FIELDS,
                 reason=f"services {_ids(view.services)}")
    return view


def case_of_service(*, actor: Actor, service_id: int) -> int | None:
    """Which case a support service belongs to (in the actor's realm): where its form returns to. The
    service itself decides whether the actor may change it."""
    return (SupportService.objects.filter(pk=service_id, plan__case__realm_id=actor.realm_id)
            .values_list("plan__case_id", flat=True).first())


# --- The whole file at once, for the case page ------------------------------------------------------------
@dataclass(frozen=True)
class CaseFile:
    tasks: list[Task]
    notes: list[Note]
    documents: list[Document]
    plan: PlanView


def casefile_for(*, actor: Actor, case: Case) -> CaseFile | None:
    """For a case the actor passed the case gate for; None when they read only the limited fields."""
    if _full_file(actor, case.pk) is None:
        return None
    result = CaseFile(tasks=_tasks(case), notes=_notes(actor, case),
                      documents=_with_kind(list(_documents(actor, case))), plan=_plan(case))
    audit.record(actor=actor, action="view", object_type="case_file", object_id=case.pk,
                 fields=["timeline", *TASK_FIELDS, *NOTE_FIELDS, *DOCUMENT_FIELDS, *PLAN_FIELDS],
                 reason=f"tasks {_ids(result.tasks)}; notes {_ids(result.notes)}; "
                        f"documents {_ids(result.documents)}; services {_ids(result.plan.services)}")
    return result
