"""Forms of the data-protection panel: legal hold, deletion."""

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.cases.services.retention import MIN_JUSTIFICATION


class LegalHoldForm(forms.Form):
    hold = forms.ChoiceField(label=_("Legal hold"), choices=[("set", _("Set the hold")),
                                                               ("release", _("Release the hold"))],
                             widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason (proceedings, inquiry, complaint); do not name the person"),
                             max_length=300)


class DeleteForm(forms.Form):
    justification = forms.CharField(
        label=_("Legal basis and reason for deletion; do not name the person, it stays in the audit log"),
        min_length=MIN_JUSTIFICATION, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    confirm = forms.BooleanField(label=_("I understand that the case and its file are removed for good"))
