"""/api/v1/cases: the same selectors and services as the web pages."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from alliance.cases import selectors, services
from alliance.core.api_schemas import ISO_DATE, MAX_ID, PAGE, PAGE_SIZE, id_path, with_errors
from alliance.core.pagination import paginate
from alliance.core.spreadsheet import csv_attachment

router = Router(tags=["cases"])


class StrictIn(Schema):
    model_config = ConfigDict(extra="forbid")


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


class CaseDetail(Schema):
    scope: str
    withheld: list[str]
    fields: dict[str, str | int | datetime | None]


class CaseIn(StrictIn):
    given_name: str = Field(min_length=1, max_length=200)
    family_name: str = Field(min_length=1, max_length=200)
    identity_number: str = Field(default="", max_length=64)
    birth_date: str | None = Field(default=None, pattern=ISO_DATE)
    pseudonym: str = Field(default="", max_length=64)
    summary: str = Field(default="", max_length=10_000)


class SearchIn(StrictIn):
    name: str = Field(default="", max_length=200)
    identity_number: str = Field(default="", max_length=64)
    number: str = Field(default="", max_length=32)


class SearchOut(Schema):
    items: list[CaseRow]
    count: int


class ShareIn(StrictIn):
    organisation_id: int = Field(ge=1, le=MAX_ID)
    scope: str = Field(pattern="^(full|limited)$")
    purpose: str = Field(min_length=1, max_length=300)


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
    status: Literal["active", "follow_up", "closed", "closed_referred"] | None = None
    page: int = PAGE
    page_size: int = PAGE_SIZE


@router.get("", response=with_errors(CasePage), operation_id="case_list")
def case_list(request, filters: Query[ListFilter]):
    queryset = selectors.case_list_for(actor=request.actor, status=filters.status)
    values, count = paginate(selectors.as_rows(queryset), page=filters.page, page_size=filters.page_size)
    rows = selectors.rows_of(values)
    selectors.case_list_audit(actor=request.actor, shown=len(rows))
    return {"items": rows, "count": count, "page": filters.page, "page_size": filters.page_size}


@router.post("", response=with_errors({201: CaseRow}), operation_id="case_create")
def case_create(request, payload: CaseIn):
    case = services.case_create(
        actor=request.actor, given_name=payload.given_name, family_name=payload.family_name,
        identity_number=payload.identity_number, birth_date=payload.birth_date or "",
        pseudonym=payload.pseudonym, summary=payload.summary,
    )
    return Status(201, selectors.list_row(case))


@router.post("/search", response=with_errors(SearchOut), operation_id="case_search")
def case_search(request, payload: SearchIn):
    rows = selectors.case_search_for(actor=request.actor, name=payload.name,
                                     identity_number=payload.identity_number, number=payload.number)
    return {"items": rows, "count": len(rows)}


@router.get("/export", response=with_errors({200: None}), operation_id="case_export")
def case_export(request):
    header, rows = selectors.case_export_for(actor=request.actor)
    return csv_attachment("cases.csv", header, rows)


@router.get("/{case_id}", response=with_errors(CaseDetail), operation_id="case_get")
def case_get(request, case_id: int = id_path()):
    view = selectors.case_get_for(actor=request.actor, case_id=case_id)
    return {"scope": view.scope, "withheld": view.withheld, "fields": view.fields}


@router.post("/{case_id}/shares", response=with_errors({201: ShareOut}), operation_id="case_share")
def case_share(request, payload: ShareIn, case_id: int = id_path()):
    share = services.case_share(actor=request.actor, case_id=case_id, organisation_id=payload.organisation_id,
                                scope=payload.scope, purpose=payload.purpose)
    return Status(201, share)


@router.post("/{case_id}/override", response=with_errors({201: OverrideOut}), operation_id="case_override")
def case_override(request, payload: OverrideIn, case_id: int = id_path()):
    override = services.case_override(actor=request.actor, case_id=case_id, justification=payload.justification)
    return Status(201, {"case_id": override.object_id, "expires_at": override.expires_at})
