"""Indicator catalogue versions and the interview languages they carry."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.directory.models import User


class Catalogue(models.Model):
    code = models.CharField(max_length=64)
    version = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16)  # "operational" (dimensions and ratings) or "checklist"
    content = models.JSONField()  # the whole file as loaded (validated by screening/domain/catalogue.py)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)
    # A draft (made in the catalogue editor) has no publication date; only published versions are used.
    published_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    based_on = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="screening_one_catalogue_version")]
        ordering = ["code", "loaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.code} {self.version}"

    @property
    def is_draft(self) -> bool:
        return self.published_at is None


class InterviewLanguage(models.Model):
    """An interview language a system administrator added beyond the nine built in (screening/domain/languages.py):
    its name in the language itself, its writing direction and the fixed phrases read to the person
    (the keys of phrases.json). It is offered once published and once the interview's catalogue versions
    carry every question in it."""

    class Direction(models.TextChoices):
        LTR = "ltr", _("Left to right")
        RTL = "rtl", _("Right to left")

    code = models.CharField(max_length=3, unique=True)  # 2-3 lowercase letters, none of the nine built in
    name = models.CharField(max_length=60)
    direction = models.CharField(max_length=3, choices=Direction.choices, default=Direction.LTR)
    phrases = models.JSONField(default=dict)  # {phrases.json key: text}; every key present, blank when missing
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)  # None while it is being prepared

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None
