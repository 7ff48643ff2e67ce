"""The person (encrypted, blind-indexed) and the case with its HTCDS victim context."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.cases.domain.nrm import Stage, TraffickingStatus
from alliance.core.countries import COUNTRY_CHOICES
from alliance.core.encryption import BlindIndexField, EncryptedJSONField, EncryptedTextField
from alliance.core.models import Realm
from alliance.directory.models import Organisation, User


class Person(models.Model):
    """Identity-critical fields are encrypted; search goes through the keyed blind indexes."""

    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    given_name = EncryptedTextField()
    family_name = EncryptedTextField()
    middle_name = EncryptedTextField()
    identity_number = EncryptedTextField()
    birth_date = EncryptedTextField()
    # HTCDS prs_* details beyond the names: sex and gender, estimated age and its basis, citizenships,
    # languages, marital status, children, education, migration and protection status, vulnerabilities,
    # contact. Keys and vocabularies: cases/htcds/vocabulary.py (PERSON_FIELDS).
    details = EncryptedJSONField()
    anonymised_at = models.DateTimeField(null=True, blank=True)
    full_name_index = BlindIndexField(source="given_name+family_name", kind="name")
    family_name_index = BlindIndexField(source="family_name", kind="name")
    identity_number_index = BlindIndexField(source="identity_number", kind="document")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [
            models.Index(fields=["full_name_index"], name="cases_person_full_name_bidx"),
            models.Index(fields=["family_name_index"], name="cases_person_family_bidx"),
            models.Index(fields=["identity_number_index"], name="cases_person_document_bidx"),
        ]


class Case(models.Model):
    class Status(models.TextChoices):
        # HTCDS cas_Status
        ACTIVE = "active", _("Active")
        FOLLOW_UP = "follow_up", _("Follow up")
        CLOSED = "closed", _("Closed")
        CLOSED_REFERRED = "closed_referred", _("Closed referred")

    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=32)
    pseudonym = models.CharField(max_length=64, help_text=_("Shown in lists instead of the name."))
    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="cases")
    owner_organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="owned_cases")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    summary = EncryptedTextField()
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # The NRM (cases/domain/nrm.py): the country whose rules apply, the stage, and the identification status.
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES, default="XD")
    nrm_stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.DETECTED)
    stage_before_closure = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    trafficking_status = models.CharField(max_length=16, choices=TraffickingStatus.choices,
                                          default=TraffickingStatus.POSSIBLE)
    deciding_organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="+")
    is_child = models.BooleanField(default=False, help_text=_("Under 18, or presumed a child."))
    closure_reason = EncryptedTextField()  # HTCDS cas_ReasonForCaseClosure: free text about the person
    # HTCDS vic_*: exploitation types, industry, methods of control, recruitment, relationship to the
    # trafficker, route events (hte_*) and perpetrators' roles (per_*). Keys: cases/htcds/vocabulary.py (VICTIM_FIELDS).
    victim_context = EncryptedJSONField()
    closed_on = models.DateField(null=True, blank=True)
    # Retention (country profile): anonymised after the period unless a legal hold stands.
    legal_hold = models.BooleanField(default=False)
    legal_hold_reason = models.CharField(max_length=300, blank=True)
    legal_hold_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    anonymised_at = models.DateTimeField(null=True, blank=True)
    source = models.CharField(max_length=16, default="intake", help_text=_("intake, import or transnational"))

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "number"], name="cases_case_unique_number")]
        indexes = [
            # "My organisation's cases", newest first: the page and its capped count walk this index only
            # (with the id, as lists order by it too).
            models.Index(fields=["realm", "owner_organisation", "-created_at", "-id"], name="cases_case_owner_newest"),
            # Newest first across owners: the "all I may see" list walks this and stops after one page.
            models.Index(fields=["realm", "-created_at", "-id"], name="cases_case_newest"),
            models.Index(fields=["realm", "nrm_stage"]),
            models.Index(fields=["realm", "closed_on"], condition=models.Q(anonymised_at__isnull=True),
                         name="cases_retention_due"),
        ]




class CaseCounter(models.Model):
    """The last case number given out per realm and year; locked while a number is taken, so concurrent
    intakes never collide or skip."""

    realm = models.ForeignKey(Realm, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "year"], name="cases_one_counter_per_year")]
