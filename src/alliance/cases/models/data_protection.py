"""What data protection records about a case: the anonymous duty-to-notify notifications."""

from __future__ import annotations

from django.db import models

from alliance.cases.models.register import Case
from alliance.directory.models import User


class DutyNotification(models.Model):
    """The anonymous notification a country's duty to notify requires when an adult does not consent to
    referral: counts and categories only, never a name (nrm.md)."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="duty_notifications")
    authority = models.CharField(max_length=200)
    payload = models.JSONField()  # the anonymous fields sent: sex, age band, citizenship, exploitation types
    sent_by = models.ForeignKey(User, null=True, on_delete=models.SET_NULL, related_name="+")
    sent_at = models.DateTimeField(auto_now_add=True)


# --- Transnational referral ----------------------------------------------------------------------------
