"""Cross-referencing other investigations' data under the hit/no-hit rule.

A request states its legal basis and purpose. What it finds is a hit: that some other investigation holds a
matching entity, which agency holds it and whom to contact, and why the two match in terms of the
requester's own entity ("same passport number"). The other entity itself stays with its owner until that
investigation's lead approves disclosure; the decision, either way, is recorded and audited.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.core.models import Realm
from alliance.investigations.models.entities import Entity
from alliance.investigations.models.workspace import Investigation


class XrefRequest(models.Model):
    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="xref_requests")
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    legal_basis = models.CharField(max_length=300)
    purpose = models.CharField(max_length=500)
    requested_at = models.DateTimeField(auto_now_add=True)
    candidates = models.PositiveIntegerField(default=0)  # pairs the keys brought, before scoring


class XrefHit(models.Model):
    class Disclosure(models.TextChoices):
        PENDING = "pending", _("Awaiting the holder's decision")
        APPROVED = "approved", _("Disclosed")
        REFUSED = "refused", _("Refused")

    request = models.ForeignKey(XrefRequest, on_delete=models.CASCADE, related_name="hits")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")  # the requester's own
    other_entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    other_investigation = models.ForeignKey(Investigation, on_delete=models.CASCADE, related_name="+")
    score = models.FloatField()
    # Why they match, in words about the requester's own values (never the other entity's): shown to both.
    reasons = models.JSONField(default=list)
    disclosure = models.CharField(max_length=16, choices=Disclosure.choices, default=Disclosure.PENDING)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["request", "entity", "other_entity"],
                                               name="investigations_hit_once")]
        indexes = [models.Index(fields=["other_investigation", "disclosure"])]


class PairJudgement(models.Model):
    """An analyst's verdict on a pair (our entity, another investigation's), remembered: a cross-reference
    that finds the pair again shows it, and one judged "not the same" is not raised again."""

    class Verdict(models.TextChoices):
        SAME = "same", _("The same")
        NOT_SAME = "not_same", _("Not the same")
        UNSURE = "unsure", _("Unsure")

    realm = models.ForeignKey(Realm, on_delete=models.PROTECT, related_name="+")
    entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    other_entity = models.ForeignKey(Entity, on_delete=models.CASCADE, related_name="+")
    verdict = models.CharField(max_length=16, choices=Verdict.choices)
    note = models.CharField(max_length=500, blank=True)
    judged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    judged_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entity", "other_entity"], name="investigations_judged_once")]
