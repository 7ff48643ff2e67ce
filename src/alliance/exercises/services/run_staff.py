"""Changing who plays a run once it is made: controllers, observers and role-players added or removed while
the run is not finished, trainees placed in, moved between or taken out of teams before it starts.

Decided by core/policy/run.py (training co-ordinators, RUN_MANAGE), each change in one transaction with the
run's row locked, audited on the run as `exercise_run` (ids only, never names).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from alliance.core import audit, policy
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.directory.models import Membership, User
from alliance.exercises.models import ExerciseRun, RunStaff, Team, TeamSeat
from alliance.exercises.services.runs import _locked_run, scenario_cards
from alliance.exercises.services.sandboxes import sandbox_seat_trainee, sandbox_unseat

Status = ExerciseRun.Status
STAFF_CHANGES_WHILE = (Status.PREPARED, Status.RUNNING, Status.PAUSED)


def _managed_run(actor: Actor, run_id: int, allowed: tuple[str, ...]) -> ExerciseRun:
    if not policy.may_manage_runs(actor):
        raise Forbidden("run.manage")
    run = _locked_run(actor, run_id, policy.RUN_CONTROL)
    if run.status not in allowed:
        raise ValidationFailed(_("The run is %(status)s: its people can no longer be changed that way.")
                               % {"status": run.get_status_display()})
    return run


def _active_user(user_id) -> User:
    user = User.objects.filter(pk=user_id, is_active=True).first() if type(user_id) is int else None
    if user is None:
        raise ValidationFailed({"user": [_("Name an active account.")]})
    return user


def run_staff_add(*, actor: Actor, run_id: int, user_id: int, part: str, card_id: str = "") -> RunStaff:
    with transaction.atomic():
        run = _managed_run(actor, run_id, STAFF_CHANGES_WHILE)
        user = _active_user(user_id)
        errors: dict[str, list[str]] = {}
        if part not in RunStaff.Part.values:
            errors["part"] = [_("Choose controller, observer or role-player.")]
        if part == RunStaff.Part.ROLE_PLAYER and card_id not in scenario_cards(scenario=run.scenario):
            errors["card"] = [_("A role-player plays a card of the scenario.")]
        if part != RunStaff.Part.ROLE_PLAYER and card_id:
            errors["card"] = [_("Only a role-player plays a card.")]
        if Team.objects.filter(run=run, trainees=user).exists():
            errors["user"] = [_("A trainee is not also on the run's staff.")]
        if RunStaff.objects.filter(run=run, user=user, part=part).exists():
            errors["user"] = [_("This person already has that part in the run.")]
        if errors:
            raise ValidationFailed(errors)
        staff = RunStaff.objects.create(run=run, user=user, part=part, card_id=card_id)
        audit.record(actor=actor, action="update", object_type="exercise_run", object_id=run.pk, fields=["staff"],
                     reason=f"added {part} user {user.pk}" + (f" card {card_id}" if card_id else ""))
    return staff


def run_staff_remove(*, actor: Actor, run_id: int, staff_id: int) -> None:
    """A controller removed also leaves the sandbox seats the run gave them: their entry to the team realms
    ends with their part, so a former controller cannot work in a sandbox."""
    with transaction.atomic():
        run = _managed_run(actor, run_id, STAFF_CHANGES_WHILE)
        staff = RunStaff.objects.filter(pk=staff_id, run=run).first() if type(staff_id) is int else None
        if staff is None:
            raise ValidationFailed({"staff": [_("No such member of the run's staff.")]})
        if staff.part == RunStaff.Part.CONTROLLER and \
                not RunStaff.objects.filter(run=run, user_id=staff.user_id).exclude(pk=staff.pk).exists():
            for team in run.teams.exclude(realm=None).select_related("realm"):
                if TeamSeat.objects.filter(team=team, user_id=staff.user_id).exists():
                    sandbox_unseat(team=team, user_id=staff.user_id)
        staff.delete()
        audit.record(actor=actor, action="update", object_type="exercise_run", object_id=run.pk, fields=["staff"],
                     reason=f"removed {staff.part} user {staff.user_id}")


def run_trainee_place(*, actor: Actor, run_id: int, user_id: int, team_number: int | None) -> Team | None:
    """Put a trainee in team `team_number` of a run not yet started (out of any other team of the run), or
    out of the run when `team_number` is None."""
    with transaction.atomic():
        run = _managed_run(actor, run_id, (Status.PREPARED,))
        user = _active_user(user_id)
        target = None
        if team_number is not None:
            target = run.teams.filter(number=team_number).exclude(realm=None).select_related("realm").first() \
                if type(team_number) is int else None
            if target is None:
                raise ValidationFailed({"team": [_("No such team in this run.")]})
        if RunStaff.objects.filter(run=run, user=user).exists():
            raise ValidationFailed({"user": [_("A trainee is not also on the run's staff.")]})
        current = run.teams.filter(trainees=user).select_related("realm").first()
        if current is not None and target is not None and current.pk == target.pk:
            return target
        if current is not None:
            sandbox_unseat(team=current, user_id=user.pk)
        if target is not None:
            if Membership.objects.filter(user=user, organisation__sandbox_id=target.realm_id).exists():
                raise ValidationFailed({"user": [_("This account already holds a seat in that sandbox.")]})
            sandbox_seat_trainee(team=target, user_id=user.pk)
        audit.record(actor=actor, action="update", object_type="exercise_run", object_id=run.pk,
                     fields=["trainees"], reason=f"user {user.pk}: team {current.number if current else '-'} -> "
                                                 f"{target.number if target else '-'}")
    return target
