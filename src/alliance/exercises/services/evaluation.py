"""Observers' ratings and the decision log of a run: checked by the policy (core/policy/evaluation.py: a
training co-ordinator, or a controller or observer of this run), validated against the run's scenario (a
capability target it names, a team of this run), written in one transaction, audited with field names only."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from alliance.cases.domain.checks import clean_text
from alliance.core import audit
from alliance.core.actor import Actor
from alliance.core.errors import ValidationFailed
from alliance.exercises.models import DecisionLogEntry, ObserverRating, Rating
from alliance.exercises.selectors.evaluation import evaluation_run_for, team_of_run

MAX_NOTES = 5000


def observer_rating_record(
    *, actor: Actor, run_id: int, team_id: int, capability_target: str, rating: str, notes: str = "",
) -> ObserverRating:
    """The observer's rating of one capability target for one team of the run (replacing their earlier one)."""
    run = evaluation_run_for(actor=actor, run_id=run_id, rate=True)
    team = team_of_run(run=run, team_id=team_id)
    errors: dict[str, list[str]] = {}
    targets = {t["id"] for t in (run.scenario.content.get("package.yaml") or {}).get("capability_targets", [])}
    if capability_target not in targets:
        errors["capability_target"] = [_("Choose a capability target of this scenario.")]
    if rating not in Rating.values:
        errors["rating"] = [_("Choose one of the four ratings.")]
    notes = clean_text(notes, "notes", required=False, max_length=MAX_NOTES, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        row, created = ObserverRating.objects.update_or_create(
            team=team, capability_target=capability_target, observer_id=actor.user_id,
            defaults={"run": run, "rating": rating, "notes": notes or None})
        audit.record(actor=actor, action="update" if not created else "create", object_type="observer_rating",
                     object_id=row.pk, fields=["rating", "notes"] if notes else ["rating"],
                     reason=f"run {run.pk} team {team.pk}: {capability_target}")
    return row


def decision_log_add(*, actor: Actor, run_id: int, team_id: int | None, kind: str, text: str) -> DecisionLogEntry:
    """A timestamped entry in the run's decision log, about one team (`team_id`) or the whole run (None)."""
    run = evaluation_run_for(actor=actor, run_id=run_id, rate=True)
    team = team_of_run(run=run, team_id=team_id) if team_id is not None else None
    errors: dict[str, list[str]] = {}
    if kind not in DecisionLogEntry.Kind.values:
        errors["kind"] = [_("Choose a decision, an observation or an exercise-control entry.")]
    text = clean_text(text, "text", required=True, max_length=MAX_NOTES, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        entry = DecisionLogEntry.objects.create(run=run, team=team, kind=kind, text=text, author_id=actor.user_id)
        audit.record(actor=actor, action="create", object_type="decision_log", object_id=entry.pk,
                     fields=["kind", "text"], reason=f"run {run.pk} team {team.pk}" if team else f"run {run.pk}")
    return entry
