"""Entities on the FollowTheMoney model, each with the source it came from.

An entity is stored as FtM stores it (an id, a schema, a property dictionary), the properties encrypted as
one document: a raid report's Person and a bank's BankAccount are personal data, and the FtM model, not a
model of ours, decides which properties exist. What must be found without decrypting is kept beside it:
- EntityKey: keyed blind indexes of the identifying values (names under every transliteration, phones in
  E.164, IBANs, e-mail addresses, document numbers, birth dates), for exact search and xref blocking;
- EntityLink: who is linked to whom (FtM edges such as Payment or Employment, and references such as a
  passport's holder), ids only, so the link chart is a query, not a decryption of the whole investigation.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.encryption import BlindIndexField, EncryptedJSONField, EncryptedTextField
from alliance.core.models import Realm
from alliance.investigations.models.workspace import Investigation


class Source(models.Model):
    """Where a set of entities came from: which agency holds it, which document, of when, under which law."""

    class Kind(models.TextChoices):
        POLICE_REPORT = "police_report", _("Police report extract")
        LABOUR_INSPECTION = "labour_inspection", _("Labour-inspection findings")
        WORK_PERMITS = "work_permits", _("Work-permit register")
        BANK_STATEMENT = "bank_statement", _("Bank statement")
        PHONE_RECORDS = "phone_records", _("Phone records")
        SUSPICIOUS_TRANSACTION = "suspicious_transaction", _("Suspicious-transaction report")
        FTM_IMPORT = "ftm_import", _("FollowTheMoney file")
        OTHER = "other", _("Other document")

    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="sources")
    # The agency that holds the data and answers for it (its controller), which may differ from the
    # investigation's owner in a joint team.
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    reference = models.CharField(max_length=200)  # the document's own reference, e.g. "RR-2026-0412"
    document_date = models.DateField(null=True, blank=True)
    legal_basis = models.CharField(max_length=300)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)


class Entity(models.Model):
    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="entities")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="entities")
    ftm_id = models.CharField(max_length=200)
    schema = models.CharField(max_length=64)
    caption = EncryptedTextField()
    properties = EncryptedJSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["investigation", "ftm_id"], name="investigations_unique_ftm_id")]
        indexes = [models.Index(fields=["investigation", "schema"])]


class EntityKey(models.Model):
    """One identifying value of an entity, as `kind:normalised value`, encrypted and blind-indexed."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="keys")
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="+")
    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16)
    value = EncryptedTextField()
    digest = BlindIndexField(source="value", kind="key")

    class Meta:
        indexes = [models.Index(fields=["digest"]), models.Index(fields=["investigation", "kind"])]


class EntityLink(models.Model):
    """source -> target, as an FtM edge (kind = the edge's schema, edge = the edge entity: a Payment, an
    Employment) or a reference property (kind = the property, e.g. `holder` of a Passport)."""

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="links")
    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    source_entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links_out")
    target_entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="links_in")
    kind = models.CharField(max_length=64)
    edge = models.ForeignKey(Entity, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    # When the link held (an employment's start, a payment's date), for the chart's date filter.
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["investigation", "source_entity"]),
                   models.Index(fields=["investigation", "target_entity"])]


class EntityCase(models.Model):
    """An entity linked to a victim's case. The link is the investigation's; whether the case can be opened
    is still the case policy's decision, asked every time."""

    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="cases")
    # A case erased under data protection takes its links with it; the entity stays the investigation's.
    case = models.ForeignKey("cases.Case", on_delete=models.CASCADE, related_name="+")
    reason = models.CharField(max_length=300)
    linked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    linked_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "case"], name="investigations_entity_case_once")]
