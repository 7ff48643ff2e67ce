"""/api/v1/cases: the same selectors and services as the web pages."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from alliance.cases import services
from alliance.cases.domain.nrm import Stage
from alliance.cases.selectors import register as selectors
from alliance.cases.selectors.nrm import deadlines_for, nrm_view_for
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
from alliance.core.pagination import paginate
from alliance.core.spreadsheet import csv_attachment

router = Router(tags=["cases"])


class CaseRow(Schema):
    id: int
    number: str
    status: str
    pseudonym: str
    owner_organisation: str
    created_at: datetime


class CasePage(Schema):
    items: list[CaseRow]
    count: int
    page: int
    page_size: int


class ClockOut(Schema):
    kind: str
    due_on: date
    days_left: int
    rule: str


class HistoryOut(Schema):
    on: date
    transition: str
    outcome: str
    stage: str
    organisation: str
    reason: str


class NrmOut(Schema):
    stage: str
    trafficking_status: str
    is_child: bool | None  # null when withheld from a limited share
    clocks: list[ClockOut]
    history: list[HistoryOut]
    steps: list[str]  # the steps this user may take now


class CaseDetail(Schema):
    scope: str
    withheld: list[str]
    fields: dict[str, str | int | datetime | None]
    nrm: NrmOut


class TransitionIn(StrictIn):
    transition: str = Field(min_length=1, max_length=32)
    outcome: Literal["", "positive", "negative"] = ""
    reason: str = Field(default="", max_length=5000)
    effective_on: str | None = Field(default=None, pattern=ISO_DATE)
    reflection_days: int | None = Field(default=None, ge=1, le=365)
    closure_status: Literal["closed", "closed_referred"] = "closed"


class TransitionOut(Schema):
    transition: str
    from_stage: str
    to_stage: str
    outcome: str
    effective_on: date


class DeadlineOut(Schema):
    case_id: int
    number: str
    pseudonym: str
    kind: str
    due_on: date
    days_left: int


class DeadlineList(Schema):
    items: list[DeadlineOut]
    count: int


class DeadlineFilter(Schema):
    within_days: int = Field(7, ge=0, le=366)


class CaseIn(StrictIn):
    given_name: str = Field(min_length=1, max_length=200)
    family_name: str = Field(min_length=1, max_length=200)
    identity_number: str = Field(default="", max_length=64)
    birth_date: str | None = Field(default=None, pattern=ISO_DATE)
    pseudonym: str = Field(default="", max_length=64)
    summary: str = Field(default="", max_length=10_000)


StageName = Literal[tuple(Stage.values)]  # type: ignore[valid-type]
CaseStatus = Literal["active", "follow_up", "closed", "closed_referred"]


class SearchIn(StrictIn):
    """At least one criterion. Names and identity numbers match exactly after normalisation and
    transliteration (any script, any order); the others narrow the result."""

    name: str = Field(default="", max_length=200)
    identity_number: str = Field(default="", max_length=64)
    number: str = Field(default="", max_length=32)
    status: CaseStatus | None = None
    nrm_stage: StageName | None = None
    organisation_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    opened_from: str | None = Field(default=None, pattern=ISO_DATE)
    opened_to: str | None = Field(default=None, pattern=ISO_DATE)


class SearchOut(Schema):
    items: list[CaseRow]
    count: int


class ShareIn(StrictIn):
    organisation_id: int = Field(ge=1, le=MAX_ID)
    scope: str = Field(pattern="^(full|limited)$")
    purpose: str = Field(min_length=1, max_length=300)
    legal_basis: str = Field(default="", max_length=500)


class ConsentIn(StrictIn):
    purpose: Literal["assistance", "share_organisation", "share_sector", "statistics", "transnational"]
    language: str = Field(min_length=2, max_length=3)
    interpreter: bool = False
    organisation_id: int | None = Field(default=None, ge=1, le=MAX_ID)
    sector: str = Field(default="", max_length=32)
    country: str = Field(default="", max_length=2)
    given_on: str | None = Field(default=None, pattern=ISO_DATE)


class ConsentOut(Schema):
    id: int
    case_id: int
    purpose: str
    organisation_id: int | None
    sector: str
    country: str
    language: str
    interpreter: bool
    given_on: date
    withdrawn_on: date | None


class WithdrawOut(Schema):
    revoked_shares: int


class ShareOut(Schema):
    id: int
    case_id: int
    organisation_id: int = Field(ge=1, le=MAX_ID)
    scope: str
    purpose: str
    granted_at: datetime


class OverrideIn(StrictIn):
    justification: str = Field(min_length=20, max_length=2000)


class OverrideOut(Schema):
    case_id: int
    expires_at: datetime


class ListFilter(Schema):
    box: Literal["all", "mine", "shared", "overdue"] = "all"
    status: CaseStatus | None = None
    nrm_stage: StageName | None = None
    page: int = PAGE
    page_size: int = PAGE_SIZE


@router.get("", response=with_errors(CasePage), operation_id="case_list")
def case_list(request, filters: Query[ListFilter]):
    queryset = selectors.case_list_for(actor=request.actor, status=filters.status, box=filters.box,
                                       stage=filters.nrm_stage)
    values, count = paginate(selectors.as_rows(queryset=queryset), page=filters.page, page_size=filters.page_size)
    rows = selectors.rows_of(values=values)
    selectors.case_list_audit(actor=request.actor, ids=[row["id"] for row in rows])
    return {"items": rows, "count": count, "page": filters.page, "page_size": filters.page_size}


@router.post("", response=with_errors({201: CaseRow}), operation_id="case_create")
def case_create(request, payload: CaseIn):
    case = services.case_create(
        actor=request.actor, given_name=payload.given_name, family_name=payload.family_name,
        identity_number=payload.identity_number, birth_date=payload.birth_date or "",
        pseudonym=payload.pseudonym, summary=payload.summary,
    )
    return Status(201, selectors.list_row(case=case))


@router.post("/search", response=with_errors(SearchOut), operation_id="case_search")
def case_search(request, payload: SearchIn):
    rows = selectors.case_search_for(
        actor=request.actor, name=payload.name, identity_number=payload.identity_number, number=payload.number,
        status=payload.status or "", nrm_stage=payload.nrm_stage or "", organisation=payload.organisation_id,
        opened_from=calendar_date(payload.opened_from, "opened_from"),
        opened_to=calendar_date(payload.opened_to, "opened_to"),
    )
    return {"items": rows, "count": len(rows)}


@router.get("/export", response=with_errors({200: None}), operation_id="case_export")
def case_export(request):
    header, rows = selectors.case_export_for(actor=request.actor)
    return csv_attachment("cases.csv", header, rows)


@router.get("/deadlines", response=with_errors(DeadlineList), operation_id="case_deadlines")
def case_deadlines(request, filters: Query[DeadlineFilter]):
    rows = deadlines_for(actor=request.actor, within_days=filters.within_days)
    return {"items": rows, "count": len(rows)}


@router.get("/{case_id}", response=with_errors(CaseDetail), operation_id="case_get")
def case_get(request, case_id: int = id_path()):
    view = selectors.case_view_for(actor=request.actor, case_id=case_id)
    nrm = nrm_view_for(actor=request.actor, case=view.case, full_scope=view.scope == "full")
    return {"scope": view.scope, "withheld": view.withheld, "fields": view.fields,
            "nrm": {"stage": nrm.stage, "trafficking_status": nrm.trafficking_status, "is_child": nrm.is_child,
                    "clocks": nrm.clocks, "history": nrm.history, "steps": [s.name for s in nrm.steps]}}


@router.post("/{case_id}/transitions", response=with_errors({201: TransitionOut}), operation_id="case_transition")
def case_transition(request, payload: TransitionIn, case_id: int = id_path()):
    event = services.case_transition(
        actor=request.actor, case_id=case_id, transition=payload.transition, outcome=payload.outcome,
        reason=payload.reason, reflection_days=payload.reflection_days, closure_status=payload.closure_status,
        effective_on=calendar_date(payload.effective_on, "effective_on"),
    )
    return Status(201, event)


@router.post("/{case_id}/shares", response=with_errors({201: ShareOut}), operation_id="case_share")
def case_share(request, payload: ShareIn, case_id: int = id_path()):
    share = services.case_share(actor=request.actor, case_id=case_id, organisation_id=payload.organisation_id,
                                scope=payload.scope, purpose=payload.purpose, legal_basis=payload.legal_basis)
    return Status(201, share)


@router.post("/{case_id}/override", response=with_errors({201: OverrideOut}), operation_id="case_override")
def case_override(request, payload: OverrideIn, case_id: int = id_path()):
    override = services.case_override(actor=request.actor, case_id=case_id, justification=payload.justification)
    return Status(201, {"case_id": override.object_id, "expires_at": override.expires_at})


@router.post("/{case_id}/consents", response=with_errors({201: ConsentOut}), operation_id="consent_record")
def consent_record(request, payload: ConsentIn, case_id: int = id_path()):
    consent = services.consent_record(
        actor=request.actor, case_id=case_id, purpose=payload.purpose, language=payload.language,
        interpreter=payload.interpreter, organisation_id=payload.organisation_id, sector=payload.sector,
        country=payload.country, given_on=calendar_date(payload.given_on, "given_on"),
    )
    return Status(201, consent)


@router.post("/consents/{consent_id}/withdraw", response=with_errors(WithdrawOut), operation_id="consent_withdraw")
def consent_withdraw(request, consent_id: int = id_path()):
    return {"revoked_shares": services.consent_withdraw(actor=request.actor, consent_id=consent_id)}
