"""/api/v1/investigations/...: investigations, their team, sources and FtM entities, the FtM export, and
cross-referencing under the hit/no-hit rule. The same selectors, services, policy and audit as the pages;
bad input is a 422 naming each field (an entity's errors name its line and property) and changes nothing."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from django.http import StreamingHttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field

from alliance.core.api_schemas import ISO_DATE, StrictIn, calendar_date, id_path, with_errors
from alliance.investigations.models import InvestigationMember, PairJudgement, Source
from alliance.investigations.selectors.entities import entity_list_for, ftm_export_for
from alliance.investigations.selectors.investigations import investigation_get_for, investigation_list_for
from alliance.investigations.selectors.xref import disclosure_requests_for, xref_hits_for
from alliance.investigations.services.entities import entities_add, source_register
from alliance.investigations.services.investigations import investigation_member_add, investigation_open
from alliance.investigations.services.tables import table_import
from alliance.investigations.services.xref import pair_judge, xref_disclosure_decide, xref_request

router = Router(tags=["investigations"])


class InvestigationIn(StrictIn):
    title: str = Field(min_length=1, max_length=200, description="Working title; never a person's name")
    purpose: str = Field(min_length=1, max_length=4000)
    legal_basis: str = Field(min_length=1, max_length=300,
                             description="The law under which the agency processes this data")


class InvestigationOut(Schema):
    id: int
    number: str
    title: str
    purpose: str
    legal_basis: str
    status: str
    organisation: str
    opened_at: datetime


def _out(investigation) -> dict:
    return {"id": investigation.pk, "number": investigation.number, "title": investigation.title,
            "purpose": investigation.purpose, "legal_basis": investigation.legal_basis,
            "status": investigation.status, "organisation": investigation.organisation.name,
            "opened_at": investigation.opened_at}


@router.get("", response=with_errors(list[InvestigationOut]), operation_id="investigation_list")
def investigation_list(request):
    return [_out(i) for i in investigation_list_for(actor=request.actor)[:500]]


@router.post("", response=with_errors({201: InvestigationOut}), operation_id="investigation_open")
def investigation_open_api(request, body: InvestigationIn):
    investigation = investigation_open(actor=request.actor, title=body.title, purpose=body.purpose,
                                       legal_basis=body.legal_basis)
    return Status(201, _out(investigation_get_for(actor=request.actor, investigation_id=investigation.pk)))


@router.get("/disclosures", response=with_errors(list[dict[str, Any]]), operation_id="disclosure_list")
def disclosure_list(request):
    """Hits on investigations the caller leads, waiting for a decision on disclosure."""
    return [row.__dict__ | {"reasons": list(row.reasons)} for row in disclosure_requests_for(actor=request.actor)]


@router.get("/{investigation_id}", response=with_errors(InvestigationOut), operation_id="investigation_get")
def investigation_get(request, investigation_id: int = id_path()):
    return _out(investigation_get_for(actor=request.actor, investigation_id=investigation_id))


class MemberIn(StrictIn):
    user_id: int = Field(ge=1)
    role: Literal[tuple(InvestigationMember.Role.values)] = InvestigationMember.Role.MEMBER  # type: ignore[valid-type]


class MemberOut(Schema):
    user_id: int
    role: str


@router.post("/{investigation_id}/members", response=with_errors({201: MemberOut}), operation_id="member_add")
def member_add(request, body: MemberIn, investigation_id: int = id_path()):
    member = investigation_member_add(actor=request.actor, investigation_id=investigation_id, user_id=body.user_id,
                                      role=body.role)
    return Status(201, {"user_id": member.user_id, "role": member.role})


class SourceIn(StrictIn):
    kind: Literal[tuple(Source.Kind.values)] = Field(description="What the document is")  # type: ignore[valid-type]
    reference: str = Field(min_length=1, max_length=200, description="The document's own reference")
    legal_basis: str = Field(min_length=1, max_length=300)
    document_date: str | None = Field(None, pattern=ISO_DATE)


class SourceOut(Schema):
    id: int
    kind: str
    reference: str


@router.post("/{investigation_id}/sources", response=with_errors({201: SourceOut}), operation_id="source_create")
def source_create(request, body: SourceIn, investigation_id: int = id_path()):
    source = source_register(actor=request.actor, investigation_id=investigation_id, kind=body.kind,
                             reference=body.reference, legal_basis=body.legal_basis,
                             document_date=calendar_date(body.document_date, "document_date"))
    return Status(201, {"id": source.pk, "kind": source.kind, "reference": source.reference})


class EntitiesIn(StrictIn):
    source_id: int = Field(ge=1)
    entities: list[dict[str, Any]] = Field(max_length=10_000, description="FtM entities: id, schema, properties")


class EntitiesOut(Schema):
    created: int


@router.post("/{investigation_id}/entities", response=with_errors({201: EntitiesOut}),
             operation_id="entities_add")
def entities_add_api(request, body: EntitiesIn, investigation_id: int = id_path()):
    report = entities_add(actor=request.actor, investigation_id=investigation_id, source_id=body.source_id,
                          entities=body.entities)
    return Status(201, {"created": report.created})


@router.post("/{investigation_id}/tables", response=with_errors({201: EntitiesOut}), operation_id="table_import")
def table_import_api(request, file: File[UploadedFile], source_id: Form[int], mapping: Form[str],
                     investigation_id: int = id_path()):
    """A CSV or XLSX file through a column mapping (FtM mapping YAML: docs/investigations.md), whole or not at
    all: a refused cell is named by row, column and reason."""
    report = table_import(actor=request.actor, investigation_id=investigation_id, source_id=source_id,
                          data=file.read(), filename=file.name or "", mapping_text=mapping)
    return Status(201, {"created": report.created})


class EntityOut(Schema):
    id: int
    ftm_id: str
    schema_: str = Field(alias="schema")
    caption: str
    source: str


@router.get("/{investigation_id}/entities", response=with_errors(list[EntityOut]), operation_id="entity_list")
def entity_list(request, investigation_id: int = id_path()):
    return [{"id": r.id, "ftm_id": r.ftm_id, "schema": r.schema, "caption": r.caption, "source": r.source}
            for r in entity_list_for(actor=request.actor, investigation_id=investigation_id)]


@router.get("/{investigation_id}/export.ftm", response=with_errors({200: None}), operation_id="investigation_export")
def investigation_export(request, investigation_id: int = id_path()):
    """FtM JSON lines of the investigation's own entities (never another agency's undisclosed ones)."""
    lines = list(ftm_export_for(actor=request.actor, investigation_id=investigation_id))
    response = StreamingHttpResponse(lines, content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="investigation-{investigation_id}.ftm.json"'
    return response


class XrefIn(StrictIn):
    legal_basis: str = Field(min_length=1, max_length=300,
                             description="Required: the law that allows this consultation")
    purpose: str = Field(min_length=1, max_length=500)


class XrefOut(Schema):
    request_id: int
    candidates: int
    hits: int


@router.post("/{investigation_id}/xref", response=with_errors({201: XrefOut}), operation_id="investigation_xref")
def investigation_xref(request, body: XrefIn, investigation_id: int = id_path()):
    made = xref_request(actor=request.actor, investigation_id=investigation_id, legal_basis=body.legal_basis,
                        purpose=body.purpose)
    return Status(201, {"request_id": made.pk, "candidates": made.candidates, "hits": made.hits.count()})


class HitOut(Schema):
    id: int
    entity_id: int
    entity_caption: str
    holder: str
    contact: str
    score: float
    reasons: list[str]
    disclosure: str
    decision_note: str
    judgement: str = Field(description="The team's verdict on the pair: same, not_same, unsure, or empty")
    disclosed: dict[str, Any] | None = Field(description="The other entity, only once its holder disclosed it")


@router.get("/{investigation_id}/hits", response=with_errors(list[HitOut]), operation_id="investigation_hits")
def investigation_hits(request, investigation_id: int = id_path()):
    return [view.__dict__ | {"reasons": list(view.reasons)}
            for view in xref_hits_for(actor=request.actor, investigation_id=investigation_id)]


class DecisionIn(StrictIn):
    approve: bool
    note: str = Field("", max_length=500, description="Required for a refusal")


class DecisionOut(Schema):
    id: int
    disclosure: str


@router.post("/hits/{hit_id}/decision", response=with_errors(DecisionOut), operation_id="disclosure_decide")
def disclosure_decide(request, body: DecisionIn, hit_id: int = id_path()):
    hit = xref_disclosure_decide(actor=request.actor, hit_id=hit_id, approve=body.approve, note=body.note)
    return {"id": hit.pk, "disclosure": hit.disclosure}


class JudgementIn(StrictIn):
    verdict: Literal[tuple(PairJudgement.Verdict.values)]  # type: ignore[valid-type]
    note: str = Field("", max_length=500)


class JudgementOut(Schema):
    hit_id: int
    verdict: str


@router.post("/hits/{hit_id}/judgement", response=with_errors(JudgementOut), operation_id="pair_judge")
def pair_judge_api(request, body: JudgementIn, hit_id: int = id_path()):
    """The requesting team says whether a hit is the same: remembered for the next cross-reference."""
    judgement = pair_judge(actor=request.actor, hit_id=hit_id, verdict=body.verdict, note=body.note)
    return {"hit_id": hit_id, "verdict": judgement.verdict}
