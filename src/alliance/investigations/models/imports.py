"""Column mappings an agency saves for its recurring sources (its own raid-report extract, its bank's
statement layout), so the next file of the same kind imports in one step."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from alliance.core.models import Realm
from alliance.investigations.models.entities import Source


class ImportMapping(models.Model):
    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.CASCADE, related_name="+")
    name = models.CharField(max_length=100)
    source_kind = models.CharField(max_length=32, choices=Source.Kind.choices)
    # FtM's mapping `entities` (column names and properties: no personal value).
    entities = models.JSONField()
    saved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "organisation", "name"],
                                               name="investigations_mapping_name_once")]
