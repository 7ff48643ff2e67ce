"""The public application form and the reviewer's forms. Type checks only; the services validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import LongSelect
from alliance.exercises.models.programmes import GENDERS, PROFESSIONS, applicant_country_choices

LANGUAGE_CHOICES = [
    ("en", _("English")), ("ru", _("Russian")), ("fr", _("French")), ("de", _("German")), ("it", _("Italian")),
    ("es", _("Spanish")), ("ar", _("Arabic")), ("tr", _("Turkish")), ("uk", _("Ukrainian")), ("kk", _("Kazakh")),
    ("ky", _("Kyrgyz")), ("uz", _("Uzbek")), ("tg", _("Tajik")), ("tk", _("Turkmen")), ("az", _("Azerbaijani")),
    ("hy", _("Armenian")), ("ka", _("Georgian")), ("ro", _("Romanian")), ("sr", _("Serbian")),
    ("sq", _("Albanian")), ("mk", _("Macedonian")), ("bg", _("Bulgarian")), ("el", _("Greek")), ("pl", _("Polish")),
]


class ApplicationForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=100, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=100, required=False)
    email = forms.CharField(label=_("E-mail"), max_length=254, required=False,
                            widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    profession = forms.CharField(label=_("Profession"), required=False,
                                 widget=forms.Select(choices=[("", "—"), *PROFESSIONS]))
    agency = forms.CharField(label=_("Agency"), max_length=200, required=False)
    country = forms.CharField(label=_("Country"), required=False, widget=LongSelect())
    gender = forms.CharField(label=_("Gender"), required=False, widget=forms.Select(choices=[("", "—"), *GENDERS]))
    languages = forms.MultipleChoiceField(label=_("Languages you work in"), required=False,
                                          choices=LANGUAGE_CHOICES, widget=forms.CheckboxSelectMultiple)
    years_experience = forms.CharField(label=_("Years of professional experience"), max_length=3, required=False,
                                       widget=forms.NumberInput(attrs={"min": 0, "max": 60}))
    motivation = forms.CharField(label=_("Why do you want to take part?"), max_length=4000, required=False,
                                 widget=forms.Textarea(attrs={"rows": 6}))
    nominated = forms.BooleanField(label=_("A national authority nominates me"), required=False)
    nominating_authority = forms.CharField(label=_("Nominating authority"), max_length=200, required=False)

    def __init__(self, *args, call=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].widget.choices = [("", "—"), *applicant_country_choices()]
        for name in ("given_name", "family_name", "email", "profession", "agency", "country", "gender",
                     "years_experience", "motivation"):
            self.fields[name].widget.attrs["required"] = True
            self.fields[name].widget.is_required = True
        self.custom = []
        for custom in (call.custom_fields if call else []):
            name = f"custom_{custom['name']}"
            self.fields[name] = forms.CharField(label=custom["label"], max_length=1000, required=False)
            if custom.get("required"):
                self.fields[name].widget.attrs["required"] = True
            self.custom.append((custom["name"], name))

    def data_for_service(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if not k.startswith("custom_")}
        data["answers"] = {name: self.cleaned_data.get(field, "") for name, field in self.custom}
        return data


class RatingForm(forms.Form):
    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            if criterion["kind"] == "rating":
                self.fields[criterion["code"]] = forms.IntegerField(label=criterion["label"], min_value=0,
                                                                    max_value=10, required=False)
