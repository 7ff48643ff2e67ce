"""The case register: a person (encrypted, blind-indexed), a case with its HTCDS victim context, the NRM
events and clocks, consent, referrals (shares), the case file (tasks, notes, documents, support plan),
notifications and transnational packages.

HTCDS details that nobody filters on in SQL live in one encrypted JSON document per row (`details`,
`victim_context`), validated by cases/htcds.py; the columns that lists and searches filter on stay columns.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.cases.nrm import Stage, TraffickingStatus
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
    # contact. Keys and vocabularies: cases/htcds.py (PERSON_FIELDS).
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
    # HTCDS vic_*: exploitation types, industry, methods of control, recruitment, relationship to the
    # trafficker, route events (hte_*) and perpetrators' roles (per_*). Keys: cases/htcds.py (VICTIM_FIELDS).
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
    """A case shared with or referred to another organisation, fully or limited to the fields in
    policy.CASE_LIMITED_FIELDS. A plain share is accepted when made; a referral or transfer waits for the
    receiver (pending: the receiver reads the limited fields only, to decide), who accepts or declines with
    a reason; the sender may revoke; the receiver marks it done. A transfer moves ownership on acceptance."""

    class Scope(models.TextChoices):
        FULL = "full", _("Full")
        LIMITED = "limited", _("Limited")

    class Kind(models.TextChoices):
        SHARE = "share", _("Share")
        REFERRAL = "referral", _("Referral")
        TRANSFER = "transfer", _("Transfer")

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        REVOKED = "revoked", _("Revoked")
        DONE = "done", _("Done")

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
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.SHARE)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.ACCEPTED)
    from_organisation = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT,
                                          related_name="+")
    respond_by = models.DateField(null=True, blank=True)
    responded_at = models.DateTimeField(null=True, blank=True)
    responded_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    response_reason = EncryptedTextField()  # why declined, revoked or done: may speak of the person
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["case", "organisation"],
                condition=models.Q(revoked_at__isnull=True),
                name="cases_one_active_share",
            )
        ]
        indexes = [
            models.Index(fields=["organisation", "case"]),
            models.Index(fields=["organisation", "status", "respond_by"], name="cases_share_inbox"),
        ]


class Notification(models.Model):
    """An in-app notice to one user. It names the case by number only: the text is built from `kind` when
    shown, so no personal value is stored or e-mailed."""

    class Kind(models.TextChoices):
        REFERRAL_RECEIVED = "referral_received", _("New referral")
        REFERRAL_ACCEPTED = "referral_accepted", _("Referral accepted")
        REFERRAL_DECLINED = "referral_declined", _("Referral declined")
        REFERRAL_REVOKED = "referral_revoked", _("Referral revoked")
        REFERRAL_DONE = "referral_done", _("Referral done")
        REFERRAL_OVERDUE = "referral_overdue", _("Referral overdue")
        TASK_ASSIGNED = "task_assigned", _("Task assigned")
        PACKAGE_RECEIVED = "package_received", _("Transnational package received")

    realm = models.ForeignKey(Realm, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=24, choices=Kind.choices)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    share = models.ForeignKey(CaseShare, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "realm", "read_at"])]


# --- The case file ------------------------------------------------------------------------------------

class Task(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        CANCELLED = "cancelled", _("Cancelled")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = EncryptedTextField()
    due_on = models.DateField(null=True, blank=True)
    assignee = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "due_on", "id"]
        indexes = [models.Index(fields=["assignee", "status", "due_on"])]


class Note(models.Model):
    """A case note. Standard notes are read by everyone with the full file; confidential ones only by the
    author's organisation; restricted ones only by their author and the owning organisation's auditors."""

    class Sensitivity(models.TextChoices):
        STANDARD = "standard", _("Standard")
        CONFIDENTIAL = "confidential", _("Confidential (my organisation)")
        RESTRICTED = "restricted", _("Restricted (author only)")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="notes")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    author = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    sensitivity = models.CharField(max_length=12, choices=Sensitivity.choices, default=Sensitivity.STANDARD)
    body = EncryptedTextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]


class Document(models.Model):
    """An uploaded file, stored encrypted in the database (one backup holds everything). The type is what
    the content is, not what the name says; image metadata is stripped before it is stored."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    title = EncryptedTextField()
    filename = EncryptedTextField()
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    sensitivity = models.CharField(max_length=12, choices=Note.Sensitivity.choices,
                                   default=Note.Sensitivity.STANDARD)
    content = models.BinaryField()  # AES-GCM ciphertext; never loaded by lists (defer it)
    uploaded_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]


class SupportPlan(models.Model):
    """HTCDS spl_*: objectives and action plan, planned and actual end, the kinds of support."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="support_plan")
    objectives = EncryptedTextField()
    action_plan = EncryptedTextField()
    support_types = models.JSONField(default=list)  # HTCDS spl_Type values (cases/htcds.py)
    planned_end_on = models.DateField(null=True, blank=True)
    actual_end_on = models.DateField(null=True, blank=True)
    updated_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)


class SupportService(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        IN_PROGRESS = "in_progress", _("In progress")
        DELIVERED = "delivered", _("Delivered")
        CANCELLED = "cancelled", _("Cancelled")

    plan = models.ForeignKey(SupportPlan, on_delete=models.CASCADE, related_name="services")
    support_type = models.CharField(max_length=32)
    provider = models.ForeignKey(Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    provider_name = models.CharField(max_length=200, blank=True)  # a provider outside the platform
    description = EncryptedTextField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["starts_on", "id"]


class DutyNotification(models.Model):
    """The anonymous notification a country's duty to notify requires when an adult does not consent to
    referral: counts and categories only, never a name (nrm.md)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="duty_notifications")
    authority = models.CharField(max_length=200)
    payload = models.JSONField()  # the anonymous fields sent: sex, age band, citizenship, exploitation types
    sent_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)


# --- Transnational referral ----------------------------------------------------------------------------

class OrganisationKeyPair(models.Model):
    """An organisation's package keys (core/sealed_package.py). The private part is encrypted with the key
    ring; the public identity card is what partners pin."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="package_keys")
    package_id = models.CharField(max_length=80, help_text=_("Identifier in packages, e.g. XD:safe-harbour"))
    private_keys = EncryptedTextField()
    public_card = models.TextField()
    fingerprint = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation"], condition=models.Q(retired_at__isnull=True),
                                               name="cases_one_active_package_key")]


class PartnerOrganisation(models.Model):
    """A trusted organisation on another installation: its public card, pinned by the fingerprint read out
    of band, and which of our organisations may exchange packages with it."""

    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="partners")
    package_id = models.CharField(max_length=80)
    name = models.CharField(max_length=200)
    country = models.CharField(max_length=2, choices=COUNTRY_CHOICES)
    public_card = models.TextField()
    fingerprint = models.CharField(max_length=64)
    added_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "package_id"], name="cases_one_partner_card")]


class TransnationalPackage(models.Model):
    """A package sent or received. Received ones wait for a person to preview and accept or refuse them;
    the package id is unique so a replayed package is refused."""

    class Direction(models.TextChoices):
        SENT = "sent", _("Sent")
        RECEIVED = "received", _("Received")

    class Status(models.TextChoices):
        SENT = "sent", _("Sent")
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        REFUSED = "refused", _("Refused")

    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    direction = models.CharField(max_length=8, choices=Direction.choices)
    status = models.CharField(max_length=8, choices=Status.choices)
    package_id = models.CharField(max_length=64)
    partner = models.ForeignKey(PartnerOrganisation, null=True, on_delete=models.PROTECT, related_name="+")
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    fields = models.JSONField(default=list)  # which fields travelled (names, never values)
    sealed = models.BinaryField()  # already encrypted for the receiver; kept until accepted or refused
    refusal_reason = models.CharField(max_length=300, blank=True)
    handled_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    handled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "direction", "package_id"],
                                               name="cases_package_once")]
