"""What every module stands on: realms, the audit chain, emergency overrides and background-job progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

LIVE_REALM_SLUG = "live"


class Realm(models.Model):
    """The live realm, or the sandbox of one exercise team. Protected rows carry exactly one realm."""

    class Kind(models.TextChoices):
        LIVE = "live", _("Live")
        EXERCISE = "exercise", _("Exercise sandbox")

    slug = models.SlugField(unique=True, max_length=64)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    # Who may act in an exercise realm; the live realm is open to every active membership.
    participants = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="exercise_realms")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind"], condition=models.Q(kind="live"), name="core_realm_single_live"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_exercise(self) -> bool:
        return self.kind == self.Kind.EXERCISE


class AuditEvent(models.Model):
    """One append-only, hash-chained row. Field names only, never values (SECURITY.md, V16)."""

    class Action(models.TextChoices):
        VIEW = "view", _("View")
        LIST = "list", _("List")
        SEARCH = "search", _("Search")
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        DELETE = "delete", _("Delete")
        EXPORT = "export", _("Export")
        SHARE = "share", _("Share")
        LOGIN = "login", _("Log-in")
        LOGOUT = "logout", _("Log-out")
        FAILED_LOGIN = "failed_login", _("Failed log-in")
        LOCKED_OUT = "locked_out", _("Locked out")
        SECOND_FACTOR = "second_factor", _("Second factor")
        DENIED = "denied", _("Denied")
        OVERRIDE = "override", _("Emergency override")
        KEY_ROTATION = "key_rotation", _("Key rotation")
        ADMIN = "admin", _("Administration")

    seq = models.BigIntegerField(unique=True)
    at = models.DateTimeField(db_index=True)
    user_id = models.BigIntegerField(null=True, db_index=True)
    organisation_id = models.BigIntegerField(null=True)
    address = models.CharField(max_length=64, blank=True)
    channel = models.CharField(max_length=8)
    realm_id = models.BigIntegerField(null=True)
    action = models.CharField(max_length=16, choices=Action.choices, db_index=True)
    object_type = models.CharField(max_length=64, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    fields = models.JSONField(default=list)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["seq"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("audit events are append-only")


class EmergencyOverride(models.Model):
    """Break-glass access to one object, with a written justification; always audited."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    object_type = models.CharField(max_length=64)
    object_id = models.BigIntegerField()
    justification = models.TextField()
    granted_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["user", "object_type", "object_id"])]


class JobRun(models.Model):
    """Progress of a background job, readable from the UI, the API and the CLI."""

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    kind = models.CharField(max_length=64)
    user_id = models.BigIntegerField(null=True)
    organisation_id = models.BigIntegerField(null=True)
    realm_id = models.BigIntegerField(null=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    done = models.PositiveBigIntegerField(default=0)
    total = models.PositiveBigIntegerField(default=0)
    message = models.CharField(max_length=500, blank=True)
    result = models.JSONField(default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status == "done" else 0)
