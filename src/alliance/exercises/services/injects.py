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
from alliance.exercises.domain.inject_schedule import due_injects, waiting_events
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


def _sandbox_events(run: ExerciseRun, realms: list[int], wanted: set[str]) -> dict[int, dict[tuple[str, str],
                                                                                          float]]:
    """Per sandbox realm, the scenario time at which each wanted trigger event first happened there, from
    its records (the same ones the evaluation reads). One grouped query per kind of event for every team at
    once; events before the start count as at the start."""
    from alliance.cases.models import Case, CaseShare, Consent, NrmEvent
    from alliance.screening.models import Screening

    if not realms or run.started_at is None or not wanted:
        return {}
    found: dict[int, dict[tuple[str, str], object]] = {r: {} for r in realms}

    def put(realm, key, when):
        seen = found.setdefault(realm, {})
        if when is not None and (key not in seen or when < seen[key]):
            seen[key] = when

    def first(rows, event, narrowed=False):
        for realm, narrowing, when in rows:
            put(realm, (event, ""), when)
            if narrowed:
                put(realm, (event, narrowing or ""), when)

    def grouped(qs, realm_field, narrowing, at):
        fields = [realm_field] + ([narrowing] if narrowing else [])
        rows = qs.values_list(*fields).annotate(m=Min(at)).order_by()
        return [(r[0], r[1], r[2]) if narrowing else (r[0], "", r[1]) for r in rows]

    if "case_opened" in wanted:
        first(grouped(Case.objects.filter(realm_id__in=realms), "realm_id", None, "created_at"), "case_opened")
    if "consent_recorded" in wanted:
        first(grouped(Consent.objects.filter(case__realm_id__in=realms), "case__realm_id", None, "recorded_at"),
              "consent_recorded")
    if "screening_completed" in wanted:
        first(grouped(Screening.objects.filter(realm_id__in=realms), "realm_id", "catalogues__code",
                      "received_at"), "screening_completed", narrowed=True)
    shares = CaseShare.objects.filter(case__realm_id__in=realms)
    for kinds, event in ((("share",), "case_shared"), (("referral", "transfer"), "referral_sent")):
        if event in wanted:
            first(grouped(shares.filter(kind__in=kinds), "case__realm_id", "organisation__sector", "granted_at"),
                  event, narrowed=True)
    for status, event in (("accepted", "referral_accepted"), ("declined", "referral_declined")):
        if event in wanted:
            rows = shares.filter(kind__in=("referral", "transfer"), responded_at__isnull=False)
            rows = rows.filter(status__in=("accepted", "done")) if status == "accepted" else rows.filter(
                status=status)
            first(grouped(rows, "case__realm_id", "organisation__sector", "responded_at"), event, narrowed=True)
    for transition, event in (("reasonable_grounds", "reasonable_grounds_decided"),
                              ("appoint_guardian", "child_procedure_started")):
        if event in wanted:
            first(grouped(NrmEvent.objects.filter(case__realm_id__in=realms, transition=transition),
                          "case__realm_id", None, "at"), event)
    clock = run.clock
    return {realm: {key: _scenario_seconds_at(run, clock, when) for key, when in events.items()}
            for realm, events in found.items()}


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
    teams = list(run.teams.exclude(realm=None))
    released: dict[int, dict[str, float]] = {t.pk: {} for t in teams}
    for team_id, inject_id, seconds in InjectRelease.objects.filter(run=run).values_list(
            "team_id", "inject_id", "scenario_seconds"):
        released.setdefault(team_id, {})[inject_id] = seconds
    waiting = {t.pk: waiting_events(injects=injects, released=released[t.pk]) for t in teams}
    events = _sandbox_events(run, [t.realm_id for t in teams if waiting[t.pk]], set().union(*waiting.values()))
    made = 0
    for team in teams:
        for due in due_injects(injects=injects, now_seconds=now_seconds, events=events.get(team.realm_id, {}),
                               released=released[team.pk]):
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
    # One INSERT that skips a read already kept (a double click, two tabs): no read-then-write transaction
    # holding SQLite's single write lock while a whole team marks the same inject at once.
    InjectRead.objects.bulk_create([InjectRead(release=release, user_id=actor.user_id)], ignore_conflicts=True)
