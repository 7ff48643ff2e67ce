"""The case register the foundation protects: a person (encrypted, blind-indexed), a case, its shares.

The NRM workflow, consent, referrals and HTCDS fields build on these (issue 3).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.encryption import BlindIndexField, EncryptedTextField
from alliance.core.models import Realm
from alliance.directory.models import Organisation, User


class Person(models.Model):
    """Identity-critical fields are encrypted; search goes through the keyed blind indexes."""

    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    given_name = EncryptedTextField()
    family_name = EncryptedTextField()
    identity_number = EncryptedTextField()
    birth_date = EncryptedTextField()
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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "number"], name="cases_case_unique_number")]
        indexes = [models.Index(fields=["realm", "owner_organisation", "-created_at"])]


class CaseCounter(models.Model):
    """The last case number given out per realm and year; locked while a number is taken, so concurrent
    intakes never collide or skip."""

    realm = models.ForeignKey(Realm, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "year"], name="cases_one_counter_per_year")]


class CaseShare(models.Model):
    """A case shared with another organisation, fully or limited to the fields in policy.CASE_LIMITED_FIELDS."""

    class Scope(models.TextChoices):
        FULL = "full", _("Full")
        LIMITED = "limited", _("Limited")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="shares")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    scope = models.CharField(max_length=8, choices=Scope.choices)
    purpose = models.CharField(max_length=300)
    granted_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    granted_at = models.DateTimeField(auto_now_add=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="cases_one_active_share",
            )
        ]
        indexes = [models.Index(fields=["organisation", "case"])]
