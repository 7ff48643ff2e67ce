"""After the exercise: who reads a run's after-action report, keeps its improvement plan, marks attendance
and issues certificates; which trainee gives feedback and downloads a certificate.

The report shows every team's results, the observers' notes and the decision log, so it is for the people
who ran or evaluated the exercise: training co-ordinators (RUN_MANAGE or PROGRAMME_MANAGE, live-realm roles)
and the run's controllers and observers (its staff rows, core/policy/run.py). The improvement plan,
attendance and certificates are the controllers' and co-ordinators' work; an observer reads them only.
A trainee is a trainee of the run (exercises.Team.trainees): they give their own feedback and read their
own certificate, from the live realm or from their own team's sandbox, never from another sandbox; they
never read the report, the plan or anyone else's answers. Models are named by label, so core imports no
other app.
"""

from __future__ import annotations

from django.apps import apps

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.base import may
from alliance.core.policy.run import CONTROLLER, OBSERVER, parts_on

_RUN_STATUSES_WITH_PLAY = ("running", "paused", "finished")  # started and not archived: feedback is open


def _coordinates_training(actor: Actor) -> bool:
    return (not actor.realm_is_exercise
            and (may(actor, R.RUN_MANAGE) or may(actor, R.PROGRAMME_MANAGE)))


def may_view_after_action(actor: Actor, run) -> bool:
    """The run's after-action report (page, PDF, JSON), its improvement plan and attendance, read-only."""
    if not actor.is_authenticated or actor.realm_is_exercise:
        return False
    return _coordinates_training(actor) or bool(parts_on(actor, run) & {CONTROLLER, OBSERVER})


def may_keep_improvement_plan(actor: Actor, run) -> bool:
    """Add, change and close improvement items; mark attendance; issue certificates."""
    if not actor.is_authenticated or actor.realm_is_exercise:
        return False
    return _coordinates_training(actor) or CONTROLLER in parts_on(actor, run)


def trainee_team_of(actor: Actor, run):
    """The actor's team in this run when they are one of its trainees and act from the live realm or their
    team's own sandbox; else None."""
    if not actor.is_authenticated:
        return None
    team = (apps.get_model("exercises", "Team").objects
            .filter(run_id=run.pk, trainees__pk=actor.user_id).first())
    if team is None:
        return None
    if actor.realm_is_exercise and (team.realm_id is None or actor.realm_id != team.realm_id):
        return None
    return team


def is_trainee_of(actor: Actor, run) -> bool:
    """Reads and writes their own feedback and certificate of this run (and nobody else's)."""
    return trainee_team_of(actor, run) is not None


def may_give_feedback(actor: Actor, run) -> bool:
    """A trainee of the run, once it has started and until it is archived."""
    return run.status in _RUN_STATUSES_WITH_PLAY and trainee_team_of(actor, run) is not None


def may_verify_certificate(actor: Actor) -> bool:
    """Anyone holding a certificate's code, with or without an account (an employer, a ministry, the
    trainee's agency): the code is the proof of being shown the certificate, and a verification shows only
    what the certificate prints (name as issued, exercise, programme and dates), never the team or results."""
    return True
