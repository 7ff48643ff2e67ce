"""Injects: released on schedule, on trigger, or by hand; delivered to one team of their own run, once.

Triggers fire from what really happened in the team's sandbox, read from its records on each clock tick
(`run_tick`: a huey periodic task, and also on demand whenever a console or an inbox polls), so the cases
and screening services need no hook: the first case of the realm, the first completed screening of a
catalogue, the first referral accepted by an agency of a sector... Each release is one row, unique per
(run, team, inject): two ticks or a tick and a controller at the same moment deliver it once.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.core import audit, policy
from alliance.core.actor import Actor
from alliance.core.errors import NotFound, ValidationFailed
from alliance.exercises.domain.inject_schedule import due_injects
from alliance.exercises.models import ExerciseRun, InjectRead, InjectRelease, Team

How = InjectRelease.How


def _injects_of(run: ExerciseRun) -> list[dict]:
    return run.scenario.content.get("msel.yaml", {}).get("injects", [])


def _deliver(run: ExerciseRun, team: Team, inject_id: str, how: str, by: int | None, now) -> InjectRelease | None:
    """One release, or None when it was already delivered. The team must be one of this run's (the caller
    read it from the run) and still have its sandbox: an inject never reaches a realm outside its run."""
    if team.run_id != run.pk or team.realm_id is None:
        raise NotFound("team")
    try:
        with transaction.atomic():  # a savepoint: a duplicate leaves the caller's transaction usable
            return InjectRelease.objects.create(run=run, team=team, inject_id=inject_id, how=how,
                                                released_by_id=by, released_at=now,
                                                scenario_seconds=run.clock.scenario_seconds(now))
    except IntegrityError:
        return None


def inject_release(*, actor: Actor, run_id: int, inject_id: str, team_ids: list[int] | None = None) -> list[
        InjectRelease]:
    """By hand from the console, to some teams or all; a team that already has it is skipped."""
    with transaction.atomic():
        run = ExerciseRun.objects.select_for_update().filter(pk=run_id).first() if type(run_id) is int else None
        if run is None or not policy.may_on_run(actor, policy.RUN_CONTROL, run):
            audit.record(actor=actor, action="denied", object_type="exercise_run", object_id=run_id,
                         reason="release inject")
            raise NotFound("exercise_run")
        if run.status not in (ExerciseRun.Status.RUNNING, ExerciseRun.Status.PAUSED):
            raise ValidationFailed(_("Injects are released while the run is running or paused."))
        if inject_id not in {i["id"] for i in _injects_of(run)}:
            raise ValidationFailed({"inject": [_("No such inject in this scenario.")]})
        teams = list(run.teams.exclude(realm=None))
        if team_ids is not None:
            wanted = set(team_ids)
            if not wanted <= {t.pk for t in teams}:
                # A team of another run (or none): refused whole, nothing released.
                raise ValidationFailed({"teams": [_("Name teams of this run only.")]})
            teams = [t for t in teams if t.pk in wanted]
        now = timezone.now()
        released = [r for t in teams if (r := _deliver(run, t, inject_id, How.MANUAL, actor.user_id, now))]
        audit.record(actor=actor, action="create", object_type="inject_release", object_id=run.pk,
                     fields=["inject", "teams"], reason=f"{inject_id} by hand to {len(released)} teams")
    return released


def _sandbox_events(run: ExerciseRun, team: Team) -> dict[tuple[str, str], float]:
    """The scenario time at which each trigger event first happened in the team's sandbox, from its records
    (the same ones the evaluation reads). Events before the start count as at the start."""
    from alliance.cases.models import Case, CaseShare, Consent, NrmEvent
    from alliance.screening.models import Screening

    realm = team.realm_id
    started = run.started_at
    if realm is None or started is None:
        return {}
    clock = run.clock
    found: dict[tuple[str, str], object] = {}

    def put(key, when):
        if when is not None and (key not in found or when < found[key]):
            found[key] = when

    put(("case_opened", ""), Case.objects.filter(realm_id=realm).aggregate(m=Min("created_at"))["m"])
    put(("consent_recorded", ""), Consent.objects.filter(case__realm_id=realm).aggregate(m=Min("recorded_at"))["m"])
    for code, when in (Screening.objects.filter(realm_id=realm).values_list("catalogues__code")
                       .annotate(m=Min("received_at"))):
        put(("screening_completed", ""), when)
        put(("screening_completed", code or ""), when)
    shares = CaseShare.objects.filter(case__realm_id=realm)
    for kind, event, at in ((("share",), "case_shared", "granted_at"),
                            (("referral", "transfer"), "referral_sent", "granted_at")):
        for sector, when in shares.filter(kind__in=kind).values_list("organisation__sector").annotate(m=Min(at)):
            put((event, ""), when)
            put((event, sector), when)
    for status, event in (("accepted", "referral_accepted"), ("declined", "referral_declined")):
        rows = shares.filter(kind__in=("referral", "transfer"), responded_at__isnull=False)
        rows = rows.filter(status__in=("accepted", "done")) if status == "accepted" else rows.filter(status=status)
        for sector, when in rows.values_list("organisation__sector").annotate(m=Min("responded_at")):
            put((event, ""), when)
            put((event, sector), when)
    for transition, event in (("reasonable_grounds", "reasonable_grounds_decided"),
                              ("appoint_guardian", "child_procedure_started")):
        put((event, ""), NrmEvent.objects.filter(case__realm_id=realm, transition=transition)
            .aggregate(m=Min("at"))["m"])
    return {key: _scenario_seconds_at(run, clock, when) for key, when in found.items()}


def _scenario_seconds_at(run: ExerciseRun, clock, when) -> float:
    """The scenario time of a past real instant. Exact while the clock ran at one pace since its anchor; an
    event older than the anchor is placed at the anchor (the latest the record can say), which only ever
    makes a trigger fire sooner, never twice."""
    if when <= run.started_at:
        return 0.0
    if clock.anchor_real is None or when >= clock.anchor_real:
        return clock.scenario_seconds(when) if clock.running else clock.anchor_scenario_seconds
    return clock.anchor_scenario_seconds


def run_tick(*, run_id: int) -> int:
    """Release whatever is due in every team of a running run; returns how many were released. Safe to run
    from several places at once (the periodic task, pages polling): the unique row decides."""
    run = ExerciseRun.objects.select_related("scenario").filter(pk=run_id).first()
    if run is None or run.status != ExerciseRun.Status.RUNNING:
        return 0
    now = timezone.now()
    now_seconds = run.clock.scenario_seconds(now)
    injects = _injects_of(run)
    made = 0
    for team in run.teams.exclude(realm=None):
        released = dict(InjectRelease.objects.filter(team=team).values_list("inject_id", "scenario_seconds"))
        events = _sandbox_events(run, team)
        for due in due_injects(injects=injects, now_seconds=now_seconds, events=events, released=released):
            if _deliver(run, team, due.inject_id, due.how, None, now):
                made += 1
    if made:
        audit.record(actor=None, action="create", object_type="inject_release", object_id=run.pk,
                     fields=["inject", "teams"], reason=f"{made} released by the clock")
    return made


_last_tick: dict[int, float] = {}
TICK_EVERY_SECONDS = 1.0


def run_tick_throttled(*, run_id: int) -> int:
    """The tick a polling page asks for: at most once a second per run and process, so 251 trainees polling
    every second cost one tick, not 251 (the unique row still guards against two processes ticking)."""
    import time

    now = time.monotonic()
    if now - _last_tick.get(run_id, -TICK_EVERY_SECONDS) < TICK_EVERY_SECONDS:
        return 0
    _last_tick[run_id] = now
    return run_tick(run_id=run_id)


def inject_mark_read(*, actor: Actor, release_id: int) -> None:
    from alliance.exercises.selectors.runs import release_get_for

    release = release_get_for(actor=actor, release_id=release_id)
    InjectRead.objects.get_or_create(release=release, user_id=actor.user_id)
