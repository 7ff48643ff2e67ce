"""/api/v1/audit and /api/v1/jobs."""

from __future__ import annotations

from datetime import datetime

from ninja import Query, Router, Schema, Status
from pydantic import Field

from alliance.core import selectors, tasks
from alliance.core.api_schemas import ISO_DATE, MAX_ID, PAGE, PAGE_SIZE, id_path, with_errors
from alliance.core.pagination import paginate

router = Router(tags=["audit and jobs"])


class AuditEventOut(Schema):
    seq: int
    at: datetime
    user_id: int | None
    organisation_id: int | None
    channel: str
    realm_id: int | None
    action: str
    object_type: str
    object_id: str
    fields: list[str]
    reason: str
    hash: str


class AuditPage(Schema):
    items: list[AuditEventOut]
    count: int
    page: int
    page_size: int


class AuditFilter(Schema):
    action: str | None = None
    object_type: str | None = Field(None, max_length=64)
    object_id: str | None = Field(None, max_length=64)
    user_id: int | None = Field(None, ge=1, le=MAX_ID)
    realm_id: int | None = Field(None, ge=1, le=MAX_ID)
    since: str | None = Field(None, pattern=ISO_DATE)
    page: int = PAGE
    page_size: int = PAGE_SIZE


@router.get("/audit/events", response=with_errors(AuditPage), operation_id="audit_list")
def audit_list(request, filters: Query[AuditFilter]):
    wanted = {k: str(v) for k, v in filters.dict().items() if v is not None and k not in ("page", "page_size")}
    queryset = selectors.audit_list_for(actor=request.actor, filters=wanted)
    items, count = paginate(queryset, page=filters.page, page_size=filters.page_size)
    return {"items": items, "count": count, "page": filters.page, "page_size": filters.page_size}


class JobOut(Schema):
    id: int
    kind: str
    status: str
    done: int
    total: int
    percent: int
    message: str
    result: dict
    created_at: datetime
    finished_at: datetime | None


@router.post("/audit/verify", response=with_errors({202: JobOut}), operation_id="audit_verify")
def audit_verify(request):
    return Status(202, tasks.job_start_audit_verify(actor=request.actor))


@router.get("/jobs/{job_id}", response=with_errors(JobOut), operation_id="job_get")
def job_get(request, job_id: int = id_path()):
    return selectors.job_get_for(actor=request.actor, job_id=job_id)
