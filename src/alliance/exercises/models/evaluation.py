"""What people add to the automatic checks: observers' ratings of capability targets (HSEEP's four levels,
with notes) and the decision log of controllers and observers.

Both belong to a run and (a rating always, a log entry unless it is about the whole run) to one of its teams;
the run gives the scenario. Purging a run deletes the teams' sandboxes but keeps the teams (their realm set
to None) and so these rows: they are what the after-action report is written from. The notes are encrypted
with the installation's field key (core/encryption.py), not a sandbox's, so they stay readable once the
sandbox is gone.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.encryption import EncryptedTextField


class Rating(models.TextChoices):
    """The HSEEP evaluation guide's four levels, best first."""

    PERFORMED = "P", _("Performed without challenges")
    SOME = "S", _("Performed with some challenges")
    MAJOR = "M", _("Performed with major challenges")
    UNABLE = "U", _("Unable to be performed")


class ObserverRating(models.Model):
    """One observer's latest rating of one capability target for one team; a new rating replaces it (the
    audit log keeps the history)."""

    run = models.ForeignKey("exercises.ExerciseRun", on_delete=models.CASCADE, related_name="ratings")
    team = models.ForeignKey("exercises.Team", on_delete=models.CASCADE, related_name="ratings")
    capability_target = models.CharField(max_length=63)
    rating = models.CharField(max_length=1, choices=Rating.choices)
    # About trainees' performance: personal data of professionals, encrypted like any other.
    notes = EncryptedTextField()
    observer_id = models.BigIntegerField()
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["team", "capability_target", "observer_id"],
                                               name="exercises_one_rating_per_observer")]
        indexes = [models.Index(fields=["run", "team"], name="exercises_rating_team")]


class DecisionLogEntry(models.Model):
    """A timestamped entry by a controller or an observer: a decision taken, a key moment seen."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Team decision")
        OBSERVATION = "observation", _("Observation")
        CONTROL = "control", _("Exercise control")

    run = models.ForeignKey("exercises.ExerciseRun", on_delete=models.CASCADE, related_name="decision_log")
    # None: about the whole run.
    team = models.ForeignKey("exercises.Team", null=True, blank=True, on_delete=models.CASCADE,
                             related_name="decision_log")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = EncryptedTextField()
    author_id = models.BigIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["run", "team", "at"], name="exercises_decision_log")]
