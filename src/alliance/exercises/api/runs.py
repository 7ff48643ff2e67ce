"""/api/v1/exercises/runs...: exercise runs, their clock, injects and the trainee's inbox. The same services,
selectors, policy (core/policy/run.py) and audit as the console and the inbox pages."""

from __future__ import annotations

from datetime import datetime

from ninja import Router, Schema
from pydantic import Field

from alliance.core.api_schemas import MAX_ID, StrictIn, with_errors
from alliance.exercises.selectors import runs as read
from alliance.exercises.services import injects, runs

router = Router(tags=["exercises"])


class RunIn(StrictIn):
    scenario_id: int = Field(ge=1, le=MAX_ID)
    name: str = Field(max_length=200)
    teams: int = Field(ge=1, le=runs.MAX_TEAMS)
    language: str = Field("", max_length=8)
    edition_id: int | None = Field(None, ge=1, le=MAX_ID)
    trainees: list[list[int]] = Field(default_factory=list, description="User ids per team, team 1 first")
    controller_ids: list[int] = Field(default_factory=list)
    observer_ids: list[int] = Field(default_factory=list)


class PaceIn(StrictIn):
    pace: float = Field(ge=0.1, le=20)


class ReleaseIn(StrictIn):
    inject_id: str = Field(max_length=63)
    team_ids: list[int] | None = Field(None, description="Teams of this run (all when omitted)")


class TeamOut(Schema):
    id: int
    number: int
    name: str
    realm_id: int | None


class RunOut(Schema):
    id: int
    name: str
    scenario: str
    language: str
    status: str
    started_at: datetime | None
    scenario_seconds: float
    pace: float
    teams: list[TeamOut]


class ReleaseOut(Schema):
    id: int
    team_id: int
    inject_id: str
    how: str
    released_at: datetime
    scenario_seconds: float


class InboxItemOut(Schema):
    id: int
    inject: str
    channel: str
    sender: str
    recipient: str
    subject: str
    content: str
    evidence: list[str]
    released_at: datetime
    scenario_time: str
    read: bool


class InboxOut(Schema):
    team: str
    last_id: int
    items: list[InboxItemOut]


def _run_out(run) -> dict:
    from django.utils import timezone

    return {"id": run.pk, "name": run.name, "scenario": f"{run.scenario.slug}@{run.scenario.version}",
            "language": run.language, "status": run.status, "started_at": run.started_at,
            "scenario_seconds": run.clock.scenario_seconds(timezone.now()), "pace": run.pace,
            "teams": [{"id": t.pk, "number": t.number, "name": t.name, "realm_id": t.realm_id}
                      for t in run.teams.all()]}


@router.get("/runs", response=with_errors(list[RunOut]), operation_id="exercise_run_list")
def run_list(request):
    return [_run_out(r) for r in read.run_list_for(actor=request.actor).prefetch_related("teams")]


@router.post("/runs", response=with_errors({201: RunOut}), operation_id="exercise_run_create")
def run_create(request, body: RunIn):
    run = runs.run_create(actor=request.actor, **body.model_dump())
    return 201, _run_out(run)


@router.get("/runs/{run_id}", response=with_errors(RunOut), operation_id="exercise_run_get")
def run_get(request, run_id: int):
    return _run_out(read.run_get_for(actor=request.actor, run_id=run_id))


def _clock(verb):
    def handler(request, run_id: int):
        return _run_out(verb(actor=request.actor, run_id=run_id))
    return handler


for _verb, _name in ((runs.run_start, "start"), (runs.run_pause, "pause"), (runs.run_resume, "resume"),
                     (runs.run_finish, "finish"), (runs.run_purge, "purge")):
    router.post(f"/runs/{{run_id}}/{_name}", response=with_errors(RunOut),
                operation_id=f"exercise_run_{_name}")(_clock(_verb))


@router.post("/runs/{run_id}/pace", response=with_errors(RunOut), operation_id="exercise_run_pace")
def run_pace(request, run_id: int, body: PaceIn):
    return _run_out(runs.run_pace(actor=request.actor, run_id=run_id, pace=body.pace))


@router.post("/runs/{run_id}/injects", response=with_errors({201: list[ReleaseOut]}),
             operation_id="exercise_inject_release")
def inject_release(request, run_id: int, body: ReleaseIn):
    released = injects.inject_release(actor=request.actor, run_id=run_id, inject_id=body.inject_id,
                                      team_ids=body.team_ids)
    return 201, [_release_out(r) for r in released]


def _release_out(r) -> dict:
    return {"id": r.pk, "team_id": r.team_id, "inject_id": r.inject_id, "how": r.how, "released_at": r.released_at,
            "scenario_seconds": r.scenario_seconds}


@router.get("/runs/{run_id}/injects", response=with_errors(list[ReleaseOut]), operation_id="exercise_inject_list")
def inject_list(request, run_id: int, team_id: int | None = None):
    """The releases of a run, per team when `team_id` is given (console staff)."""
    state = read.console_state_for(actor=request.actor, run_id=run_id)
    rows = [r for row in state["msel"] for r in row["teams"] if r is not None]
    return [_release_out(r) for r in rows if team_id is None or r.team_id == team_id]


@router.get("/inbox", response=with_errors({200: InboxOut, 204: None}), operation_id="exercise_inbox")
def inbox(request, after: int = 0):
    """The trainee's inbox in their team's sandbox; 204 when nothing came after `after` (for polling)."""
    injects.run_tick_throttled(run_id=read.team_of_actor(actor=request.actor).run_id)
    if after and read.inbox_last_id(actor=request.actor) <= after:
        return 204, None
    box = read.inbox_for(actor=request.actor, after_id=after)
    return {"team": box["team"].name, "last_id": box["last_id"], "items": box["items"]}

