"""NRM steps and the clocks they start (reflection period, decisions)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from alliance.cases.domain.nrm import Stage
from alliance.cases.models.register import Case
from alliance.core.encryption import EncryptedTextField
from alliance.directory.models import Organisation, User


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
