"""Reads of exercise runs: the console's state, a role-player's card, a trainee's inbox. Each narrowed by
core/policy/run.py; one gate per object answers "not found" alike for a missing and a forbidden one."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from alliance.core import audit, policy
from alliance.core.actor import Actor
from alliance.core.errors import NotFound
from alliance.exercises.domain.scenario_clock import format_hhmm, parse_hhmm
from alliance.exercises.domain.scenario_package import text_in
from alliance.exercises.domain.scenario_package import vocabulary as V
from alliance.exercises.models import ExerciseRun, InjectRead, InjectRelease, ScenarioEvidence, Team

WARN_AHEAD_MINUTES = 15  # observers are warned this many scenario minutes before a timed inject
# How a trainee sees an inject's channel (the package's words are identifiers: vocabulary.CHANNELS).
CHANNEL_LABELS = {V.PLATFORM_MESSAGE: _("Message"), V.EMAIL: _("E-mail"), V.PHONE_CALL: _("Phone call"),
                  V.DOCUMENT_DROP: _("Documents handed over")}


def run_list_for(*, actor: Actor) -> QuerySet[ExerciseRun]:
    return policy.run_scope(actor, policy.RUN_VIEW, ExerciseRun.objects.select_related("scenario"))


def run_get_for(*, actor: Actor, run_id, what: str = policy.RUN_VIEW) -> ExerciseRun:
    run = ExerciseRun.objects.select_related("scenario").filter(pk=run_id).first() if type(run_id) is int else None
    if run is None or not policy.may_on_run(actor, what, run):
        audit.record(actor=actor, action="denied", object_type="exercise_run", object_id=run_id, reason=what)
        raise NotFound("exercise_run")
    return run


def _when_text(inject: dict) -> str:
    if "at" in inject:
        return inject["at"]
    trigger = inject.get("trigger", {})
    if "after" in trigger:
        return f"+{trigger.get('minutes', 0)}' {trigger['after']}"
    narrow = trigger.get("sector") or trigger.get("catalogue") or ""
    return " ".join(p for p in (trigger.get("event", "manual"), narrow) if p)


def console_state_for(*, actor: Actor, run_id) -> dict:
    """Clock, MSEL with each inject's state per team, warnings, cues and counts per team."""
    from alliance.cases.models import Case, CaseShare
    from alliance.screening.models import Screening

    run = run_get_for(actor=actor, run_id=run_id)
    now = timezone.now()
    seconds = run.clock.scenario_seconds(now)
    teams = list(run.teams.all())
    injects = run.scenario.content.get("msel.yaml", {}).get("injects", [])
    released = {(r.team_id, r.inject_id): r for r in InjectRelease.objects.filter(run=run)}
    lang = run.language
    msel = [{"id": i["id"], "when": _when_text(i), "channel": i["channel"], "recipient": i["recipient"],
             "subject": text_in(i.get("subject"), lang), "notes": text_in(i.get("controller_notes"), lang),
             "role_player": i.get("role_player", ""),
             "teams": [released.get((t.pk, i["id"])) for t in teams]} for i in injects]
    minutes = seconds / 60
    warnings = [{"id": i["id"], "at": i["at"], "subject": text_in(i.get("subject"), lang)} for i in injects
                if "at" in i and minutes <= parse_hhmm(i["at"]) <= minutes + WARN_AHEAD_MINUTES]
    progress = []
    for t in teams:
        realm = t.realm_id
        progress.append({"team": t, "injects": sum(1 for (tid, _i) in released if tid == t.pk),
                         "screenings": Screening.objects.filter(realm_id=realm).count() if realm else 0,
                         "cases": Case.objects.filter(realm_id=realm).count() if realm else 0,
                         "referrals": CaseShare.objects.filter(case__realm_id=realm)
                         .exclude(kind="share").count() if realm else 0})
    audit.record(actor=actor, action="view", object_type="exercise_run", object_id=run.pk, fields=["console"],
                 repeat_window=audit.REFRESHED_READ_WINDOW)
    return {"run": run, "scenario_time": format_hhmm(seconds), "scenario_seconds": seconds, "real_time": now,
            "teams": teams, "msel": msel, "warnings": warnings, "progress": progress,
            "may_control": policy.may_on_run(actor, policy.RUN_CONTROL, run)}


def roleplayer_view_for(*, actor: Actor, run_id) -> dict:
    """A role-player's card(s) in their language and the next cue (the next phone call of their card)."""
    from alliance.exercises.models import RunStaff

    run = run_get_for(actor=actor, run_id=run_id, what=policy.RUN_CARD)
    rows = list(RunStaff.objects.filter(run=run, user_id=actor.user_id, part=RunStaff.Part.ROLE_PLAYER))
    lang = (rows[0].language if rows and rows[0].language else run.language)
    my_cards = {r.card_id for r in rows}
    cards = [c for c in run.scenario.content.get("roleplayers.yaml", {}).get("cards", [])
             if c["id"] in my_cards or (not rows and policy.may_on_run(actor, policy.RUN_CONTROL, run))]
    released = set(InjectRelease.objects.filter(run=run).values_list("inject_id", flat=True))
    cues = [{"id": i["id"], "when": _when_text(i), "card": i.get("role_player"),
             "content": text_in(i.get("content"), lang), "released": i["id"] in released}
            for i in run.scenario.content.get("msel.yaml", {}).get("injects", [])
            if i.get("role_player") in {c["id"] for c in cards}]
    next_cue = next((c for c in cues if not c["released"]), None)
    audit.record(actor=actor, action="view", object_type="exercise_run", object_id=run.pk, fields=["card"],
                 repeat_window=audit.REFRESHED_READ_WINDOW)
    return {"run": run, "language": lang, "next_cue": next_cue, "cues": cues,
            "cards": [{"id": c["id"], "name": text_in(c.get("name"), lang), "who": text_in(c.get("who"), lang),
                       "behaviour": text_in(c.get("behaviour"), lang),
                       "answers": [{"when": text_in(a.get("when"), lang), "says": text_in(a.get("says"), lang)}
                                   for a in c.get("answers", [])],
                       "hides": [text_in(h, lang) for h in c.get("hides", [])]} for c in cards]}


def team_of_actor(*, actor: Actor, with_scenario: bool = False) -> Team:
    """The team whose sandbox the actor is in, if they are one of its trainees: one query. The scenario
    (its whole content) only for a caller that shows injects; a poll or a mark-read needs the ids."""
    teams = Team.objects.select_related("run__scenario") if with_scenario else Team.objects.all()
    team = policy.team_inbox_scope(actor, teams).first()
    if team is None:
        raise NotFound("team")
    return team


def inbox_for(*, actor: Actor, after_id: int = 0) -> dict:
    """The team's delivered injects, newest first, for trainees: never the controller notes. `last_id` lets
    a polling page ask "anything after this?" and get a cheap "no"."""
    team = team_of_actor(actor=actor, with_scenario=True)
    lang = team.language
    content = team.run.scenario.content
    injects = {i["id"]: i for i in content.get("msel.yaml", {}).get("injects", [])}
    senders = _sender_names(content, lang)
    releases = list(InjectRelease.objects.filter(team=team, id__gt=after_id).order_by("-id"))
    read = set(InjectRead.objects.filter(release__team=team, user_id=actor.user_id).values_list(
        "release_id", flat=True)) if releases else set()
    items = []
    for r in releases:
        i = injects.get(r.inject_id, {})
        channel, sender = i.get("channel", ""), i.get("sender", "")
        items.append({"id": r.pk, "inject": r.inject_id, "channel": channel,
                      "channel_label": CHANNEL_LABELS.get(channel, channel), "sender": sender,
                      "sender_name": senders.get(sender, sender), "recipient": i.get("recipient", ""),
                      "subject": text_in(i.get("subject"), lang), "content": text_in(i.get("content"), lang),
                      "evidence": list(i.get("evidence", [])), "released_at": r.released_at,
                      "scenario_time": format_hhmm(r.scenario_seconds), "read": r.pk in read})
    if items:
        # The inbox refreshes itself every second: its reads of the (fictitious) injects are kept as the
        # console's are, once per trainee, team and 5 minutes per process. What each trainee read and
        # when stays in InjectRead.
        audit.record(actor=actor, action="list", object_type="inject_release", object_id=team.pk,
                     fields=["subject", "content", "evidence"], repeat_window=audit.REFRESHED_READ_WINDOW)
    return {"team": team, "items": items, "last_id": max((r.pk for r in releases), default=after_id)}


def _sender_names(content: dict, lang: str) -> dict[str, str]:
    """An inject's sender is an agency of the world or a role-player's card, named in the team's language."""
    names = {a["id"]: text_in(a.get("name"), lang) for a in content.get("world.yaml", {}).get("agencies", [])}
    names.update({c["id"]: text_in(c.get("name"), lang)
                  for c in content.get("roleplayers.yaml", {}).get("cards", [])})
    return names


def inbox_last_id(*, actor: Actor) -> int:
    """The newest release id of the actor's team: one indexed query, for the 204 answer of a poll."""
    team = team_of_actor(actor=actor)
    return InjectRelease.objects.filter(team=team).order_by("-id").values_list("id", flat=True).first() or 0


def release_get_for(*, actor: Actor, release_id) -> InjectRelease:
    team = team_of_actor(actor=actor)
    release = InjectRelease.objects.filter(pk=release_id, team=team).first() if type(release_id) is int else None
    if release is None:
        raise NotFound("inject_release")
    return release


def inbox_evidence_for(*, actor: Actor, release_id, path: str) -> ScenarioEvidence:
    """An evidence file of an inject delivered to the actor's team (never one it has not been handed)."""
    release = release_get_for(actor=actor, release_id=release_id)
    run = release.run
    inject = next((i for i in run.scenario.content.get("msel.yaml", {}).get("injects", [])
                   if i["id"] == release.inject_id), {})
    if path not in inject.get("evidence", []):
        raise NotFound("evidence")
    evidence = ScenarioEvidence.objects.filter(package=run.scenario, path=path).first()
    if evidence is None:
        raise NotFound("evidence")
    audit.record(actor=actor, action="view", object_type="scenario_evidence", object_id=release.pk,
                 fields=["data"], reason=path)
    return evidence
