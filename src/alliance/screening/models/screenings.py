"""A screening: answers, score and outcome, kept apart from any case until it is referred."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.disclosure import new_record_key
from alliance.core.encryption import EncryptedJSONField
from alliance.core.models import Realm
from alliance.directory.models import Organisation, User
from alliance.screening.models.catalogues import Catalogue


class Screening(models.Model):
    class Outcome(models.TextChoices):
        NONE = "none", _("No indicators")
        MONITOR = "monitor", _("Indicators present: monitor and inform")
        REFER = "refer", _("Presumed victim: refer now")
        CHILD = "child", _("Child with indicators: child procedure")

    class Sex(models.TextChoices):
        FEMALE = "female", _("Female")
        MALE = "male", _("Male")
        OTHER = "other", _("Other")
        UNKNOWN = "unknown", _("Not known")

    class AgeGroup(models.TextChoices):
        CHILD_0_11 = "0-11", _("0–11")
        CHILD_12_17 = "12-17", _("12–17")
        ADULT_18_24 = "18-24", _("18–24")
        ADULT_25_34 = "25-34", _("25–34")
        ADULT_35_49 = "35-49", _("35–49")
        ADULT_50 = "50+", _("50 and over")
        UNKNOWN = "unknown", _("Not known")

    class WorkType(models.TextChoices):
        NONE = "none", _("No work yet (in transit)")
        LABOUR = "labour", _("Labour")
        SEXUAL = "sexual", _("Sexual exploitation")
        BOTH = "both", _("Both, or not sure")

    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="screenings")
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    # Chosen by the browser when the interview starts, so a screening sent twice (offline queue, retries)
    # is stored once.
    client_uuid = models.UUIDField()
    # Keyed digest of the received payload (core.encryption.content_digest): recognises a resend; blank
    # once the case it led to is anonymised.
    content_digest = models.CharField(max_length=64)
    # Random, never shown: the cell-key perturbation of released counts (core/disclosure.py).
    record_key = models.PositiveSmallIntegerField(default=new_record_key, editable=False)
    catalogues = models.ManyToManyField(Catalogue, related_name="screenings")
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField()
    received_at = models.DateTimeField(auto_now_add=True)
    offline = models.BooleanField(default=False)  # taken with no connection and sent later
    interviewer_language = models.CharField(max_length=8)
    interviewee_language = models.CharField(max_length=8)
    interpreter = models.BooleanField(default=False)
    sex = models.CharField(max_length=8, choices=Sex.choices)
    age_group = models.CharField(max_length=8, choices=AgeGroup.choices)
    is_child = models.BooleanField()
    citizenship = models.CharField(max_length=2, blank=True)  # ISO 3166 alpha-2, or blank when not known
    work_type = models.CharField(max_length=8, choices=WorkType.choices)
    urgent = models.BooleanField(default=False)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    indicators_present = models.PositiveSmallIntegerField(default=0)
    # [{"catalogue": code, "indicator": id, "answer": yes|no|unknown|declined, "source": ...}, ...] and the
    # stated age when given (the age group alone is a column).
    answers = EncryptedJSONField()
    explanation = EncryptedJSONField()  # screening/domain/scoring.py: the structured result, rendered per language
    # Erasing a case erases its screening (cases/services/data_protection.py) and anonymising it unlinks the
    # screening (retention.py); SET_NULL only keeps a deletion elsewhere from failing on this link.
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="screenings")
    referred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["realm", "organisation", "client_uuid"],
                                    name="screening_once_per_organisation_client_uuid"),
        ]
        indexes = [
            models.Index(fields=["realm", "organisation", "finished_at"], name="screening_facility_day"),
        ]
        ordering = ["-finished_at", "-id"]
