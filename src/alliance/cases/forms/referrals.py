"""Forms for referrals and transfers; the services validate again and have the last word."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.cases.models import CaseShare
from alliance.directory.forms import RealmOrganisationsMixin
from alliance.directory.models import Organisation


class ReferForm(RealmOrganisationsMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(CaseShare.Kind.REFERRAL, _("Referral (the case stays ours)")),
                                                       (CaseShare.Kind.TRANSFER, _("Transfer (hand the case over)"))])
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.order_by("name"))
    scope = forms.ChoiceField(label=_("Scope once accepted"), choices=CaseShare.Scope.choices)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    respond_by = forms.DateField(label=_("Answer due by (empty: the country's usual time)"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    legal_basis = forms.CharField(label=_("Legal basis, only when referring without consent"), required=False,
                                  max_length=500)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000,
                             widget=forms.Textarea(attrs={"rows": 2}))
