"""Indicator catalogues, one row per version. A version is never changed once loaded, so a screening made
against it can always be explained with the catalogue it used."""

from __future__ import annotations

from django.db import models


class Catalogue(models.Model):
    code = models.CharField(max_length=64)
    version = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16)  # "operational" (dimensions and ratings) or "checklist"
    content = models.JSONField()  # the whole file as loaded (validated by screening/catalogue.py)
    sha256 = models.CharField(max_length=64)
    loaded_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="screening_one_catalogue_version")]
        ordering = ["code", "loaded_at", "id"]
