"""/api/v1/cases: data-protection duties (access tab, subject-access export, retention, legal holds, notify)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from ninja import Query, Router, Schema, Status
from pydantic import Field, StrictBool

from alliance.cases.selectors.data_protection import access_log_for, access_rows
from alliance.cases.selectors.subject_access import subject_access_for
from alliance.cases.services import data_protection as services
from alliance.cases.services.retention import MIN_JUSTIFICATION, retention_ends
from alliance.core.api_schemas import PAGE, PAGE_SIZE, StrictIn, id_path, with_errors
from alliance.core.pagination import paginate

router = Router(tags=["cases"])


class AccessRow(Schema):
    seq: int
    at: datetime
    user: str
    user_email: str
    organisation: str
    action: str
    object: str
    fields: list[str]
    reason: str
    channel: str


class AccessPage(Schema):
    items: list[AccessRow]
    count: int
    page: int
    page_size: int


class AccessFilter(Schema):
    page: int = PAGE
    page_size: int = PAGE_SIZE


class SubjectAccessOut(Schema):
    kind: str
    generated_at: datetime
    controller: str
    person: dict[str, Any]
    cases: list[dict[str, Any]]
    withheld_note: str


class LegalHoldIn(StrictIn):
    hold: StrictBool  # lax mode would read 0 as false
    reason: str = Field(min_length=1, max_length=300)


class RetentionOut(Schema):
    case_id: int
    legal_hold: bool
    legal_hold_reason: str
    closed_on: date | None
    retention_ends: date | None  # anonymised on the days after, unless a hold stands
    anonymised_at: datetime | None


class DeleteIn(StrictIn):
    justification: str = Field(min_length=MIN_JUSTIFICATION, max_length=2000)


class DeleteOut(Schema):
    case_id: int
    person_removed: bool


class DutyNotificationOut(Schema):
    id: int
    case_id: int
    authority: str
    payload: dict[str, Any]
    sent_at: datetime


@router.get("/{case_id}/access", response=with_errors(AccessPage), operation_id="case_access_log")
def case_access_log(request, filters: Query[AccessFilter], case_id: int = id_path()):
    _case, events = access_log_for(actor=request.actor, case_id=case_id)
    page, count = paginate(events, page=filters.page, page_size=filters.page_size)
    return {"items": access_rows(events=page), "count": count, "page": filters.page, "page_size": filters.page_size}


@router.get("/{case_id}/subject-access", response=with_errors(SubjectAccessOut), operation_id="case_subject_access")
def case_subject_access(request, case_id: int = id_path()):
    return subject_access_for(actor=request.actor, case_id=case_id)


@router.post("/{case_id}/legal-hold", response=with_errors(RetentionOut), operation_id="case_legal_hold")
def case_legal_hold(request, payload: LegalHoldIn, case_id: int = id_path()):
    """Set (hold: true) or release (hold: false) the legal hold; releasing no hold changes nothing."""
    change = services.legal_hold_set if payload.hold else services.legal_hold_clear
    case = change(actor=request.actor, case_id=case_id, reason=payload.reason)
    return {"case_id": case.pk, "legal_hold": case.legal_hold, "legal_hold_reason": case.legal_hold_reason,
            "closed_on": case.closed_on, "retention_ends": retention_ends(case=case),
            "anonymised_at": case.anonymised_at}


@router.post("/{case_id}/deletion", response=with_errors(DeleteOut), operation_id="case_delete")
def case_delete(request, payload: DeleteIn, case_id: int = id_path()):
    person_removed = services.case_delete(actor=request.actor, case_id=case_id, justification=payload.justification)
    return {"case_id": case_id, "person_removed": person_removed}


@router.post("/{case_id}/duty-notifications", response=with_errors({201: DutyNotificationOut}),
             operation_id="duty_notification_send")
def duty_notification_send(request, case_id: int = id_path()):
    notification = services.duty_notification_send(actor=request.actor, case_id=case_id)
    return Status(201, notification)
