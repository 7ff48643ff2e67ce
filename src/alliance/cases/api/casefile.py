"""/api/v1/cases: the case file (timeline, tasks, notes, documents, support plan and services), on the same
selectors and services as the case page."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from django.utils import timezone
from ninja import File, Form, Query, Router, Schema, Status, UploadedFile
from pydantic import Field

from alliance.cases.domain.uploads import attachment_response
from alliance.cases.htcds.vocabulary import SupportType
from alliance.cases.models import Task
from alliance.cases.selectors import casefile as selectors
from alliance.cases.selectors.timeline import timeline_for
from alliance.cases.services import casefile as services
from alliance.cases.services.casefile.gate import KEEP
from alliance.core.api_schemas import (
    ISO_DATE,
    MAX_ID,
    PAGE,
    PAGE_SIZE,
    StrictIn,
    calendar_date,
    id_path,
    with_errors,
)

router = Router(tags=["case file"])

Sensitivity = Literal["standard", "confidential", "restricted"]
SupportTypeCode = Literal[tuple(SupportType.values)]  # type: ignore[valid-type]
ServiceStatus = Literal["planned", "in_progress", "delivered", "cancelled"]


def _patch(payload: StrictIn, dates: tuple[str, ...] = ()) -> dict:
    """The fields a PATCH gave (null included: it clears), dates parsed; the rest stay KEEP."""
    given = {}
    for name in payload.model_fields_set:
        value = getattr(payload, name)
        given[name] = calendar_date(value, name) if name in dates else value
    return given


# --- Timeline -------------------------------------------------------------------------------------
class TimelineItemOut(Schema):
    at: datetime
    kind: str
    organisation: str
    user: str
    label: str


class TimelinePage(Schema):
    scope: str
    items: list[TimelineItemOut]
    count: int
    page: int
    page_size: int


class TimelineFilter(Schema):
    page: int = PAGE
    page_size: int = PAGE_SIZE


# --- Tasks ----------------------------------------------------------------------------------------
class TaskIn(StrictIn):
    title: str = Field(min_length=1, max_length=300)
    due_on: str | None = Field(default=None, pattern=ISO_DATE)
    assignee_id: int | None = Field(default=None, ge=1, le=MAX_ID)


class TaskPatch(StrictIn):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    due_on: str | None = Field(default=None, pattern=ISO_DATE)
    assignee_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    status: Literal["open", "cancelled"] | None = None


class TaskOut(Schema):
    id: int
    case_id: int
    case_number: str
    title: str
    due_on: date | None
    overdue: bool
    assignee_id: int | None
    assignee: str
    status: str
    organisation: str
    created_at: datetime
    completed_at: datetime | None

    @staticmethod
    def resolve_case_number(obj) -> str:
        return obj.case.number

    @staticmethod
    def resolve_title(obj) -> str:
        return obj.title or ""

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.status == Task.Status.OPEN and obj.due_on is not None and obj.due_on < timezone.localdate()

    @staticmethod
    def resolve_assignee(obj) -> str:
        return str(obj.assignee) if obj.assignee_id else ""

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name


class TaskList(Schema):
    items: list[TaskOut]
    count: int


# --- Notes ----------------------------------------------------------------------------------------
class NoteIn(StrictIn):
    body: str = Field(min_length=1, max_length=10_000)
    sensitivity: Sensitivity = "standard"


class NoteOut(Schema):
    id: int
    case_id: int
    sensitivity: str
    body: str
    organisation: str
    author: str
    created_at: datetime

    @staticmethod
    def resolve_body(obj) -> str:
        return obj.body or ""

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_author(obj) -> str:
        return str(obj.author) if obj.author_id else ""


class NoteList(Schema):
    items: list[NoteOut]
    count: int


# --- Documents ------------------------------------------------------------------------------------
class UploadIn(Schema):
    title: str = Field(default="", max_length=200)
    sensitivity: Sensitivity = "standard"


class DocumentOut(Schema):
    id: int
    case_id: int
    title: str
    filename: str
    content_type: str
    size: int
    sha256: str
    sensitivity: str
    organisation: str
    uploaded_by: str
    uploaded_at: datetime

    @staticmethod
    def resolve_organisation(obj) -> str:
        return obj.organisation.name

    @staticmethod
    def resolve_uploaded_by(obj) -> str:
        return str(obj.uploaded_by) if obj.uploaded_by_id else ""


class DocumentList(Schema):
    items: list[DocumentOut]
    count: int


# --- Support plan ---------------------------------------------------------------------------------
class PlanIn(StrictIn):
    objectives: str = Field(default="", max_length=5_000)
    action_plan: str = Field(default="", max_length=10_000)
    support_types: list[SupportTypeCode] = Field(default_factory=list, max_length=len(SupportType.values))
    planned_end_on: str | None = Field(default=None, pattern=ISO_DATE)
    actual_end_on: str | None = Field(default=None, pattern=ISO_DATE)


class ServiceIn(StrictIn):
    support_type: SupportTypeCode
    provider_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    provider_name: str = Field(default="", max_length=200)
    description: str = Field(default="", max_length=2_000)
    status: ServiceStatus = "planned"
    starts_on: str | None = Field(default=None, pattern=ISO_DATE)
    ends_on: str | None = Field(default=None, pattern=ISO_DATE)


class ServicePatch(StrictIn):
    support_type: SupportTypeCode | None = None
    provider_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    provider_name: str | None = Field(default=None, max_length=200)
    description: str | None = Field(default=None, max_length=2_000)
    status: ServiceStatus | None = None
    starts_on: str | None = Field(default=None, pattern=ISO_DATE)
    ends_on: str | None = Field(default=None, pattern=ISO_DATE)


class ServiceOut(Schema):
    id: int
    support_type: str
    provider_id: int | None
    provider: str
    description: str
    status: str
    starts_on: date | None
    ends_on: date | None
    created_at: datetime

    @staticmethod
    def resolve_provider(obj) -> str:
        return obj.provider.name if obj.provider_id else obj.provider_name

    @staticmethod
    def resolve_description(obj) -> str:
        return obj.description or ""


class PlanOut(Schema):
    exists: bool
    objectives: str
    action_plan: str
    support_types: list[str]
    planned_end_on: date | None
    actual_end_on: date | None
    updated_at: datetime | None
    services: list[ServiceOut]


def _plan_out(view: selectors.PlanView) -> dict:
    plan = view.plan
    if plan is None:
        return {"exists": False, "objectives": "", "action_plan": "", "support_types": [], "planned_end_on": None,
                "actual_end_on": None, "updated_at": None, "services": []}
    return {"exists": True, "objectives": plan.objectives or "", "action_plan": plan.action_plan or "",
            "support_types": plan.support_types, "planned_end_on": plan.planned_end_on,
            "actual_end_on": plan.actual_end_on, "updated_at": plan.updated_at, "services": view.services}


# --- Operations (literal paths before the ones with ids, which would otherwise take "mine") -------------
@router.get("/tasks/mine", response=with_errors(TaskList), operation_id="my_tasks")
def my_tasks(request):
    tasks = selectors.my_tasks_for(actor=request.actor)
    return {"items": tasks, "count": len(tasks)}


@router.get("/{case_id}/timeline", response=with_errors(TimelinePage), operation_id="case_timeline")
def case_timeline(request, filters: Query[TimelineFilter], case_id: int = id_path()):
    items, count, full = timeline_for(actor=request.actor, case_id=case_id, page=filters.page,
                                      page_size=filters.page_size)
    return {"scope": "full" if full else "limited", "items": items, "count": count, "page": filters.page,
            "page_size": filters.page_size}


@router.get("/{case_id}/tasks", response=with_errors(TaskList), operation_id="task_list")
def task_list(request, case_id: int = id_path()):
    tasks = selectors.task_list_for(actor=request.actor, case_id=case_id)
    return {"items": tasks, "count": len(tasks)}


@router.post("/{case_id}/tasks", response=with_errors({201: TaskOut}), operation_id="task_create")
def task_create(request, payload: TaskIn, case_id: int = id_path()):
    task = services.task_create(actor=request.actor, case_id=case_id, title=payload.title,
                                due_on=calendar_date(payload.due_on, "due_on"), assignee_id=payload.assignee_id)
    return Status(201, task)


@router.patch("/tasks/{task_id}", response=with_errors(TaskOut), operation_id="task_update")
def task_update(request, payload: TaskPatch, task_id: int = id_path()):
    given = _patch(payload, dates=("due_on",))
    return services.task_update(actor=request.actor, task_id=task_id, **{
        name: given.get(name, KEEP) for name in ("title", "due_on", "assignee_id", "status")})


@router.post("/tasks/{task_id}/complete", response=with_errors(TaskOut), operation_id="task_complete")
def task_complete(request, task_id: int = id_path()):
    return services.task_complete(actor=request.actor, task_id=task_id)


@router.get("/{case_id}/notes", response=with_errors(NoteList), operation_id="note_list")
def note_list(request, case_id: int = id_path()):
    notes = selectors.note_list_for(actor=request.actor, case_id=case_id)
    return {"items": notes, "count": len(notes)}


@router.post("/{case_id}/notes", response=with_errors({201: NoteOut}), operation_id="note_add")
def note_add(request, payload: NoteIn, case_id: int = id_path()):
    return Status(201, services.note_add(actor=request.actor, case_id=case_id, body=payload.body,
                                         sensitivity=payload.sensitivity))


@router.get("/{case_id}/documents", response=with_errors(DocumentList), operation_id="document_list")
def document_list(request, case_id: int = id_path()):
    documents = selectors.document_list_for(actor=request.actor, case_id=case_id)
    return {"items": documents, "count": len(documents)}


@router.post("/{case_id}/documents", response=with_errors({201: DocumentOut}), operation_id="document_upload")
def document_upload(request, details: Form[UploadIn], file: File[UploadedFile], case_id: int = id_path()):
    """Multipart: `file`, and optionally `title` and `sensitivity`. The type is read from the content."""
    document = services.document_upload(actor=request.actor, case_id=case_id, file=file, title=details.title,
                                        sensitivity=details.sensitivity)
    return Status(201, document)


@router.get("/documents/{document_id}/content", response=with_errors({200: None}), operation_id="document_download")
def document_download(request, document_id: int = id_path()):
    document, content = services.document_get_content(actor=request.actor, document_id=document_id)
    return attachment_response(content, content_type=document.content_type, filename=document.filename)


@router.get("/{case_id}/support-plan", response=with_errors(PlanOut), operation_id="support_plan_get")
def support_plan_get(request, case_id: int = id_path()):
    return _plan_out(selectors.support_plan_for(actor=request.actor, case_id=case_id))


@router.put("/{case_id}/support-plan", response=with_errors(PlanOut), operation_id="support_plan_save")
def support_plan_save(request, payload: PlanIn, case_id: int = id_path()):
    services.support_plan_save(
        actor=request.actor, case_id=case_id, objectives=payload.objectives, action_plan=payload.action_plan,
        support_types=list(payload.support_types),
        planned_end_on=calendar_date(payload.planned_end_on, "planned_end_on"),
        actual_end_on=calendar_date(payload.actual_end_on, "actual_end_on"),
    )
    return _plan_out(selectors.support_plan_for(actor=request.actor, case_id=case_id))


@router.post("/{case_id}/support-plan/services", response=with_errors({201: ServiceOut}),
             operation_id="support_service_add")
def support_service_add(request, payload: ServiceIn, case_id: int = id_path()):
    service = services.support_service_add(
        actor=request.actor, case_id=case_id, support_type=payload.support_type, description=payload.description,
        provider_id=payload.provider_id, provider_name=payload.provider_name, status=payload.status,
        starts_on=calendar_date(payload.starts_on, "starts_on"), ends_on=calendar_date(payload.ends_on, "ends_on"),
    )
    return Status(201, service)


@router.patch("/support-services/{service_id}", response=with_errors(ServiceOut),
              operation_id="support_service_update")
def support_service_update(request, payload: ServicePatch, service_id: int = id_path()):
    given = _patch(payload, dates=("starts_on", "ends_on"))
    return services.support_service_update(actor=request.actor, service_id=service_id, **given)
