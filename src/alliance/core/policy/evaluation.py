"""Exercise evaluation: who may read what a team did in its sandbox, see the controllers' board, rate, keep
the decision log and open the debrief.

Evaluation reads across realms on purpose: an evaluator sits in the live realm and looks into a team's
sandbox to check the expected actions. That cross-realm read is granted here and nowhere else, and only ever
towards an exercise realm: the live realm holds real victims, whom no evaluation may read (the owning apps'
exercise_record selectors refuse it).

Two relations grant it, nothing else (deny by default):
- training co-ordinators (SCENARIO_VIEW: the evaluation shows what the package hides from trainees) evaluate
  and rate every run, as they manage every run (core/policy/run.py);
- a controller or an observer of THIS run (an exercises.RunStaff row) evaluates and rates that run and the
  sandboxes of its teams, and no other run. A role-player reads their card, not the evaluation.

Trainees never hold these rights, not even once the debrief is held. HSEEP practice: the exercise evaluation
guides and the decision log are working papers of the evaluation team, feeding the after-action report;
players hear the findings at the hot wash and read them in the report, never an individual observer's
ratings and notes about them. So nothing here depends on a debrief being released, and anyone acting inside
a sandbox (a trainer playing the shelter too) is a player there, never an evaluator.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q, QuerySet

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.base import may
from alliance.core.policy.scenario import acts_as_installation

EVALUATING_PARTS = ("controller", "observer")


def may_evaluate_exercises(actor: Actor) -> bool:
    """Evaluate any run and any sandbox: the training co-ordinators (and the installation's jobs)."""
    if actor.realm_is_exercise:
        # Inside a sandbox an actor is a player: a trainer playing the shelter is not an evaluator there.
        return False
    return may(actor, R.SCENARIO_VIEW) or acts_as_installation(actor)


def may_rate_exercises(actor: Actor) -> bool:
    """Rate and log on any run: the training co-ordinators; a rating is someone's judgement, so never the
    installation."""
    if actor.realm_is_exercise or actor.user_id is None:
        return False
    return may(actor, R.SCENARIO_VIEW)


def _evaluates_as_staff(actor: Actor, *, run_id: int | None = None, realm_id: int | None = None) -> bool:
    if not actor.is_authenticated or actor.realm_is_exercise or actor.user_id is None:
        return False
    rows = apps.get_model("exercises", "RunStaff").objects.filter(user_id=actor.user_id, part__in=EVALUATING_PARTS)
    if run_id is not None:
        rows = rows.filter(run_id=run_id)
    if realm_id is not None:
        rows = rows.filter(run__teams__realm_id=realm_id)
    return (run_id is not None or realm_id is not None) and rows.exists()


def may_open_evaluation(actor: Actor) -> bool:
    """Open the evaluation pages at all (to choose a run): who evaluates every run or at least one."""
    if may_evaluate_exercises(actor):
        return True
    if not actor.is_authenticated or actor.realm_is_exercise or actor.user_id is None:
        return False
    return apps.get_model("exercises", "RunStaff").objects.filter(
        user_id=actor.user_id, part__in=EVALUATING_PARTS).exists()


def may_evaluate_run(actor: Actor, run) -> bool:
    """See this run's board, its teams' results, ratings and log, and its debriefs."""
    return may_evaluate_exercises(actor) or _evaluates_as_staff(actor, run_id=run.pk)


def may_rate_on_run(actor: Actor, run) -> bool:
    """Record a rating or a decision-log entry on this run."""
    return may_rate_exercises(actor) or _evaluates_as_staff(actor, run_id=run.pk)


def evaluation_run_scope(actor: Actor, queryset: QuerySet) -> QuerySet:
    """The runs this actor may evaluate: the same rule as may_evaluate_run, as a query."""
    if may_evaluate_exercises(actor):
        return queryset
    if not actor.is_authenticated or actor.realm_is_exercise or actor.user_id is None:
        return queryset.none()
    return queryset.filter(Q(staff__user_id=actor.user_id, staff__part__in=EVALUATING_PARTS)).distinct()


def may_read_exercise_realm(actor: Actor, *, realm_is_exercise: bool, realm_id: int | None = None) -> bool:
    """The one cross-realm read: evaluators into an exercise sandbox (a run's staff into its teams' only),
    never into the live realm."""
    if not realm_is_exercise:
        return False
    return may_evaluate_exercises(actor) or (realm_id is not None and _evaluates_as_staff(actor, realm_id=realm_id))
