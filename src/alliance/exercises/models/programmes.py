"""Training programmes, their editions, the call for participants of each edition, and the applicants.

A programme belongs to the organisation that runs it and lives in the live realm. Programme, edition and
call texts are public once the call is published; an applicant's identity and free text are personal data,
encrypted at field level and erased after the edition (see services/applications.py, retention). What the
reports count (profession, country, gender, decision) stays on the row after erasure, so the figures of an
old edition do not change when its applicants' names are gone.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.countries import COUNTRY_CHOICES
from alliance.core.encryption import BlindIndexField, EncryptedJSONField, EncryptedTextField
from alliance.core.models import Realm

LANGUAGES_OF_INSTRUCTION = [("en", _("English")), ("ru", _("Russian"))]

# The teams of the OSCE simulations, by profession (shared/domain/exercises.md).
PROFESSIONS = [
    ("police", _("Police or criminal investigator")),
    ("financial_investigator", _("Financial investigator")),
    ("prosecutor", _("Prosecutor")),
    ("judge", _("Judge")),
    ("labour_inspector", _("Labour inspector")),
    ("social_worker", _("Social worker")),
    ("lawyer", _("Lawyer")),
    ("ngo", _("NGO worker")),
    ("migration_officer", _("Migration or asylum officer")),
]
PROFESSION_CODES = frozenset(code for code, _label in PROFESSIONS)

GENDERS = [("female", _("Female")), ("male", _("Male")), ("other", _("Other or not stated"))]

# Applicants choose their country by name; the real States carry no names in core/countries.py, so the
# call's form lists the OSCE participating States and Partners for Co-operation by name, then the rest.
OSCE_STATES = {
    "AL": _("Albania"), "AD": _("Andorra"), "AM": _("Armenia"), "AT": _("Austria"), "AZ": _("Azerbaijan"),
    "BY": _("Belarus"), "BE": _("Belgium"), "BA": _("Bosnia and Herzegovina"), "BG": _("Bulgaria"),
    "CA": _("Canada"), "HR": _("Croatia"), "CY": _("Cyprus"), "CZ": _("Czechia"), "DK": _("Denmark"),
    "EE": _("Estonia"), "FI": _("Finland"), "FR": _("France"), "GE": _("Georgia"), "DE": _("Germany"),
    "GR": _("Greece"), "VA": _("Holy See"), "HU": _("Hungary"), "IS": _("Iceland"), "IE": _("Ireland"),
    "IT": _("Italy"), "KZ": _("Kazakhstan"), "KG": _("Kyrgyzstan"), "LV": _("Latvia"), "LI": _("Liechtenstein"),
    "LT": _("Lithuania"), "LU": _("Luxembourg"), "MT": _("Malta"), "MD": _("Moldova"), "MC": _("Monaco"),
    "MN": _("Mongolia"), "ME": _("Montenegro"), "NL": _("Netherlands"), "MK": _("North Macedonia"),
    "NO": _("Norway"), "PL": _("Poland"), "PT": _("Portugal"), "RO": _("Romania"), "RU": _("Russian Federation"),
    "SM": _("San Marino"), "RS": _("Serbia"), "SK": _("Slovakia"), "SI": _("Slovenia"), "ES": _("Spain"),
    "SE": _("Sweden"), "CH": _("Switzerland"), "TJ": _("Tajikistan"), "TR": _("Türkiye"),
    "TM": _("Turkmenistan"), "UA": _("Ukraine"), "GB": _("United Kingdom"), "US": _("United States"),
    "UZ": _("Uzbekistan"),
    # Partners for Co-operation
    "AF": _("Afghanistan"), "AU": _("Australia"), "DZ": _("Algeria"), "EG": _("Egypt"), "IL": _("Israel"),
    "JP": _("Japan"), "JO": _("Jordan"), "KR": _("Republic of Korea"), "MA": _("Morocco"), "TH": _("Thailand"),
    "TN": _("Tunisia"),
}


def country_name(code: str) -> str:
    return str(OSCE_STATES.get(code) or dict(COUNTRY_CHOICES).get(code, code))


def applicant_country_choices() -> list[tuple[str, str]]:
    named = sorted(((code, str(name)) for code, name in OSCE_STATES.items()), key=lambda pair: pair[1])
    rest = [(code, label) for code, label in COUNTRY_CHOICES if code not in OSCE_STATES and len(str(label)) == 2]
    return named + rest


class Programme(models.Model):
    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    summary = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["title", "id"]
        constraints = [models.UniqueConstraint(fields=["organisation", "title"],
                                               name="exercises_programme_unique_title")]

    def __str__(self) -> str:
        return self.title


class Edition(models.Model):
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="editions")
    title = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    venue = models.CharField(max_length=200)
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES)
    language = models.CharField(max_length=2, choices=LANGUAGES_OF_INSTRUCTION, default="en")
    donors = models.TextField(blank=True)
    capacity = models.PositiveIntegerField()
    groups = models.PositiveIntegerField(default=1)
    staff = models.TextField(blank=True)
    # When the applicants' names, e-mails and free text were erased (retention); the counts stay.
    applicants_erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["starts_on", "id"]
        constraints = [models.CheckConstraint(condition=models.Q(ends_on__gte=models.F("starts_on")),
                                              name="exercises_edition_ends_after_start")]

    def __str__(self) -> str:
        return self.title


class Call(models.Model):
    """The call for participants of one edition. `criteria`, `quotas` and `custom_fields` are validated by the
    service that writes them (services/programmes.py) against domain/selection.py's rules."""

    edition = models.OneToOneField(Edition, on_delete=models.CASCADE, related_name="call")
    published = models.BooleanField(default=False)
    about = models.TextField(blank=True)
    profiles = models.JSONField(default=list)  # profession codes the call is open to
    roles = models.TextField(blank=True)
    storylines = models.TextField(blank=True)
    learning_objectives = models.TextField(blank=True)
    requirements = models.TextField(blank=True)
    min_years = models.PositiveIntegerField(default=0)
    nomination_required = models.BooleanField(default=False)
    # [{"code": "experience", "label": "...", "weight": 2, "kind": "years" | "nomination" | "languages" | "rating"}]
    criteria = models.JSONField(default=list)
    # {"max_per_country": 2, "min_per_profession": {...}, "max_per_profession": {...}, "min_share_gender": {...}}
    quotas = models.JSONField(default=dict)
    # [{"name": "dietary", "label": "...", "required": false}]
    custom_fields = models.JSONField(default=list)
    deadline = models.DateTimeField()
    notification_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return str(self.edition)


class Applicant(models.Model):
    class Decision(models.TextChoices):
        NONE = "", _("Not decided")
        SELECTED = "selected", _("Selected")
        WAITING = "waiting", _("Waiting list")
        REFUSED = "refused", _("Refused")

    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applicants")
    # Identity and free text: encrypted; searched only through the blind indexes.
    given_name = EncryptedTextField()
    family_name = EncryptedTextField()
    email = EncryptedTextField()
    agency = EncryptedTextField()
    motivation = EncryptedTextField()
    nominating_authority = EncryptedTextField()
    answers = EncryptedJSONField()  # the call's custom fields
    # Exact e-mail match (set by the service: the name normaliser would fold "a.b@x" into "b.a@x").
    email_index = models.CharField(max_length=48, null=True, blank=True)  # noqa: DJ001  (NULL once erased: unique allows many)
    # The same person under another e-mail: same normalised name (any script) and country.
    person_index = BlindIndexField(source="given_name+family_name+country", kind="name")
    # What selection and the reports count; no name, no contact.
    profession = models.CharField(max_length=32)
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES)
    gender = models.CharField(max_length=8, choices=GENDERS)
    languages = models.JSONField(default=list)
    years_experience = models.PositiveIntegerField()
    nominated = models.BooleanField(default=False)
    language = models.CharField(max_length=8, default="en")  # the applicant's own, for every message
    submitted_at = models.DateTimeField()
    confirmed_at = models.DateTimeField(null=True, blank=True)
    token_hash = models.CharField(max_length=64, null=True, blank=True, unique=True)
    token_expires_at = models.DateTimeField(null=True, blank=True)
    # The reviewer's evaluation
    ratings = models.JSONField(default=dict)  # criterion code -> 0..10, for criteria of kind "rating"
    eligible = models.BooleanField(null=True)
    score = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    decision = models.CharField(max_length=10, choices=Decision.choices, blank=True, default="")
    rank = models.PositiveIntegerField(null=True, blank=True)
    reason = models.TextField(blank=True)  # generated from figures and codes, never from the applicant's text
    decided_at = models.DateTimeField(null=True, blank=True)
    notified_at = models.DateTimeField(null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]
        # Erased rows hold no index (NULL), which a unique constraint lets repeat on SQLite and PostgreSQL.
        constraints = [models.UniqueConstraint(fields=["call", "email_index"], name="exercises_applicant_one_email")]
        indexes = [
            models.Index(fields=["call", "person_index"], name="exercises_applicant_person"),
        ]


class SelectionRun(models.Model):
    """One run of the selection for a call: who ran it, when, and what it decided (counts only)."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="selection_runs")
    run_by = models.ForeignKey("directory.User", on_delete=models.SET_NULL, null=True, related_name="+")
    run_at = models.DateTimeField()
    selected = models.PositiveIntegerField()
    waiting = models.PositiveIntegerField()
    refused = models.PositiveIntegerField()
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-run_at", "-id"]
