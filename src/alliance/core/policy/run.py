"""Exercise runs: who may create, control, observe and role-play a run, and who reads a team's inbox.

Training co-ordinators (RUN_MANAGE, a live-realm role) create, list and purge every run and control any.
Everyone else holds a run through its staff rows (exercises.RunStaff): a controller starts, pauses, paces
and releases injects; an observer watches the console (no release); a role-player reads their card and
cues. Staff act from the live realm: a session inside a sandbox is a trainee's, never the console's.
A trainee reads their own team's inbox only, from a session in that team's sandbox realm. The inbox's
once-a-second poll may be answered "nothing new" on a short-lived ticket instead of the whole session
check (see inbox_ticket_admits). Models are named by label, so core imports no other app.
"""

from __future__ import annotations

from django.apps import apps
from django.db.models import Q, QuerySet

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.base import may

CONTROLLER = "controller"
OBSERVER = "observer"
ROLE_PLAYER = "role_player"

# What each part of the run's staff may do on it.
RUN_VIEW = "view"  # the console read-only: clock, MSEL states, progress
RUN_CONTROL = "control"  # start, pause, resume, pace, release by hand, finish
RUN_CARD = "card"  # the role-player view
_PART_GRANTS = {
    CONTROLLER: frozenset({RUN_VIEW, RUN_CONTROL, RUN_CARD}),
    OBSERVER: frozenset({RUN_VIEW}),
    ROLE_PLAYER: frozenset({RUN_CARD}),
}


def _staff_model():
    return apps.get_model("exercises", "RunStaff")


def may_manage_runs(actor: Actor) -> bool:
    return may(actor, R.RUN_MANAGE) and not actor.realm_is_exercise


def parts_on(actor: Actor, run) -> frozenset[str]:
    if not actor.is_authenticated or actor.realm_is_exercise:
        return frozenset()
    return frozenset(_staff_model().objects.filter(run_id=run.pk, user_id=actor.user_id)
                     .values_list("part", flat=True))


def may_on_run(actor: Actor, what: str, run) -> bool:
    """May this actor do `what` (RUN_VIEW, RUN_CONTROL, RUN_CARD) on this run?"""
    if not actor.is_authenticated or actor.realm_is_exercise:
        return False
    if may_manage_runs(actor) and what in (RUN_VIEW, RUN_CONTROL):
        return True
    return any(what in _PART_GRANTS[part] for part in parts_on(actor, run))


def run_scope(actor: Actor, what: str, queryset: QuerySet) -> QuerySet:
    """The runs this actor may do `what` on: the same rule as may_on_run, as a query."""
    if not actor.is_authenticated or actor.realm_is_exercise:
        return queryset.none()
    if may_manage_runs(actor) and what in (RUN_VIEW, RUN_CONTROL):
        return queryset
    parts = [part for part, grants in _PART_GRANTS.items() if what in grants]
    return queryset.filter(Q(staff__user_id=actor.user_id, staff__part__in=parts)).distinct()


def team_inbox_scope(actor: Actor, teams: QuerySet) -> QuerySet:
    """The teams whose inbox the actor reads: as a trainee of the team, acting in its sandbox (the inbox
    belongs to the team's realm alone). A filter, so the inbox finds the actor's team in one query."""
    if not (actor.is_authenticated and actor.realm_is_exercise and actor.realm_id):
        return teams.none()
    return teams.filter(realm_id=actor.realm_id, trainees=actor.user_id)


def may_read_team_inbox(actor: Actor, team) -> bool:
    """The same rule as team_inbox_scope, for one team already in hand."""
    return (team.realm_id is not None
            and team_inbox_scope(actor, type(team).objects.filter(pk=team.pk)).exists())


# A ticket is issued with every inbox page and poll answer that passed the inbox rule, and lives this long.
INBOX_TICKET_SECONDS = 30


def inbox_ticket_admits(*, ticket_session: str, session_digest: str, session_alive: bool) -> bool:
    """May a poll carrying a valid, unexpired ticket be answered "nothing new" without rebuilding the actor?
    Only while the session the ticket was issued to lives (a log-out ends it at once). A change of
    membership, rights or team reaches the poll within INBOX_TICKET_SECONDS, when the ticket expires and
    the whole check runs again; until then the answer tells no more than that nothing was released. An
    answer with content never takes this path."""
    return bool(ticket_session) and ticket_session == session_digest and session_alive
