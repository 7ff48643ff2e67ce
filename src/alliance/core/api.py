"""/api/v1/audit and /api/v1/jobs."""

from __future__ import annotations

from datetime import date, datetime

from ninja import Query, Router, Schema, Status

from alliance.core import jobs, selectors
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
    object_type: str | None = None
    object_id: str | None = None
    user_id: int | None = None
    realm_id: int | None = None
    since: date | None = None
    page: int = 1
    page_size: int = 50


@router.get("/audit/events", response=AuditPage, operation_id="audit_list")
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


@router.post("/audit/verify", response={202: JobOut}, operation_id="audit_verify")
def audit_verify(request):
    return Status(202, jobs.job_start_audit_verify(actor=request.actor))


@router.get("/jobs/{job_id}", response=JobOut, operation_id="job_get")
def job_get(request, job_id: int):
    return selectors.job_get_for(actor=request.actor, job_id=job_id)
