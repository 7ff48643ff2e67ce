"""An investigation: the workspace of one agency's team (or a joint investigation team), and who is on it.

An investigation is need-to-know: its team sees it, not everyone in the agency with an investigator's role.
Its title and purpose are internal working text and must not carry a person's name (the form says so); the
people and companies it is about are entities (entities.py), encrypted like case data.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.models import Realm


class Investigation(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey("directory.Organisation", on_delete=models.PROTECT, related_name="+")
    number = models.CharField(max_length=32)
    title = models.CharField(max_length=200)
    purpose = models.TextField()
    # The law under which the agency processes this data (the Law Enforcement Directive asks every
    # consultation and disclosure to carry it), e.g. "Criminal Procedure Code, art. 12".
    legal_basis = models.CharField(max_length=300)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["realm", "number"], name="investigations_unique_number")]

    def __str__(self) -> str:
        return self.number


class InvestigationMember(models.Model):
    """One person on the team. The lead adds and removes members; a member from another agency makes it a
    joint investigation team, whose data stays the owning agency's."""

    class Role(models.TextChoices):
        LEAD = "lead", _("Lead investigator")
        MEMBER = "member", _("Team member")

    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    role = models.CharField(max_length=16, choices=Role.choices, default=Role.MEMBER)
    added_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["investigation", "user"], name="investigations_one_membership")]
