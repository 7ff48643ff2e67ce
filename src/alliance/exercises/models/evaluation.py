"""What people add to the automatic checks: observers' ratings of capability targets (HSEEP's four levels,
with notes) and the decision log of controllers and observers.

Keyed by the team's sandbox realm and the scenario package until exercise runs exist. Note for the lead:
once `Team` exists, add `team = ForeignKey("exercises.Team", on_delete=CASCADE)` beside (then instead of)
`realm_id` on both models, and `run = ForeignKey("exercises.ExerciseRun", on_delete=CASCADE)` on
DecisionLogEntry (an entry for the whole run has no team); purging a run's sandboxes then removes them.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.encryption import EncryptedTextField
from alliance.exercises.models.scenarios import ScenarioPackage


class Rating(models.TextChoices):
    """The HSEEP evaluation guide's four levels, best first."""

    PERFORMED = "P", _("Performed without challenges")
    SOME = "S", _("Performed with some challenges")
    MAJOR = "M", _("Performed with major challenges")
    UNABLE = "U", _("Unable to be performed")


class ObserverRating(models.Model):
    """One observer's latest rating of one capability target for one team; a new rating replaces it (the
    audit log keeps the history)."""

    package = models.ForeignKey(ScenarioPackage, on_delete=models.PROTECT, related_name="+")
    realm_id = models.BigIntegerField()  # the team's sandbox (see the note above)
    capability_target = models.CharField(max_length=63)
    rating = models.CharField(max_length=1, choices=Rating.choices)
    # About trainees' performance: personal data of professionals, encrypted like any other.
    notes = EncryptedTextField()
    observer_id = models.BigIntegerField()
    rated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["package", "realm_id", "capability_target", "observer_id"],
                                               name="exercises_one_rating_per_observer")]
        indexes = [models.Index(fields=["package", "realm_id"], name="exercises_rating_team")]


class DecisionLogEntry(models.Model):
    """A timestamped entry by a controller or an observer: a decision taken, a key moment seen."""

    class Kind(models.TextChoices):
        DECISION = "decision", _("Team decision")
        OBSERVATION = "observation", _("Observation")
        CONTROL = "control", _("Exercise control")

    package = models.ForeignKey(ScenarioPackage, on_delete=models.PROTECT, related_name="+")
    realm_id = models.BigIntegerField(null=True, blank=True)  # None: about the whole exercise
    kind = models.CharField(max_length=16, choices=Kind.choices)
    text = EncryptedTextField()
    author_id = models.BigIntegerField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]
        indexes = [models.Index(fields=["package", "realm_id", "at"], name="exercises_decision_log")]
