"""After the exercise (issue 10, item 7): the trainees' feedback, the improvement plan, attendance and the
certificates of participation, and the after-action report's snapshot of an archived run.

Everything here hangs off the run, never off a team's sandbox realm, so the purge of the sandboxes
(services/runs.py run_purge) leaves it in place; no model here has a `realm` field, which the purge would
otherwise sweep (services/sandboxes.py). Free text about people (a trainee's comments, a finding about a
team's work, observers' notes in the snapshot) is encrypted at field level.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.encryption import EncryptedJSONField, EncryptedTextField
from alliance.exercises.models.runs import ExerciseRun, Team

# The questions of the participants' feedback form, each rated 1 (poor) to 5 (excellent).
FEEDBACK_QUESTIONS = [
    ("realism", _("How realistic was the scenario?")),
    ("relevance", _("How relevant was it to your work?")),
    ("organisation", _("How well was the exercise organised?")),
    ("debrief", _("How useful was the debriefing?")),
]
FEEDBACK_CODES = tuple(code for code, _label in FEEDBACK_QUESTIONS)
_SCALE = [MinValueValidator(1), MaxValueValidator(5)]


class FeedbackResponse(models.Model):
    """One trainee's answers for one run: at most one, editable until the run is archived. The report shows
    only aggregates and the comments without names (selectors/after_action.py)."""

    run = models.ForeignKey(ExerciseRun, on_delete=models.CASCADE, related_name="feedback")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    realism = models.PositiveSmallIntegerField(validators=_SCALE)
    relevance = models.PositiveSmallIntegerField(validators=_SCALE)
    organisation = models.PositiveSmallIntegerField(validators=_SCALE)
    debrief = models.PositiveSmallIntegerField(validators=_SCALE)
    worked = EncryptedTextField()  # what worked well
    improve = EncryptedTextField()  # what to improve
    submitted_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "trainee"], name="exercises_feedback_once")]
        ordering = ["run", "id"]


class ImprovementItem(models.Model):
    """A corrective action of the improvement plan (HSEEP): what was found, what is to be done, by whom
    (a live organisation of the directory and/or a person), by when, and how far it has got."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        IN_PROGRESS = "in_progress", _("In progress")
        DONE = "done", _("Done")

    run = models.ForeignKey(ExerciseRun, on_delete=models.CASCADE, related_name="improvement_items")
    finding = EncryptedTextField()  # the observation, which may speak of a team's or a person's work
    corrective_action = EncryptedTextField()
    objective = models.CharField(max_length=63, blank=True)  # a learning objective of the scenario
    capability_target = models.CharField(max_length=63, blank=True)
    organisation = models.ForeignKey("directory.Organisation", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="+")
    due_on = models.DateField()
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(status="done", completed_on__isnull=False)
                                   | (~models.Q(status="done") & models.Q(completed_on__isnull=True)),
                                   name="exercises_improvement_done_has_date"),
            models.CheckConstraint(condition=models.Q(organisation__isnull=False) | models.Q(owner__isnull=False),
                                   name="exercises_improvement_has_owner"),
        ]


class AttendanceMark(models.Model):
    """A controller's word on whether a trainee attended: it wins over what the sandbox's audit trail says
    (a trainee who worked on paper beside a team-mate; one who logged in once and left)."""

    run = models.ForeignKey(ExerciseRun, on_delete=models.CASCADE, related_name="attendance_marks")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    present = models.BooleanField()
    marked_by_id = models.BigIntegerField(null=True, blank=True)
    marked_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "trainee"], name="exercises_attendance_once")]


class Certificate(models.Model):
    """A certificate of participation: one per trainee and run, its verification code kept when it is issued
    again. The name is kept (encrypted) as printed, so a code still verifies after the account is gone."""

    run = models.ForeignKey(ExerciseRun, on_delete=models.CASCADE, related_name="certificates")
    team = models.ForeignKey(Team, null=True, on_delete=models.SET_NULL, related_name="+")
    trainee = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    trainee_name = EncryptedTextField()
    code = models.CharField(max_length=16, unique=True)
    issued_at = models.DateTimeField()
    issued_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "trainee"], name="exercises_certificate_once")]
        ordering = ["run", "id"]


class AfterActionSnapshot(models.Model):
    """The per-team part of the after-action report, taken just before the sandboxes are purged: the
    results, timelines, ratings, decision log and attendance that the sandboxes' rows were needed for."""

    run = models.OneToOneField(ExerciseRun, on_delete=models.CASCADE, related_name="after_action_snapshot")
    data = EncryptedJSONField()
    taken_at = models.DateTimeField(auto_now_add=True)
