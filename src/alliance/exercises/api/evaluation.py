"""/api/v1/exercises/evaluation: a team's results against its scenario's expected actions, and the observers'
ratings; the same selectors, services, policy and audit as the pages (core/policy/evaluation.py)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Query, Router, Schema, Status
from pydantic import Field

from alliance.core.api_schemas import StrictIn, id_path, with_errors
from alliance.core.errors import ValidationFailed
from alliance.exercises.selectors import evaluation as selectors
from alliance.exercises.services import evaluation as services

router = Router(tags=["exercises"])
ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"


class EvaluationQuery(Schema):
    start: str = Field(pattern=ISO_DATETIME, description="The exercise's start (UTC when no offset is given)")
    finished: bool = Field(False, description="The exercise has ended: what is not done is not met")


class ResultOut(Schema):
    action_id: str
    objective: str
    capability_target: str
    kind: str
    status: Literal["met", "not_met", "not_yet"]
    at: dt.datetime | None
    stamp: str = Field(description="Scenario time HH:MM of `at`, or empty")
    reason: str


class TallyOut(Schema):
    id: str
    met: int
    total: int


class EvaluationOut(Schema):
    package_id: int
    realm_id: int
    met: int
    total: int
    by_objective: list[TallyOut]
    by_capability_target: list[TallyOut]
    results: list[ResultOut]


class RatingIn(StrictIn):
    capability_target: str = Field(max_length=63)
    rating: Literal["P", "S", "M", "U"] = Field(description="HSEEP: performed without challenges (P), with some "
                                                            "(S), with major challenges (M), unable (U)")
    notes: str = Field("", max_length=5000)


class RatingOut(Schema):
    id: int
    capability_target: str
    rating: str
    rated_at: dt.datetime


def _start(value: str) -> dt.datetime:
    try:
        start = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed({"start": ["Give the start as an ISO date and time."]}) from None
    return start if start.tzinfo else start.replace(tzinfo=dt.UTC)


@router.get("/evaluation/packages/{package_id}/teams/{realm_id}", response=with_errors(EvaluationOut),
            operation_id="evaluation_team_get")
def evaluation_team_get(request, query: Query[EvaluationQuery], package_id: int = id_path(),
                        realm_id: int = id_path()):
    # Refused (403) before the query is read, so who may not evaluate learns nothing from its errors.
    selectors.evaluation_package_for(actor=request.actor, package_id=package_id)
    found = selectors.team_evaluation_for(actor=request.actor, package_id=package_id, realm_id=realm_id,
                                          started_at=_start(query.start), finished=query.finished)
    score = found.score
    return {"package_id": found.package_id, "realm_id": found.realm_id, "met": score.met, "total": score.total,
            "by_objective": [{"id": k, "met": v.met, "total": v.total} for k, v in score.by_objective.items()],
            "by_capability_target": [{"id": k, "met": v.met, "total": v.total}
                                     for k, v in score.by_capability_target.items()],
            "results": [r.__dict__ for r in found.results]}


@router.post("/evaluation/packages/{package_id}/teams/{realm_id}/ratings", response=with_errors({201: RatingOut}),
             operation_id="evaluation_rating_record")
def evaluation_rating_record(request, body: RatingIn, package_id: int = id_path(), realm_id: int = id_path()):
    row = services.observer_rating_record(actor=request.actor, package_id=package_id, realm_id=realm_id,
                                          capability_target=body.capability_target, rating=body.rating,
                                          notes=body.notes)
    return Status(201, {"id": row.pk, "capability_target": row.capability_target, "rating": row.rating,
                        "rated_at": row.rated_at})
