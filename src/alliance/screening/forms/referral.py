"""The one-step referral form: only what the screening never held (the name and the agreement)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.cases.models import CaseShare
from alliance.directory.forms import RealmOrganisationsMixin
from alliance.directory.models import Organisation


class ScreeningReferForm(RealmOrganisationsMixin, forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=200)
    family_name = forms.CharField(label=_("Family name"), max_length=200)
    birth_date = forms.DateField(label=_("Birth date (if known)"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    organisation = forms.ModelChoiceField(label=_("Refer to"), queryset=Organisation.objects.order_by("name"))
    scope = forms.ChoiceField(label=_("What the organisation sees once it accepts"),
                              choices=CaseShare.Scope.choices, initial=CaseShare.Scope.LIMITED)
    purpose = forms.CharField(label=_("Purpose (optional)"), required=False, max_length=300)
    consent = forms.BooleanField(
        label=_("The person agreed that their information is passed to this organisation so it can help them"),
        required=False)
    interpreter = forms.BooleanField(label=_("Agreement given through an interpreter"), required=False)
