"""Exercise evaluation: who may read what a team did in its sandbox, and the evaluation of it.

Evaluation reads across realms on purpose: a training co-ordinator (or, once runs exist, a run's controllers
and observers) sits in the live realm and looks into a team's sandbox to check the expected actions. That
cross-realm read is granted here and nowhere else, and only ever towards an exercise realm: the live realm
holds real victims, whom no evaluation may read (the owning apps' exercise_record selectors refuse it).

Trainees never hold these rights: they play in their sandbox and see their own records through the normal
case and screening policies; they never see controller notes, observer ratings or other teams.

Roles grant the right through SCENARIO_VIEW (training co-ordinators), because the evaluation shows what the
package hides from trainees (expected actions, controller notes). When runs exist, a relation "controller or
observer of the run that owns this realm" is added here beside it.
"""

from __future__ import annotations

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.base import may
from alliance.core.policy.scenario import acts_as_installation


def may_evaluate_exercises(actor: Actor) -> bool:
    """Read a team's record and its results against the expected actions; see the controllers' board."""
    if actor.realm_is_exercise:
        # Inside a sandbox an actor is a player: a trainer playing the shelter is not an evaluator there.
        return False
    return may(actor, R.SCENARIO_VIEW) or acts_as_installation(actor)


def may_rate_exercises(actor: Actor) -> bool:
    """Record an observer's rating of a capability target, or an entry in the decision log."""
    if actor.realm_is_exercise or actor.user_id is None:
        return False  # a rating is someone's judgement: the installation never rates
    return may(actor, R.SCENARIO_VIEW)


def may_read_exercise_realm(actor: Actor, *, realm_is_exercise: bool) -> bool:
    """The one cross-realm read: evaluators into an exercise sandbox, never into the live realm."""
    return realm_is_exercise and may_evaluate_exercises(actor)
