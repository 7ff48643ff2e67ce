"""Indicator catalogues (one row per version) and the screenings made with them.

A published catalogue version never changes, so a screening made against it can always be explained with
the catalogue it used. A screening holds no name: it is an anonymous record until the person agrees to a
referral, when it becomes a case. Its answers and the explanation are encrypted; the columns the facility
dashboard counts by (day, sex, age group, citizenship, outcome) stay columns.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.disclosure import new_record_key
from alliance.core.encryption import EncryptedJSONField
from alliance.core.models import Realm
from alliance.directory.models import Organisation, User


class Catalogue(models.Model):
    code = models.CharField(max_length=64)
    version = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=16)  # "operational" (dimensions and ratings) or "checklist"
    content = models.JSONField()  # the whole file as loaded (validated by screening/catalogue.py)
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
    """An interview language a system administrator added beyond the nine built in (screening/languages.py):
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
    explanation = EncryptedJSONField()  # screening/scoring.py: the structured result, rendered per language
    # Erasing a case erases its screening (cases/services/data_protection.py) and anonymising it unlinks the
    # screening (retention.py); SET_NULL only keeps a deletion elsewhere from failing on this link.
    case = models.ForeignKey("cases.Case", on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="screenings")
    referred_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["realm", "client_uuid"], name="screening_once_per_client_uuid"),
        ]
        indexes = [
            models.Index(fields=["realm", "organisation", "finished_at"], name="screening_facility_day"),
        ]
        ordering = ["-finished_at", "-id"]
