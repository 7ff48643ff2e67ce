"""Exercise runs: create (with a sandbox per team), the clock (start, pause, resume, pace), finish, purge.

Every action is decided by core/policy/run.py, runs in one transaction with the run's row locked (two
controllers pressing "pause" at once change the clock once each, in turn) and is audited as object
`exercise_run`.
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance.core import audit, policy
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.directory.models import User
from alliance.exercises.domain.scenario_clock import MAX_PACE, MIN_PACE
from alliance.exercises.models import ExerciseRun, InjectRelease, RunStaff, ScenarioPackage, Team, TeamSeat
from alliance.exercises.services.after_action import after_action_snapshot_take
from alliance.exercises.services.sandboxes import sandbox_purge, sandbox_rows, sandbox_seed

MAX_TEAMS = 30
Status = ExerciseRun.Status


def run_create_check(*, actor: Actor, scenario_id: int, name: str, teams: int, language: str = "",
                     edition_id: int | None = None, trainees: list[list[int]] | None = None,
                     controller_ids: list[int] = (), observer_ids: list[int] = (),
                     role_players: list[tuple[int, str]] = ()) -> tuple[ScenarioPackage, str, str, list[list[int]]]:
    """The checks of a run's creation, without writing: the page runs them before it queues the creation job,
    so a mistake is answered on the form rather than on a progress page. Returns (scenario, name, language,
    trainees) as the creation uses them, or raises ValidationFailed naming each field at fault."""
    if not policy.may_manage_runs(actor):
        raise Forbidden("run.manage")
    scenario = ScenarioPackage.objects.filter(pk=scenario_id).first() if type(scenario_id) is int else None
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if scenario is None:
        errors["scenario"] = [_("No such scenario.")]
    if not name or len(name) > 200:
        errors["name"] = [_("Give the run a name of 1 to 200 characters.")]
    if type(teams) is not int or not 1 <= teams <= MAX_TEAMS:
        errors["teams"] = [_("A run has 1 to %(n)d teams.") % {"n": MAX_TEAMS}]
    language = language or (scenario.languages[0] if scenario else "")
    if scenario is not None and language not in scenario.languages:
        errors["language"] = [_("The scenario is not written in that language.")]
    if edition_id is not None and not _edition_of_actor(actor, edition_id):
        errors["edition"] = [_("No such programme edition among those you run.")]
    trainees = [list(t) for t in (trainees or [])]
    if type(teams) is int and len(trainees) > teams:
        errors["trainees"] = [_("More trainee lists than teams.")]
    everyone = [u for t in trainees for u in t] + list(controller_ids) + list(observer_ids) + \
        [u for u, _card in role_players]
    if len({u for t in trainees for u in t}) != sum(len(t) for t in trainees):
        errors["trainees"] = [_("A trainee plays in one team only.")]
    if everyone and User.objects.filter(pk__in=set(everyone), is_active=True).count() != len(set(everyone)):
        errors["staff"] = [_("Name active accounts only.")]
    if any(card not in scenario_cards(scenario=scenario) for _u, card in role_players):
        errors["role_players"] = [_("A role-player plays a card of the scenario.")]
    elif len({u for u, _card in role_players}) != len(role_players):
        errors["role_players"] = [_("A role-player plays one card.")]
    staff = set(controller_ids) | set(observer_ids) | {u for u, _card in role_players}
    if staff & {u for t in trainees for u in t}:
        errors["trainees"] = [_("A trainee is not also on the run's staff.")]
    if errors:
        raise ValidationFailed(errors)
    return scenario, name, language, trainees


def scenario_cards(*, scenario: ScenarioPackage | None) -> set[str]:
    return {c["id"] for c in (scenario.content.get("roleplayers.yaml", {}).get("cards", []) if scenario else [])}


def _edition_of_actor(actor: Actor, edition_id) -> bool:
    from alliance.core import roles as R
    from alliance.exercises.models import Edition

    if type(edition_id) is not int:
        return False
    return Edition.objects.filter(pk=edition_id,
                                  programme__in=policy.PROGRAMME.scope(actor, R.PROGRAMME_MANAGE)).exists()


def run_create(*, actor: Actor, scenario_id: int, name: str, teams: int, language: str = "",
               edition_id: int | None = None, trainees: list[list[int]] | None = None,
               controller_ids: list[int] = (), observer_ids: list[int] = (),
               role_players: list[tuple[int, str]] = (), progress=None) -> ExerciseRun:
    """A run of this scenario version for `teams` teams, every sandbox seeded, in one transaction: a
    failure half-way leaves no run, no realm and no agency behind. `trainees[i]` are team i+1's users.
    `progress(number)` is told each team seeded (the creation job's progress page)."""
    scenario, name, language, trainees = run_create_check(
        actor=actor, scenario_id=scenario_id, name=name, teams=teams, language=language, edition_id=edition_id,
        trainees=trainees, controller_ids=controller_ids, observer_ids=observer_ids, role_players=role_players)
    with transaction.atomic():
        run = ExerciseRun.objects.create(scenario=scenario, name=name, language=language, edition_id=edition_id,
                                         created_by_id=actor.user_id, status=Status.PREPARING)
        for number in range(1, teams + 1):
            sandbox_seed(run=run, number=number, trainee_ids=trainees[number - 1] if number <= len(trainees) else [],
                         controller_ids=list(controller_ids))
            if progress:
                progress(number)
        RunStaff.objects.bulk_create(
            [RunStaff(run=run, user_id=u, part=RunStaff.Part.CONTROLLER) for u in dict.fromkeys(controller_ids)]
            + [RunStaff(run=run, user_id=u, part=RunStaff.Part.OBSERVER) for u in dict.fromkeys(observer_ids)]
            + [RunStaff(run=run, user_id=u, part=RunStaff.Part.ROLE_PLAYER, card_id=c) for u, c in role_players])
        run.status = Status.PREPARED
        run.save(update_fields=["status"])
        audit.record(actor=actor, action="create", object_type="exercise_run", object_id=run.pk,
                     fields=["scenario", "name", "language", "teams", "trainees", "staff"],
                     reason=f"{scenario.slug}@{scenario.version}, {teams} teams")
    return run


def _locked_run(actor: Actor, run_id: int, what: str) -> ExerciseRun:
    run = ExerciseRun.objects.select_for_update().filter(pk=run_id).first() if type(run_id) is int else None
    if run is None or not policy.may_on_run(actor, what, run):
        audit.record(actor=actor, action="denied", object_type="exercise_run", object_id=run_id, reason=what)
        raise NotFound("exercise_run")
    return run


# What a controller asked for, in the interface language (the audit log keeps the English verb).
CLOCK_VERBS = {"start": gettext_lazy("start"), "pause": gettext_lazy("pause"), "resume": gettext_lazy("resume"),
               "change pace": gettext_lazy("change pace"), "finish": gettext_lazy("finish")}


def _clock_action(actor: Actor, run_id: int, verb: str, allowed_from: tuple[str, ...], change) -> ExerciseRun:
    with transaction.atomic():
        run = _locked_run(actor, run_id, policy.RUN_CONTROL)
        if run.status not in allowed_from:
            raise ValidationFailed(_("The run is %(status)s: it cannot %(verb)s now.")
                                   % {"status": run.get_status_display(), "verb": CLOCK_VERBS.get(verb, verb)})
        now = timezone.now()
        change(run, now)
        run.save()
        audit.record(actor=actor, action="update", object_type="exercise_run", object_id=run.pk,
                     fields=["status", "clock"], reason=verb)
    return run


def run_start(*, actor: Actor, run_id: int) -> ExerciseRun:
    def change(run, now):
        run.set_clock(run.clock.start(now))
        run.started_at, run.status = now, Status.RUNNING
    return _clock_action(actor, run_id, "start", (Status.PREPARED,), change)


def run_pause(*, actor: Actor, run_id: int) -> ExerciseRun:
    def change(run, now):
        run.set_clock(run.clock.pause(now))
        run.status = Status.PAUSED
        run.pauses = [*run.pauses, [now.isoformat(), None]]
    return _clock_action(actor, run_id, "pause", (Status.RUNNING,), change)


def run_resume(*, actor: Actor, run_id: int) -> ExerciseRun:
    def change(run, now):
        run.set_clock(run.clock.resume(now))
        run.status = Status.RUNNING
        if run.pauses and run.pauses[-1][1] is None:
            run.pauses = [*run.pauses[:-1], [run.pauses[-1][0], now.isoformat()]]
    return _clock_action(actor, run_id, "resume", (Status.PAUSED,), change)


def run_pace(*, actor: Actor, run_id: int, pace: float) -> ExerciseRun:
    if isinstance(pace, bool) or not isinstance(pace, int | float) or not MIN_PACE <= pace <= MAX_PACE:
        raise ValidationFailed({"pace": [_("The pace is between %(lo)s and %(hi)s times real time.")
                                         % {"lo": MIN_PACE, "hi": MAX_PACE}]})

    def change(run, now):
        # Rebased on the clock as it stands, running or paused: the pace applies from now on.
        clock = run.clock
        run.set_clock(clock.with_pace(now, float(pace)))
    return _clock_action(actor, run_id, "change pace", (Status.PREPARED, Status.RUNNING, Status.PAUSED), change)


def run_finish(*, actor: Actor, run_id: int) -> ExerciseRun:
    def change(run, now):
        if run.status == Status.RUNNING:
            run.set_clock(run.clock.pause(now))
        run.status, run.finished_at = Status.FINISHED, now
        run.figures = run_figures(run=run)
    return _clock_action(actor, run_id, "finish", (Status.RUNNING, Status.PAUSED, Status.PREPARED), change)


def run_figures(*, run: ExerciseRun) -> dict:
    """What the report keeps of each team once its sandbox is gone: counts only."""
    from alliance.cases.models import Case, CaseShare
    from alliance.screening.models import Screening

    teams = {}
    for team in run.teams.all():
        realm = team.realm_id
        teams[str(team.number)] = {
            "name": team.name,
            "injects": InjectRelease.objects.filter(team=team).count(),
            "screenings": Screening.objects.filter(realm_id=realm).count() if realm else 0,
            "cases": Case.objects.filter(realm_id=realm).count() if realm else 0,
            "referrals": CaseShare.objects.filter(case__realm_id=realm).exclude(kind="share").count() if realm else 0,
            # People only: the accounts the run made for seats no trainee took are in the team too.
            "trainees": team.trainees.exclude(pk__in=team.seats.filter(generated=True).values("user_id")).count(),
        }
    return {"teams": teams, "scenario_seconds": run.clock.scenario_seconds(timezone.now())}


def run_purge(*, actor: Actor, run_id: int) -> ExerciseRun:
    """Archive a finished run and delete its sandboxes whole, in one audited step: no row of the run's realms
    remains, the figures stay on the run, and the audit rows stay (append-only; the chain still verifies)."""
    if not policy.may_manage_runs(actor):
        raise Forbidden("run.manage")
    with transaction.atomic():
        run = _locked_run(actor, run_id, policy.RUN_CONTROL)
        if run.status != Status.FINISHED:
            raise ValidationFailed(_("Only a finished run is archived and purged."))
        # The after-action report's per-team part needs the sandboxes: kept before they go.
        after_action_snapshot_take(actor=actor, run=run)
        realm_ids = list(run.teams.exclude(realm=None).values_list("realm_id", flat=True))
        generated = list(TeamSeat.objects.filter(team__run=run, generated=True).values_list("user_id", flat=True))
        sandbox_purge(realm_ids=realm_ids, generated_user_ids=[u for u in generated if u])
        left = sandbox_rows(realm_ids=realm_ids)
        if left:  # a table the purge does not know: refuse whole rather than leave half a sandbox
            raise ValidationFailed(_("The sandboxes still hold rows: %(left)s") % {"left": left})
        Team.objects.filter(run=run).update(realm=None)
        run.status, run.archived_at = Status.ARCHIVED, timezone.now()
        run.save(update_fields=["status", "archived_at"])
        audit.record(actor=actor, action="delete", object_type="exercise_run", object_id=run.pk,
                     fields=["sandboxes"], reason=f"archived; {len(realm_ids)} sandboxes purged")
    return run
