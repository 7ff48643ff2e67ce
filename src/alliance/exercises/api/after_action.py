"""/api/v1/exercises/runs/{id}/after-action, feedback, improvements, certificates: the same selectors,
services, policy (core/policy/after_action.py) and audit as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from django.http import HttpResponse
from ninja import Router, Schema, Status
from pydantic import Field

from alliance.core.api_schemas import ISO_DATE, MAX_ID, StrictIn, id_path, with_errors
from alliance.exercises.selectors import after_action as read
from alliance.exercises.services import after_action as services
from alliance.exercises.views.after_action import verify_url
from alliance.exercises.views.after_action_pdf import certificates_pdf

router = Router(tags=["exercises"])


class TeamResultOut(Schema):
    action_id: str
    objective: str
    capability_target: str
    status: Literal["met", "not_met", "not_yet"]
    stamp: str = Field(description="Scenario time HH:MM the action was done, or empty")
    expected: str = Field(description="Scenario time HH:MM it was due by, or empty when it has no limit")
    reason: str


class TallyOut(Schema):
    id: str
    met: int
    total: int


class TeamOut(Schema):
    number: int
    name: str
    met: int
    total: int
    by_objective: list[TallyOut]
    results: list[TeamResultOut]


class FeedbackSummaryOut(Schema):
    count: int
    shown: bool = Field(description="False below `minimum` answers: then only the count is given")
    minimum: int
    means: dict[str, float]
    worked: list[str]
    improve: list[str]


class ImprovementOut(Schema):
    id: int
    finding: str
    corrective_action: str
    objective: str
    capability_target: str
    organisation_id: int | None
    owner_id: int | None
    due_on: dt.date
    status: str
    completed_on: dt.date | None
    overdue: bool


class ReportOut(Schema):
    run_id: int
    status: str
    archived: bool
    met: int
    total: int
    by_objective: list[TallyOut]
    teams: list[TeamOut]
    feedback: FeedbackSummaryOut
    improvements: list[ImprovementOut]
    attended: int
    trainees: int


class FeedbackIn(StrictIn):
    realism: int = Field(ge=1, le=5)
    relevance: int = Field(ge=1, le=5)
    organisation: int = Field(ge=1, le=5)
    debrief: int = Field(ge=1, le=5)
    worked: str = Field("", max_length=5000)
    improve: str = Field("", max_length=5000)


class FeedbackOut(Schema):
    id: int
    realism: int
    relevance: int
    organisation: int
    debrief: int
    worked: str
    improve: str


class ImprovementIn(StrictIn):
    finding: str = Field(max_length=5000)
    corrective_action: str = Field(max_length=5000)
    objective: str = Field("", max_length=63)
    capability_target: str = Field("", max_length=63)
    organisation_id: int | None = Field(None, ge=1, le=MAX_ID)
    owner_id: int | None = Field(None, ge=1, le=MAX_ID)
    due_on: str = Field(pattern=ISO_DATE)
    status: Literal["open", "in_progress", "done"] = "open"
    completed_on: str | None = Field(None, pattern=ISO_DATE)


class ImprovementPatch(StrictIn):
    finding: str | None = Field(None, max_length=5000)
    corrective_action: str | None = Field(None, max_length=5000)
    objective: str | None = Field(None, max_length=63)
    capability_target: str | None = Field(None, max_length=63)
    organisation_id: int | None = Field(None, ge=1, le=MAX_ID)
    owner_id: int | None = Field(None, ge=1, le=MAX_ID)
    due_on: str | None = Field(None, pattern=ISO_DATE)
    status: Literal["open", "in_progress", "done"] | None = None
    completed_on: str | None = Field(None, pattern=ISO_DATE)


def _item_out(item) -> dict:
    return {"id": item.pk, "finding": item.finding or "", "corrective_action": item.corrective_action or "",
            "objective": item.objective, "capability_target": item.capability_target,
            "organisation_id": item.organisation_id, "owner_id": item.owner_id, "due_on": item.due_on,
            "status": item.status, "completed_on": item.completed_on,
            "overdue": bool(getattr(item, "overdue", False))}


def _tallies(table: dict) -> list[dict]:
    return [{"id": k, "met": v["met"], "total": v["total"]} for k, v in table.items()]


@router.get("/runs/{run_id}/after-action", response=with_errors(ReportOut), operation_id="after_action_get")
def after_action_get(request, run_id: int = id_path()):
    report = read.after_action_report_for(actor=request.actor, run_id=run_id)
    feedback = report["feedback"]
    return {"run_id": report["run"].pk, "status": report["run"].status, "archived": report["archived"],
            "met": report["overall"]["met"], "total": report["overall"]["total"],
            "by_objective": _tallies(report["overall"]["by_objective"]),
            "teams": [{**{k: t[k] for k in ("number", "name", "met", "total", "results")},
                       "by_objective": _tallies(t["by_objective"])} for t in report["teams"]],
            "feedback": {"count": feedback["count"], "shown": feedback["shown"], "minimum": feedback["minimum"],
                         "means": {q: v["mean"] for q, v in feedback["questions"].items()},
                         "worked": feedback["worked"], "improve": feedback["improve"]},
            "improvements": [_item_out(i) for i in report["improvements"]],
            "attended": sum(r["attended"] for r in report["attendance"]), "trainees": len(report["attendance"])}


def _feedback_out(row) -> dict:
    return {"id": row.pk, "realism": row.realism, "relevance": row.relevance, "organisation": row.organisation,
            "debrief": row.debrief, "worked": row.worked or "", "improve": row.improve or ""}


@router.put("/runs/{run_id}/feedback", response=with_errors(FeedbackOut), operation_id="after_action_feedback_submit")
def feedback_submit(request, body: FeedbackIn, run_id: int = id_path()):
    data = body.dict()
    row = services.feedback_submit(actor=request.actor, run_id=run_id,
                                   ratings={k: data[k] for k in ("realism", "relevance", "organisation", "debrief")},
                                   worked=data["worked"], improve=data["improve"])
    return _feedback_out(row)


@router.get("/runs/{run_id}/feedback", response=with_errors({200: FeedbackOut, 204: None}),
            operation_id="after_action_feedback_get")
def feedback_get(request, run_id: int = id_path()):
    _run, own = read.feedback_own_for(actor=request.actor, run_id=run_id)
    return _feedback_out(own) if own is not None else Status(204, None)


@router.post("/runs/{run_id}/improvements", response=with_errors({201: ImprovementOut}),
             operation_id="after_action_improvement_create")
def improvement_create(request, body: ImprovementIn, run_id: int = id_path()):
    item = services.improvement_item_create(actor=request.actor, run_id=run_id, data=body.dict())
    return Status(201, _item_out(item))


@router.get("/runs/{run_id}/improvements", response=with_errors(list[ImprovementOut]),
            operation_id="after_action_improvement_list")
def improvement_list(request, run_id: int = id_path()):
    return [_item_out(i) for i in read.after_action_report_for(actor=request.actor, run_id=run_id)["improvements"]]


@router.patch("/improvements/{item_id}", response=with_errors(ImprovementOut),
              operation_id="after_action_improvement_update")
def improvement_update(request, body: ImprovementPatch, item_id: int = id_path()):
    item = services.improvement_item_update(actor=request.actor, item_id=item_id,
                                            data=body.dict(exclude_unset=True))
    return _item_out(item)


@router.delete("/improvements/{item_id}", response=with_errors({204: None}),
               operation_id="after_action_improvement_delete")
def improvement_delete(request, item_id: int = id_path()):
    services.improvement_item_delete(actor=request.actor, item_id=item_id)
    return Status(204, None)


@router.post("/runs/{run_id}/certificates", response=with_errors({201: list[str]}),
             operation_id="after_action_certificates_issue")
def certificates_issue(request, run_id: int = id_path()):
    issued = services.certificates_issue(actor=request.actor, run_id=run_id)
    return Status(201, [c.code for c in issued])


def _pdf(data: bytes, name: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@router.get("/runs/{run_id}/certificates/{trainee_id}.pdf", response=with_errors({200: None}),
            operation_id="after_action_certificate_get")
def certificate_get(request, run_id: int = id_path(), trainee_id: int = id_path()):
    found = read.certificates_for(actor=request.actor, run_id=run_id, trainee_id=trainee_id)
    return _pdf(certificates_pdf(read.certificate_sheets(certificates=found), verify_url=verify_url(request)),
                f"certificate-{run_id}-{trainee_id}.pdf")


@router.get("/runs/{run_id}/my-certificate.pdf", response=with_errors({200: None}),
            operation_id="after_action_my_certificate")
def my_certificate(request, run_id: int = id_path()):
    certificate = read.certificate_own_for(actor=request.actor, run_id=run_id)
    return _pdf(certificates_pdf(read.certificate_sheets(certificates=[certificate]), verify_url=verify_url(request)),
                f"certificate-{run_id}.pdf")
