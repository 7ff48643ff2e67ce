"""The case file: tasks, notes, documents and the support plan."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.cases.models.register import Case
from alliance.core.encryption import EncryptedBinaryField, EncryptedTextField
from alliance.directory.models import Organisation, User


class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = EncryptedTextField()
    due_on = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["assignee", "status", "due_on"])]


class Note(models.Model):
    """A case note. Standard notes are read by everyone with the full file; confidential ones only by the
    author's organisation; restricted ones only by their author and the owning organisation's auditors."""

    class Sensitivity(models.TextChoices):
        STANDARD = "standard", _("Standard")
        CONFIDENTIAL = "confidential", _("Confidential (my organisation)")
        RESTRICTED = "restricted", _("Restricted (author only)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    sensitivity = models.CharField(max_length=12, choices=Sensitivity.choices, default=Sensitivity.STANDARD)
    body = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Document(models.Model):
    """An uploaded file, stored encrypted in the database (one backup holds everything). The type is what
    the content is, not what the name says; image metadata is stripped before it is stored."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = EncryptedTextField()
    filename = EncryptedTextField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    sensitivity = models.CharField(max_length=12, choices=Note.Sensitivity.choices,
                                   default=Note.Sensitivity.STANDARD)
    content = EncryptedBinaryField()  # never loaded by lists (defer it)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class SupportPlan(models.Model):
    """HTCDS spl_*: objectives and action plan, planned and actual end, the kinds of support."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="support_plan")
    objectives = EncryptedTextField()
    action_plan = EncryptedTextField()
    support_types = models.JSONField(default=list)  # HTCDS spl_Type values (cases/htcds/vocabulary.py)
    planned_end_on = models.DateField(null=True, blank=True)
    actual_end_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class SupportService(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="services")
    support_type = models.CharField(max_length=32)
    provider = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    provider_name = models.CharField(max_length=200, blank=True)  # a provider outside the platform
    description = EncryptedTextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]
