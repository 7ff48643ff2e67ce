from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.cases.domain.nrm import Stage
from alliance.cases.models import Case, CaseShare, Consent
from alliance.core.countries import COUNTRY_CHOICES
from alliance.core.forms import LongSelect
from alliance.directory.forms import RealmOrganisationsMixin
from alliance.directory.models import Organisation


class CaseCreateForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=200)
    family_name = forms.CharField(label=_("Family name"), max_length=200)
    identity_number = forms.CharField(label=_("Identity or document number"), max_length=64, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))
    pseudonym = forms.CharField(label=_("Pseudonym shown in lists"), max_length=64, required=False)
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs={"rows": 4}), required=False,
                              max_length=10_000)


class CaseSearchForm(RealmOrganisationsMixin, forms.Form):
    name = forms.CharField(label=_("Full name"), max_length=200, required=False)
    identity_number = forms.CharField(label=_("Identity or document number"), max_length=64, required=False)
    number = forms.CharField(label=_("Case number"), max_length=32, required=False)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", "—"), *Case.Status.choices])
    nrm_stage = forms.ChoiceField(label=_("NRM stage"), required=False, choices=[("", "—"), *Stage.choices])
    organisation = forms.ModelChoiceField(label=_("Owning organisation"), required=False,
                                          queryset=Organisation.objects.order_by("name"))
    opened_from = forms.DateField(label=_("Opened on or after"), required=False,
                                  widget=forms.DateInput(attrs={"type": "date"}))
    opened_to = forms.DateField(label=_("Opened on or before"), required=False,
                                widget=forms.DateInput(attrs={"type": "date"}))

    def criteria(self) -> dict:
        data = dict(self.cleaned_data)
        data["organisation"] = data["organisation"].pk if data.get("organisation") else None
        return data


class CaseShareForm(RealmOrganisationsMixin, forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.order_by("name"))
    scope = forms.ChoiceField(label=_("Scope"), choices=CaseShare.Scope.choices)
    purpose = forms.CharField(label=_("Purpose"), max_length=300)
    legal_basis = forms.CharField(label=_("Legal basis, only when sharing without consent"), required=False,
                                  max_length=500)


class ConsentForm(RealmOrganisationsMixin, forms.Form):
    purpose = forms.ChoiceField(label=_("The person agreed to"), choices=Consent.Purpose.choices)
    organisation = forms.ModelChoiceField(label=_("Organisation (for a named organisation)"), required=False,
                                          queryset=Organisation.objects.order_by("name"))
    sector = forms.ChoiceField(label=_("Sector (for a sector)"), required=False,
                               choices=[("", "—"), *Organisation.Sector.choices])
    country = forms.ChoiceField(label=_("Country (for a transfer)"), required=False,
                                choices=[("", "—"), *COUNTRY_CHOICES], widget=LongSelect)
    language = forms.CharField(label=_("Language of the conversation (ISO 639 code)"), max_length=3)
    interpreter = forms.BooleanField(label=_("An interpreter took part"), required=False)
    given_on = forms.DateField(label=_("Given on"), required=False, widget=forms.DateInput(attrs={"type": "date"}))


class OverrideForm(forms.Form):
    justification = forms.CharField(label=_("Legal basis and reason"), widget=forms.Textarea(attrs={"rows": 3}),
                                    max_length=2000)


class TransitionForm(forms.Form):
    transition = forms.CharField(widget=forms.HiddenInput, max_length=32)
    outcome = forms.ChoiceField(label=_("Decision"), required=False,
                                choices=[("", "—"), ("positive", _("Positive")), ("negative", _("Negative"))])
    effective_on = forms.DateField(label=_("Date of the step"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))
    reflection_days = forms.IntegerField(label=_("Days of reflection (if longer than the country's period)"),
                                         required=False, min_value=1, max_value=365)
    closure_status = forms.ChoiceField(label=_("Closure"), required=False,
                                       choices=[("closed", _("Closed")), ("closed_referred", _("Closed referred"))])
    reason = forms.CharField(label=_("Reason"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 2}))
