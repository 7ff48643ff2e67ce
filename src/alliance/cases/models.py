"""The case register the foundation protects: a person (encrypted, blind-indexed), a case, its shares.

The NRM workflow, consent, referrals and HTCDS fields build on these (issue 3).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.cases.nrm import Stage, TraffickingStatus
from alliance.core.countries import COUNTRY_CHOICES
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
    # The NRM (cases/nrm.py): the country whose rules apply, the stage, and the identification status.
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES, default="XD")
    nrm_stage = models.CharField(max_length=16, choices=Stage.choices, default=Stage.DETECTED)
    stage_before_closure = models.CharField(max_length=16, choices=Stage.choices, blank=True)
    trafficking_status = models.CharField(max_length=16, choices=TraffickingStatus.choices,
                                          default=TraffickingStatus.POSSIBLE)
    deciding_organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                              related_name="+")
    is_child = models.BooleanField(default=False, help_text=_("Under 18, or presumed a child."))
    closure_reason = EncryptedTextField()  # HTCDS cas_ReasonForCaseClosure: free text about the person

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "number"], name="cases_case_unique_number")]
        indexes = [models.Index(fields=["realm", "owner_organisation", "-created_at"])]


class NrmEvent(models.Model):
    """One step of the NRM on a case: who, when, why, and the decision where there was one."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="nrm_events")
    transition = models.CharField(max_length=32)
    from_stage = models.CharField(max_length=16, choices=Stage.choices)
    to_stage = models.CharField(max_length=16, choices=Stage.choices)
    outcome = models.CharField(max_length=8, blank=True)
    reason = EncryptedTextField()  # free text about a victim is personal data
    effective_on = models.DateField()
    actor = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]


class CaseClock(models.Model):
    """A deadline on a case, computed from the country profile and stored with the rule that set it."""

    class Kind(models.TextChoices):
        REASONABLE_GROUNDS = "reasonable_grounds", _("Reasonable-grounds decision due")
        REFLECTION = "reflection", _("Recovery and reflection period ends")
        REFLECTION_REVIEW = "reflection_review", _("Reflection period review")
        CONCLUSIVE_GROUNDS = "conclusive_grounds", _("Conclusive-grounds decision due")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="clocks")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    starts_on = models.DateField()
    due_on = models.DateField()
    rule = models.CharField(max_length=300)
    stopped_on = models.DateField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "kind"], condition=models.Q(stopped_on__isnull=True),
                                               name="cases_one_running_clock_per_kind")]
        indexes = [models.Index(fields=["kind", "due_on"], condition=models.Q(stopped_on__isnull=True),
                                name="cases_running_clocks_due")]


class CaseCounter(models.Model):
    """The last case number given out per realm and year; locked while a number is taken, so concurrent
    intakes never collide or skip."""

    realm = models.ForeignKey(Realm, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "year"], name="cases_one_counter_per_year")]


class Consent(models.Model):
    """What the person agreed to, recorded granularly: who obtained it, in which language, with an interpreter
    or not, and when; withdrawal revokes the shares made under it (nrm.md, CETS 197 Art. 11)."""

    class Purpose(models.TextChoices):
        ASSISTANCE = "assistance", _("Assistance")
        SHARE_ORGANISATION = "share_organisation", _("Sharing with a named organisation")
        SHARE_SECTOR = "share_sector", _("Sharing with a sector")
        STATISTICS = "statistics", _("Anonymous statistics")
        TRANSNATIONAL = "transnational", _("Transfer to another country")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(max_length=24, choices=Purpose.choices)
    organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    sector = models.CharField(max_length=32, choices=Organisation.Sector.choices, blank=True)
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES, blank=True)
    language = models.CharField(max_length=3, help_text=_("ISO 639 code of the language consent was given in."))
    interpreter = models.BooleanField(default=False)
    given_on = models.DateField()
    obtained_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    obtained_by_organisation = models.ForeignKey(Organisation, null=True, on_delete=models.SET_NULL,
                                                 related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["given_on", "id"]

    def covers(self, organisation: Organisation) -> bool:
        if self.withdrawn_on is not None:
            return False
        if self.purpose == self.Purpose.SHARE_ORGANISATION:
            return self.organisation_id == organisation.pk
        return self.purpose == self.Purpose.SHARE_SECTOR and self.sector == organisation.sector


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
    # Either the consent it rests on, or the legal basis stated for sharing without consent.
    consent = models.ForeignKey(Consent, null=True, blank=True, on_delete=models.PROTECT, related_name="shares")
    legal_basis = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="cases_one_active_share",
            )
        ]
        indexes = [models.Index(fields=["organisation", "case"])]
