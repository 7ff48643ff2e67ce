"""Exercise runs (issue 10, item 5): a scenario version played by N teams, each in its own sandbox realm.

The evaluation reads a run through these rows: its teams, each with exactly one sandbox realm (until the
run is purged), the run's start and its scenario clock (domain/scenario_clock.py).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.models import Realm
from alliance.exercises.domain.scenario_clock import Clock
from alliance.exercises.models.scenarios import ScenarioPackage


class ExerciseRun(models.Model):
    class Status(models.TextChoices):
        PREPARING = "preparing", _("Being prepared")  # the creation job is seeding the sandboxes
        PREPARED = "prepared", _("Prepared")
        RUNNING = "running", _("Running")
        PAUSED = "paused", _("Paused")
        FINISHED = "finished", _("Finished")
        ARCHIVED = "archived", _("Archived")  # sandboxes purged, figures kept

    scenario = models.ForeignKey(ScenarioPackage, on_delete=models.PROTECT, related_name="runs")
    # The programme edition it serves: a number for now (the programmes area comes in parallel).
    edition_id = models.BigIntegerField(null=True, blank=True)
    name = models.CharField(max_length=200)
    language = models.CharField(max_length=8)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PREPARING)
    created_by_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # The scenario clock (domain/scenario_clock.py): scenario time = anchor + (now - anchor_real) * pace.
    started_at = models.DateTimeField(null=True, blank=True)
    clock_anchor_real = models.DateTimeField(null=True, blank=True)
    clock_anchor_seconds = models.FloatField(default=0.0)
    pace = models.FloatField(default=1.0)
    pauses = models.JSONField(default=list)  # [[paused_at ISO, resumed_at ISO or null], ...]: the record
    finished_at = models.DateTimeField(null=True, blank=True)
    archived_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(default=dict)  # kept at purge for the report: per team counts
    job_id = models.BigIntegerField(null=True, blank=True)  # the creation job (core.jobs)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name

    @property
    def clock(self) -> Clock:
        return Clock(anchor_real=self.clock_anchor_real, anchor_scenario_seconds=self.clock_anchor_seconds,
                     pace=self.pace, running=self.status == self.Status.RUNNING)

    def set_clock(self, clock: Clock) -> None:
        self.clock_anchor_real = clock.anchor_real
        self.clock_anchor_seconds = clock.anchor_scenario_seconds
        self.pace = clock.pace


class Team(models.Model):
    run = models.ForeignKey(ExerciseRun, on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    # Exactly one sandbox per team; None once the run is purged.
    realm = models.OneToOneField(Realm, null=True, blank=True, on_delete=models.SET_NULL, related_name="team")
    language = models.CharField(max_length=8)
    trainees = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="exercise_teams")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="exercises_team_number")]
        ordering = ["run", "number"]

    def __str__(self) -> str:
        return self.name


class TeamSeat(models.Model):
    """One account the scenario says to create in a team's sandbox agency (world.yaml `accounts`): held by a
    trainee of the team, or by an account the run generated (removed again at purge)."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="seats")
    agency_id = models.CharField(max_length=63)  # world.yaml agency id
    account_id = models.CharField(max_length=63)
    played_by = models.CharField(max_length=63)  # a role of roles.yaml
    organisation = models.ForeignKey("directory.Organisation", null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="+")
    generated = models.BooleanField(default=False)

    class Meta:
        ordering = ["team", "id"]


class RunStaff(models.Model):
    """Who runs the exercise: core/policy/run.py decides their rights from these rows."""

    class Part(models.TextChoices):
        CONTROLLER = "controller", _("Controller")
        OBSERVER = "observer", _("Observer")
        ROLE_PLAYER = "role_player", _("Role-player")

    run = models.ForeignKey(ExerciseRun, on_delete=models.CASCADE, related_name="staff")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="exercise_staff")
    part = models.CharField(max_length=16, choices=Part.choices)
    card_id = models.CharField(max_length=63, blank=True)  # a role-player's card (roleplayers.yaml)
    language = models.CharField(max_length=8, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "user", "part"], name="exercises_one_staff_part")]


class InjectRelease(models.Model):
    """An inject delivered to one team: at most once per (run, team, inject), by the database's word."""

    class How(models.TextChoices):
        SCHEDULED = "scheduled", _("On schedule")
        TRIGGERED = "triggered", _("On trigger")
        MANUAL = "manual", _("By hand")

    run = models.ForeignKey(ExerciseRun, on_delete=models.CASCADE, related_name="releases")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="releases")
    inject_id = models.CharField(max_length=63)
    released_at = models.DateTimeField()
    scenario_seconds = models.FloatField()
    how = models.CharField(max_length=16, choices=How.choices)
    released_by_id = models.BigIntegerField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["run", "team", "inject_id"], name="exercises_inject_once")]
        indexes = [models.Index(fields=["team", "id"], name="exercises_release_team")]
        ordering = ["released_at", "id"]


class InjectRead(models.Model):
    release = models.ForeignKey(InjectRelease, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["release", "user"], name="exercises_read_once")]
