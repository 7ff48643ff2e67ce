"""Observers' ratings and the decision log: checked by the policy (core/policy/evaluation.py), validated
against the scenario package (a capability target it names, a team's sandbox), written in one transaction,
audited with field names only."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from alliance.cases.domain.checks import clean_text
from alliance.cases.selectors.exercise_record import exercise_realm_checked
from alliance.core import audit, policy
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.exercises.models import DecisionLogEntry, ObserverRating, Rating
from alliance.exercises.selectors.evaluation import evaluation_package_for

MAX_NOTES = 5000


def _require_rater(actor: Actor, what: str) -> None:
    if not policy.may_rate_exercises(actor):
        audit.record(actor=actor, action="denied", object_type="evaluation", reason=what)
        raise Forbidden(what)


def observer_rating_record(
    *, actor: Actor, package_id: int, realm_id: int, capability_target: str, rating: str, notes: str = "",
) -> ObserverRating:
    """The observer's rating of one capability target for one team (replacing their earlier one)."""
    _require_rater(actor, "evaluation.rate")
    package = evaluation_package_for(actor=actor, package_id=package_id)
    realm = exercise_realm_checked(actor=actor, realm_id=realm_id, what="evaluation.rate")
    errors: dict[str, list[str]] = {}
    targets = {t["id"] for t in (package.content.get("package.yaml") or {}).get("capability_targets", [])}
    if capability_target not in targets:
        errors["capability_target"] = [_("Choose a capability target of this scenario.")]
    if rating not in Rating.values:
        errors["rating"] = [_("Choose one of the four ratings.")]
    notes = clean_text(notes, "notes", required=False, max_length=MAX_NOTES, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        row, created = ObserverRating.objects.update_or_create(
            package=package, realm_id=realm.pk, capability_target=capability_target, observer_id=actor.user_id,
            defaults={"rating": rating, "notes": notes or None})
        audit.record(actor=actor, action="update" if not created else "create", object_type="observer_rating",
                     object_id=row.pk, fields=["rating", "notes"] if notes else ["rating"],
                     reason=f"realm {realm.pk}: {capability_target}")
    return row


def decision_log_add(
    *, actor: Actor, package_id: int, realm_id: int | None, kind: str, text: str,
) -> DecisionLogEntry:
    """A timestamped entry in the decision log, about one team (`realm_id`) or the whole exercise (None)."""
    _require_rater(actor, "evaluation.log")
    package = evaluation_package_for(actor=actor, package_id=package_id)
    if realm_id is not None:
        realm_id = exercise_realm_checked(actor=actor, realm_id=realm_id, what="evaluation.log").pk
    errors: dict[str, list[str]] = {}
    if kind not in DecisionLogEntry.Kind.values:
        errors["kind"] = [_("Choose a decision, an observation or an exercise-control entry.")]
    text = clean_text(text, "text", required=True, max_length=MAX_NOTES, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        entry = DecisionLogEntry.objects.create(package=package, realm_id=realm_id, kind=kind, text=text,
                                                author_id=actor.user_id)
        audit.record(actor=actor, action="create", object_type="decision_log", object_id=entry.pk,
                     fields=["kind", "text"], reason=f"realm {realm_id}" if realm_id else "whole exercise")
    return entry
