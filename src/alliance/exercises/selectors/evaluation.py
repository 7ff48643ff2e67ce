"""A team's results against its scenario's expected actions, for evaluators (core/policy/evaluation.py).

A run gives everything: its scenario package, each team's sandbox realm, its start, its clock (pauses and
pace), the injects it released, whether it has finished. The observers' ratings and the decision log belong
to the run and its teams. team_evaluation_for still evaluates any sandbox against a package for the
training co-ordinators (the scenario play tests); without released injects the MSEL's own rules say when
each would have gone out (domain/evaluation.py, releases_from_msel).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from alliance.core import audit, policy
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound
from alliance.exercises.domain.evaluation import (
    Clock,
    Moment,
    Result,
    Score,
    TeamRecord,
    evaluate,
    releases_from_msel,
    score,
    timeline,
)
from alliance.exercises.models import (
    DecisionLogEntry,
    ExerciseRun,
    InjectRelease,
    ObserverRating,
    ScenarioPackage,
    Team,
)
from alliance.exercises.selectors.team_record import team_record_for

EXPECTED = "expected_actions.yaml"


@dataclass(frozen=True)
class TeamEvaluation:
    realm_id: int
    package_id: int
    results: list[Result]
    score: Score
    releases: dict[str, dt.datetime]
    record: TeamRecord


def _refuse(actor: Actor, what: str) -> None:
    audit.record(actor=actor, action="denied", object_type="evaluation", reason=what)
    raise Forbidden(what)


def evaluation_package_for(*, actor: Actor, package_id: int) -> ScenarioPackage:
    """The package a team plays, for its expected actions and MSEL; refused before the lookup."""
    if not policy.may_evaluate_exercises(actor):
        _refuse(actor, "evaluation.view")
    package = (ScenarioPackage.objects.filter(pk=package_id).defer("sources").first()
               if type(package_id) is int else None)
    if package is None:
        raise NotFound("scenario package")
    return package


def expected_actions_of(*, package: ScenarioPackage) -> list[dict]:
    return list((package.content.get(EXPECTED) or {}).get("expected_actions") or [])


def _role_names(package: ScenarioPackage, language: str) -> dict[str, str]:
    roles = (package.content.get("roles.yaml") or {}).get("roles") or []
    return {r["id"]: (r.get("name") or {}).get(language) or next(iter((r.get("name") or {}).values()), r["id"])
            for r in roles}


def _evaluated(package: ScenarioPackage, record: TeamRecord, clock: Clock, *, from_msel: bool) -> TeamEvaluation:
    released = dict(clock.releases)
    if from_msel:
        injects = (package.content.get("msel.yaml") or {}).get("injects") or []
        released = releases_from_msel(injects, record, clock)
        clock = Clock(start=clock.start, now=clock.now, finished=clock.finished, releases=released,
                      minutes_at=clock.minutes_at)
    results = evaluate(expected_actions_of(package=package), record, clock)
    return TeamEvaluation(realm_id=record.realm_id, package_id=package.pk, results=results, score=score(results),
                          releases=released, record=record)


def team_evaluation_for(
    *, actor: Actor, package_id: int, realm_id: int, started_at: dt.datetime, now: dt.datetime | None = None,
    finished: bool = False, releases: Mapping[str, dt.datetime] | None = None,
    minutes_at: Callable[[dt.datetime], float] | None = None,
) -> TeamEvaluation:
    """Every expected action of the package against the sandbox `realm_id`, as of `now` (any sandbox, for
    the training co-ordinators; a run's teams go through run_team_evaluation_for)."""
    package = evaluation_package_for(actor=actor, package_id=package_id)
    record = team_record_for(actor=actor, realm_id=realm_id, role_names=_role_names(package, package.languages[0]))
    clock = Clock(start=started_at, now=now or timezone.now(), finished=finished, releases=dict(releases or {}),
                  minutes_at=minutes_at)
    return _evaluated(package, record, clock, from_msel=True)


# -- through a run ----------------------------------------------------------------------------------------------

def evaluation_runs_for(*, actor: Actor) -> list[ExerciseRun]:
    """The runs this actor may evaluate, for the board's and the debrief's choice."""
    return list(policy.evaluation_run_scope(actor, ExerciseRun.objects.select_related("scenario")
                                            .defer("scenario__sources")))


def evaluation_teams_for(*, actor: Actor) -> list[Team]:
    """The teams of the runs this actor may evaluate, for the debrief's choice."""
    runs = policy.evaluation_run_scope(actor, ExerciseRun.objects.all())
    return list(Team.objects.filter(run__in=runs).select_related("run").order_by("-run_id", "number"))


def evaluation_run_for(*, actor: Actor, run_id: object, rate: bool = False) -> ExerciseRun:
    """The run to evaluate (or to rate on), or not found alike for a missing and a forbidden one (audited)."""
    run = (ExerciseRun.objects.select_related("scenario").defer("scenario__sources").filter(pk=run_id).first()
           if type(run_id) is int else None)
    allowed = run is not None and (policy.may_rate_on_run(actor, run) if rate else policy.may_evaluate_run(actor, run))
    if not allowed:
        audit.record(actor=actor, action="denied", object_type="exercise_run", object_id=run_id,
                     reason="evaluation.rate" if rate else "evaluation.view")
        raise NotFound("exercise_run")
    return run


def team_of_run(*, run: ExerciseRun, team_id: object) -> Team:
    team = run.teams.filter(pk=team_id).first() if type(team_id) is int else None
    if team is None:
        raise NotFound("team")
    return team


def played_minutes(*, run: ExerciseRun) -> Callable[[dt.datetime], float]:
    """Scenario minutes of the run at a moment: real time since the start less the pauses, at the run's
    pace (exact unless the pace changed mid-run). The board, the debrief and the after-action report share it."""
    start = run.started_at or timezone.now()
    pauses = [(dt.datetime.fromisoformat(a), dt.datetime.fromisoformat(b) if b else None) for a, b in run.pauses]

    def minutes_at(when: dt.datetime) -> float:
        paused = sum(((min(when, b or when) - max(a, start)).total_seconds() for a, b in pauses
                      if a < when and (b or when) > start), 0.0)
        return max(0.0, (when - start).total_seconds() - max(0.0, paused)) * run.pace / 60

    return minutes_at


def _run_clock(run: ExerciseRun, team: Team, now: dt.datetime | None) -> Clock:
    now = now or timezone.now()
    finished = run.status in (ExerciseRun.Status.FINISHED, ExerciseRun.Status.ARCHIVED)
    if finished and run.finished_at:
        now = min(now, run.finished_at)
    releases = dict(InjectRelease.objects.filter(team=team).values_list("inject_id", "released_at"))
    return Clock(start=run.started_at or now, now=now, finished=finished, releases=releases,
                 minutes_at=played_minutes(run=run))


def run_team_evaluation_for(*, actor: Actor, run_id: object, team_id: object, language: str = "",
                            now: dt.datetime | None = None) -> TeamEvaluation | None:
    """One team of a run against its scenario's expected actions; None once the run's sandboxes are purged
    (the figures and the ratings remain, the record is gone)."""
    run = evaluation_run_for(actor=actor, run_id=run_id)
    return _team_result(actor, run, team_of_run(run=run, team_id=team_id), language, now)


def _team_result(actor: Actor, run: ExerciseRun, team: Team, language: str, now) -> TeamEvaluation | None:
    if team.realm_id is None:
        return None
    names = _role_names(run.scenario, language or run.language)
    record = team_record_for(actor=actor, realm_id=team.realm_id, role_names=names)
    return _evaluated(run.scenario, record, _run_clock(run, team, now), from_msel=False)


def ratings_for(*, actor: Actor, run_id: object, team_id: object) -> list[ObserverRating]:
    """Every observer's rating of one team, by capability target."""
    run = evaluation_run_for(actor=actor, run_id=run_id)
    team = team_of_run(run=run, team_id=team_id)
    rows = list(ObserverRating.objects.filter(team=team).order_by("capability_target", "rated_at"))
    audit.record(actor=actor, action="list", object_type="observer_rating", object_id=team.pk,
                 fields=["rating", "notes"], reason=f"run {run.pk}")
    return rows


def decision_log_for(*, actor: Actor, run_id: object, team_id: object = None) -> list[DecisionLogEntry]:
    """The decision log of one team (with the whole run's entries), or of the whole run."""
    run = evaluation_run_for(actor=actor, run_id=run_id)
    rows = DecisionLogEntry.objects.filter(run=run).select_related("team")
    if team_id is not None:
        team = team_of_run(run=run, team_id=team_id)
        rows = rows.filter(Q(team=team) | Q(team__isnull=True))
    found = list(rows.order_by("at", "id"))
    audit.record(actor=actor, action="list", object_type="decision_log", object_id=team_id or "",
                 fields=["kind", "text"], reason=f"run {run.pk}")
    return found


@dataclass(frozen=True)
class BoardRow:
    """One expected action across every team."""

    action_id: str
    objective: str
    capability_target: str
    text: dict
    results: list[Result | None]  # one per team, in the board's team order; None: sandbox purged


@dataclass(frozen=True)
class Board:
    run: ExerciseRun
    teams: list[Team]
    evaluations: list[TeamEvaluation | None]
    rows: list[BoardRow]


def board_for(*, actor: Actor, run_id: object, language: str = "", now: dt.datetime | None = None) -> Board:
    """The controllers' live board: every team of the run against every expected action."""
    run = evaluation_run_for(actor=actor, run_id=run_id)
    now = now or timezone.now()
    teams = list(run.teams.all())
    evaluations = [_team_result(actor, run, team, language, now) for team in teams]
    rows = [BoardRow(action_id=a["id"], objective=a["objective"], capability_target=a["capability_target"],
                     text=a.get("text") or {}, results=[e.results[i] if e else None for e in evaluations])
            for i, a in enumerate(expected_actions_of(package=run.scenario))]
    return Board(run=run, teams=teams, evaluations=evaluations, rows=rows)


@dataclass(frozen=True)
class Debrief:
    """One team's debrief and after-action report: results by objective, the timeline against the
    expected actions, the observers' ratings and the decision log. `evaluation` is None once purged."""

    run: ExerciseRun
    team: Team
    evaluation: TeamEvaluation | None
    timeline: list[Moment]
    ratings: list[ObserverRating]
    log: list[DecisionLogEntry]
    package: ScenarioPackage


def debrief_for(*, actor: Actor, run_id: object, team_id: object, language: str = "",
                now: dt.datetime | None = None) -> Debrief:
    run = evaluation_run_for(actor=actor, run_id=run_id)
    team = team_of_run(run=run, team_id=team_id)
    evaluation = _team_result(actor, run, team, language, now)
    moments = (timeline(evaluation.record, _run_clock(run, team, now)) if evaluation else [])
    return Debrief(run=run, team=team, evaluation=evaluation, timeline=moments,
                   ratings=ratings_for(actor=actor, run_id=run.pk, team_id=team.pk),
                   log=decision_log_for(actor=actor, run_id=run.pk, team_id=team.pk), package=run.scenario)
