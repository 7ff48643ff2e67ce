"""/api/v1/cases: Referrals and transfers: send, inbox, accept, decline, revoke, done; notifications."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from alliance.cases.selectors.referrals import (
    notification_row,
    notifications_for,
    referral_list_for,
    referral_row_for,
    unread_count,
)
from alliance.cases.services import notifications as notices
from alliance.cases.services import referrals as services
from alliance.core.api_schemas import ISO_DATE, MAX_ID, StrictIn, calendar_date, id_path, with_errors

router = Router(tags=["cases"])


class ReferIn(StrictIn):
    organisation_id: int = Field(ge=1, le=MAX_ID)
    kind: Literal["referral", "transfer"] = "referral"
    scope: Literal["full", "limited"]
    purpose: str = Field(min_length=1, max_length=300)
    respond_by: str | None = Field(default=None, pattern=ISO_DATE)
    legal_basis: str = Field(default="", max_length=500)


class ReasonIn(StrictIn):
    reason: str = Field(min_length=1, max_length=2000)


class NoteIn(StrictIn):
    reason: str = Field(default="", max_length=2000)


class ReferralOut(Schema):
    id: int
    case_id: int
    number: str
    pseudonym: str | None  # null once the case is out of the reader's reach
    kind: str
    scope: str
    status: str
    organisation_id: int
    organisation: str
    from_organisation_id: int | None
    from_organisation: str
    purpose: str
    respond_by: date | None
    overdue: bool
    granted_at: datetime
    responded_at: datetime | None
    done_at: datetime | None
    reason: str
    steps: list[str]  # what this user may do with it now


class ReferralList(Schema):
    items: list[ReferralOut]
    count: int


class ReferralFilter(Schema):
    box: Literal["incoming", "outgoing", "overdue"] = "incoming"
    status: Literal["pending", "accepted", "declined", "revoked", "done"] | None = None


class NotificationOut(Schema):
    id: int
    kind: str
    label: str
    case_id: int | None
    number: str
    share_id: int | None
    created_at: datetime
    read_at: datetime | None


class NotificationList(Schema):
    items: list[NotificationOut]
    count: int
    unread: int


class NotificationFilter(Schema):
    unread: bool = False


def _out(actor, share) -> dict:
    return referral_row_for(actor=actor, share=share)


@router.post("/{case_id}/referrals", response=with_errors({201: ReferralOut}), operation_id="case_refer")
def case_refer(request, payload: ReferIn, case_id: int = id_path()):
    share = services.case_refer(
        actor=request.actor, case_id=case_id, organisation_id=payload.organisation_id, kind=payload.kind,
        scope=payload.scope, purpose=payload.purpose, respond_by=calendar_date(payload.respond_by, "respond_by"),
        legal_basis=payload.legal_basis,
    )
    return Status(201, _out(request.actor, share))


@router.get("/referrals", response=with_errors(ReferralList), operation_id="referral_list")
def referral_list(request, filters: Query[ReferralFilter]):
    rows = referral_list_for(actor=request.actor, box=filters.box, status=filters.status)
    return {"items": rows, "count": len(rows)}


@router.post("/referrals/{share_id}/accept", response=with_errors(ReferralOut), operation_id="referral_accept")
def referral_accept(request, share_id: int = id_path()):
    return _out(request.actor, services.referral_accept(actor=request.actor, share_id=share_id))


@router.post("/referrals/{share_id}/decline", response=with_errors(ReferralOut), operation_id="referral_decline")
def referral_decline(request, payload: ReasonIn, share_id: int = id_path()):
    share = services.referral_decline(actor=request.actor, share_id=share_id, reason=payload.reason)
    return _out(request.actor, share)


@router.post("/referrals/{share_id}/revoke", response=with_errors(ReferralOut), operation_id="referral_revoke")
def referral_revoke(request, payload: ReasonIn, share_id: int = id_path()):
    share = services.referral_revoke(actor=request.actor, share_id=share_id, reason=payload.reason)
    return _out(request.actor, share)


@router.post("/referrals/{share_id}/done", response=with_errors(ReferralOut), operation_id="referral_done")
def referral_done(request, payload: NoteIn, share_id: int = id_path()):
    share = services.referral_done(actor=request.actor, share_id=share_id, reason=payload.reason)
    return _out(request.actor, share)


@router.get("/notifications", response=with_errors(NotificationList), operation_id="notification_list")
def notification_list(request, filters: Query[NotificationFilter]):
    rows = notifications_for(actor=request.actor, unread_only=filters.unread)
    return {"items": rows, "count": len(rows), "unread": unread_count(actor=request.actor)}


@router.post("/notifications/{notification_id}/read", response=with_errors(NotificationOut),
             operation_id="notification_read")
def notification_read(request, notification_id: int = id_path()):
    return notification_row(notice=notices.notification_read(actor=request.actor, notification_id=notification_id))


@router.post("/notifications/read", response=with_errors(NotificationList), operation_id="notification_read_all")
def notification_read_all(request):
    notices.notification_read_all(actor=request.actor)
    rows = notifications_for(actor=request.actor)
    return {"items": rows, "count": len(rows), "unread": 0}
