"""A team's results against its scenario's expected actions, for evaluators (core/policy/evaluation.py).

Designed to plug into exercise runs when they exist: a run gives its scenario package, each team's sandbox
realm, its start, its clock (pauses and pace) and the injects it released; until then the caller passes
them. Without released injects, the MSEL's own rules say when each would have gone out
(domain/evaluation.py, releases_from_msel), so a board can show timed results before runs record releases.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from alliance.cases.selectors.exercise_record import exercise_realm_checked
from alliance.core import audit, policy
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound
from alliance.core.models import Realm
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
from alliance.exercises.models import DecisionLogEntry, ObserverRating, ScenarioPackage
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


def team_evaluation_for(
    *, actor: Actor, package_id: int, realm_id: int, started_at: dt.datetime, now: dt.datetime | None = None,
    finished: bool = False, releases: Mapping[str, dt.datetime] | None = None,
    minutes_at: Callable[[dt.datetime], float] | None = None,
) -> TeamEvaluation:
    """Every expected action of the package against the team's sandbox `realm_id`, as of `now`."""
    package = evaluation_package_for(actor=actor, package_id=package_id)
    record = team_record_for(actor=actor, realm_id=realm_id)
    clock = Clock(start=started_at, now=now or timezone.now(), finished=finished, releases=dict(releases or {}),
                  minutes_at=minutes_at)
    injects = (package.content.get("msel.yaml") or {}).get("injects") or []
    released = releases_from_msel(injects, record, clock)
    clock = Clock(start=clock.start, now=clock.now, finished=finished, releases=released, minutes_at=minutes_at)
    results = evaluate(expected_actions_of(package=package), record, clock)
    return TeamEvaluation(realm_id=realm_id, package_id=package.pk, results=results, score=score(results),
                          releases=released, record=record)


def ratings_for(*, actor: Actor, package_id: int, realm_id: int) -> list[ObserverRating]:
    """Every observer's rating of one team, by capability target."""
    package = evaluation_package_for(actor=actor, package_id=package_id)
    realm = exercise_realm_checked(actor=actor, realm_id=realm_id, what="evaluation.ratings")
    rows = list(ObserverRating.objects.filter(package=package, realm_id=realm.pk)
                .order_by("capability_target", "rated_at"))
    audit.record(actor=actor, action="list", object_type="observer_rating", object_id=realm.pk,
                 fields=["rating", "notes"])
    return rows


def decision_log_for(*, actor: Actor, package_id: int, realm_id: int | None = None) -> list[DecisionLogEntry]:
    """The decision log of one team (with the whole exercise's entries), or of the whole exercise."""
    package = evaluation_package_for(actor=actor, package_id=package_id)
    rows = DecisionLogEntry.objects.filter(package=package)
    if realm_id is not None:
        realm = exercise_realm_checked(actor=actor, realm_id=realm_id, what="evaluation.log")
        rows = rows.filter(Q(realm_id=realm.pk) | Q(realm_id__isnull=True))
    found = list(rows.order_by("at", "id"))
    audit.record(actor=actor, action="list", object_type="decision_log", object_id=realm_id or "",
                 fields=["kind", "text"])
    return found


@dataclass(frozen=True)
class BoardRow:
    """One expected action across every team."""

    action_id: str
    objective: str
    capability_target: str
    text: dict
    results: list[Result]  # one per team, in the board's team order


@dataclass(frozen=True)
class Board:
    teams: list[TeamEvaluation]
    rows: list[BoardRow]


def board_for(
    *, actor: Actor, package_id: int, realm_ids: list[int], started_at: dt.datetime,
    now: dt.datetime | None = None, finished: bool = False,
) -> Board:
    """The controllers' live board: every team against every expected action."""
    package = evaluation_package_for(actor=actor, package_id=package_id)
    now = now or timezone.now()
    teams = [team_evaluation_for(actor=actor, package_id=package.pk, realm_id=realm_id, started_at=started_at,
                                 now=now, finished=finished) for realm_id in realm_ids]
    rows = [BoardRow(action_id=a["id"], objective=a["objective"], capability_target=a["capability_target"],
                     text=a.get("text") or {}, results=[t.results[i] for t in teams])
            for i, a in enumerate(expected_actions_of(package=package))]
    return Board(teams=teams, rows=rows)


def evaluation_packages_for(*, actor: Actor) -> list[ScenarioPackage]:
    """The packages an evaluator may pick for the board or the observer form."""
    if not policy.may_evaluate_exercises(actor):
        _refuse(actor, "evaluation.view")
    return list(ScenarioPackage.objects.defer("sources").order_by("slug", "-imported_at"))


def exercise_realms_for(*, actor: Actor) -> list[Realm]:
    """The sandboxes an evaluator may pick until runs name their teams (then: the run's teams)."""
    if not policy.may_evaluate_exercises(actor):
        _refuse(actor, "evaluation.view")
    return list(Realm.objects.filter(kind=Realm.Kind.EXERCISE).order_by("name", "id"))


@dataclass(frozen=True)
class Debrief:
    """One team's debrief and after-action report: results by objective, the timeline against the
    expected actions, the observers' ratings and the decision log."""

    evaluation: TeamEvaluation
    timeline: list[Moment]
    ratings: list[ObserverRating]
    log: list[DecisionLogEntry]
    package: ScenarioPackage


def debrief_for(
    *, actor: Actor, package_id: int, realm_id: int, started_at: dt.datetime, now: dt.datetime | None = None,
    finished: bool = True,
) -> Debrief:
    package = evaluation_package_for(actor=actor, package_id=package_id)
    now = now or timezone.now()
    evaluation = team_evaluation_for(actor=actor, package_id=package.pk, realm_id=realm_id, started_at=started_at,
                                     now=now, finished=finished)
    clock = Clock(start=started_at, now=now, finished=finished)
    return Debrief(evaluation=evaluation, timeline=timeline(evaluation.record, clock),
                   ratings=ratings_for(actor=actor, package_id=package.pk, realm_id=realm_id),
                   log=decision_log_for(actor=actor, package_id=package.pk, realm_id=realm_id), package=package)
