"""Transnational referral: organisation key pairs, pinned partners and the packages exchanged."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.cases.models.register import Case
from alliance.core.countries import COUNTRY_CHOICES
from alliance.core.encryption import EncryptedTextField
from alliance.core.models import Realm
from alliance.directory.models import Organisation, User


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
