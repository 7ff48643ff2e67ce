"""/api/v1/exercises/evaluation/runs/...: a run's team against its scenario's expected actions, the observers'
ratings and the decision log; the same selectors, services, policy and audit as the pages
(core/policy/evaluation.py: training co-ordinators, and the controllers and observers of that run)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from ninja import Router, Schema, Status
from pydantic import Field

from alliance.core.api_schemas import StrictIn, id_path, with_errors
from alliance.exercises.selectors import evaluation as selectors
from alliance.exercises.services import evaluation as services

router = Router(tags=["exercises"])


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
    run_id: int
    team_id: int
    purged: bool = Field(description="The run's sandboxes are purged: no result is computed any more")
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


class LogIn(StrictIn):
    team_id: int | None = Field(None, description="The team it is about; none: the whole run")
    kind: Literal["decision", "observation", "control"]
    text: str = Field(max_length=5000)


class LogOut(Schema):
    id: int
    team_id: int | None
    kind: str
    at: dt.datetime


@router.get("/evaluation/runs/{run_id}/teams/{team_id}", response=with_errors(EvaluationOut),
            operation_id="evaluation_team_get")
def evaluation_team_get(request, run_id: int = id_path(), team_id: int = id_path()):
    found = selectors.run_team_evaluation_for(actor=request.actor, run_id=run_id, team_id=team_id,
                                              language=request.LANGUAGE_CODE)
    if found is None:
        return {"run_id": run_id, "team_id": team_id, "purged": True, "met": 0, "total": 0, "by_objective": [],
                "by_capability_target": [], "results": []}
    score = found.score
    return {"run_id": run_id, "team_id": team_id, "purged": False, "met": score.met, "total": score.total,
            "by_objective": [{"id": k, "met": v.met, "total": v.total} for k, v in score.by_objective.items()],
            "by_capability_target": [{"id": k, "met": v.met, "total": v.total}
                                     for k, v in score.by_capability_target.items()],
            "results": [r.__dict__ for r in found.results]}


@router.post("/evaluation/runs/{run_id}/teams/{team_id}/ratings", response=with_errors({201: RatingOut}),
             operation_id="evaluation_rating_record")
def evaluation_rating_record(request, body: RatingIn, run_id: int = id_path(), team_id: int = id_path()):
    row = services.observer_rating_record(actor=request.actor, run_id=run_id, team_id=team_id,
                                          capability_target=body.capability_target, rating=body.rating,
                                          notes=body.notes)
    return Status(201, {"id": row.pk, "capability_target": row.capability_target, "rating": row.rating,
                        "rated_at": row.rated_at})


@router.post("/evaluation/runs/{run_id}/log", response=with_errors({201: LogOut}), operation_id="evaluation_log_add")
def evaluation_log_add(request, body: LogIn, run_id: int = id_path()):
    entry = services.decision_log_add(actor=request.actor, run_id=run_id, team_id=body.team_id, kind=body.kind,
                                      text=body.text)
    return Status(201, {"id": entry.pk, "team_id": entry.team_id, "kind": entry.kind, "at": entry.at})
