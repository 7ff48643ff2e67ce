"""Imported scenario packages (docs/scenario-packages.md): each version kept whole, as it was validated.

A package version never changes once imported: an exercise run names the version it played, so its
debrief can always be read against the same injects and checks. An edit is saved as a new version.
The YAML files are kept as their text, byte for byte, so that an export gives back exactly what was
imported; `content` is the same files parsed, for the pages and the runs.
"""

from __future__ import annotations

from django.db import models


class ScenarioPackage(models.Model):
    slug = models.CharField(max_length=63)
    version = models.CharField(max_length=16)
    format_version = models.PositiveSmallIntegerField()
    title = models.JSONField()  # {language: title}
    languages = models.JSONField()  # ["en", "ru"]
    sources = models.JSONField()  # {"msel.yaml": text, ...}: the YAML files exactly as imported
    content = models.JSONField()  # {"msel.yaml": parsed data, ...}
    sha256 = models.CharField(max_length=64)  # of every file, names included (domain Package.sha256)
    # Who imported, as the audit log keeps it (None: the installation's own shell): a number, not a foreign
    # key, so the record outlives the account, like AuditEvent.user_id and JobRun.user_id.
    imported_by_id = models.BigIntegerField(null=True, blank=True)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["slug", "version"], name="exercises_one_scenario_version")]
        ordering = ["slug", "-imported_at", "-id"]

    def __str__(self) -> str:
        return f"{self.slug}@{self.version}"


class ScenarioEvidence(models.Model):
    """One evidence file of a package version (a document, a bank statement, an ID scan: all fictitious)."""

    package = models.ForeignKey(ScenarioPackage, on_delete=models.CASCADE, related_name="evidence")
    path = models.CharField(max_length=220)  # "evidence/bank-statement.csv"
    media_type = models.CharField(max_length=40)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    data = models.BinaryField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["package", "path"], name="exercises_one_evidence_path")]
        ordering = ["package", "path"]

    def __str__(self) -> str:
        return self.path
