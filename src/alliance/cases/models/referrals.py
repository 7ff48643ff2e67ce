"""Consent, referrals and shares between organisations, and the notifications they raise."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.cases.models.register import Case
from alliance.core.countries import COUNTRY_CHOICES
from alliance.core.encryption import EncryptedTextField
from alliance.core.models import Realm
from alliance.directory.models import Organisation, User


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
