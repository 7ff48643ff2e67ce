"""The public application form and the reviewer's forms. Type checks only; the services validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import LongSelect
from alliance.exercises.models.programmes import (
    GENDERS,
    LANGUAGES_OF_INSTRUCTION,
    PROFESSIONS,
    applicant_country_choices,
)

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


class ProgrammeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    summary = forms.CharField(label=_("Summary"), max_length=2000, required=False,
                              widget=forms.Textarea(attrs={"rows": 3}))


class EditionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    starts_on = forms.DateField(label=_("First day"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(label=_("Last day"), widget=forms.DateInput(attrs={"type": "date"}))
    venue = forms.CharField(label=_("Venue"), max_length=200, required=False)
    country = forms.CharField(label=_("Country"), required=False, widget=LongSelect())
    language = forms.ChoiceField(label=_("Language of instruction"), choices=LANGUAGES_OF_INSTRUCTION)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=1000)
    groups = forms.IntegerField(label=_("Groups of trainees"), min_value=1, max_value=100, initial=1)
    donors = forms.CharField(label=_("Donors"), max_length=500, required=False)
    staff = forms.CharField(label=_("Staff"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].widget.choices = [("", "—"), *applicant_country_choices()]


def _lines(text: str) -> list[list[str]]:
    return [[part.strip() for part in line.split("|")] for line in (text or "").splitlines() if line.strip()]


class CallForm(forms.Form):
    """The call of an edition. Criteria, quotas and custom fields are typed as short lines, one per item;
    the form only splits them, the service says what is wrong."""

    about = forms.CharField(label=_("About the course"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    profiles = forms.MultipleChoiceField(label=_("Profiles who may apply"), choices=PROFESSIONS, required=False,
                                         widget=forms.CheckboxSelectMultiple)
    roles = forms.CharField(label=_("Profiles and roles"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))
    storylines = forms.CharField(label=_("Approach and storylines"), required=False, max_length=4000,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    learning_objectives = forms.CharField(label=_("Learning objectives"), required=False, max_length=4000,
                                          widget=forms.Textarea(attrs={"rows": 3}))
    requirements = forms.CharField(label=_("Requirements"), required=False, max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 2}))
    min_years = forms.IntegerField(label=_("Minimum years of experience"), min_value=0, max_value=50, initial=0)
    nomination_required = forms.BooleanField(label=_("A nomination by a national authority is required"),
                                             required=False)
    deadline = forms.DateTimeField(label=_("Deadline"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                                                   format="%Y-%m-%dT%H:%M"))
    notification_date = forms.DateField(label=_("Applicants told by"), required=False,
                                        widget=forms.DateInput(attrs={"type": "date"}))
    criteria = forms.CharField(
        label=_("Selection criteria"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One a line: code | label | weight | kind (years, nomination, languages or rating)."))
    max_per_country = forms.IntegerField(label=_("At most this many per country"), min_value=1, required=False)
    min_share_female = forms.IntegerField(label=_("At least this share of women (%)"), min_value=0, max_value=100,
                                          required=False)
    min_share_male = forms.IntegerField(label=_("At least this share of men (%)"), min_value=0, max_value=100,
                                        required=False)
    professions = forms.CharField(
        label=_("Places per profession"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: profession code | at least | at most (leave a side empty for no limit)."))
    custom_fields = forms.CharField(
        label=_("Questions of this call"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One a line: name | question | required (yes or no)."))

    def values(self) -> dict:
        data = self.cleaned_data
        criteria = []
        for parts in _lines(data["criteria"]):
            parts += [""] * (4 - len(parts))
            try:
                weight = float(parts[2]) if "." in parts[2] else int(parts[2])
            except ValueError:
                weight = None
            criteria.append({"code": parts[0], "label": parts[1], "weight": weight, "kind": parts[3]})
        quotas: dict = {}
        if data.get("max_per_country"):
            quotas["max_per_country"] = data["max_per_country"]
        shares = {g: data[f"min_share_{g}"] / 100 for g in ("female", "male") if data.get(f"min_share_{g}")}
        if shares:
            quotas["min_share_gender"] = shares
        for parts in _lines(data["professions"]):
            parts += [""] * (3 - len(parts))
            for key, value in (("min_per_profession", parts[1]), ("max_per_profession", parts[2])):
                if value:
                    quotas.setdefault(key, {})[parts[0]] = int(value) if value.isdigit() else value
        custom = [{"name": p[0], "label": p[1] if len(p) > 1 else "",
                   "required": len(p) > 2 and p[2].lower() in ("yes", "y", "true", "1")}
                  for p in _lines(data["custom_fields"])]
        return {"about": data["about"], "profiles": data["profiles"], "roles": data["roles"],
                "storylines": data["storylines"], "learning_objectives": data["learning_objectives"],
                "requirements": data["requirements"], "min_years": data["min_years"],
                "nomination_required": data["nomination_required"], "deadline": data["deadline"],
                "notification_date": data.get("notification_date"), "criteria": criteria, "quotas": quotas,
                "custom_fields": custom}

    @staticmethod
    def initial_from(call) -> dict:
        quotas = call.quotas or {}
        professions = sorted(set(quotas.get("min_per_profession", {})) | set(quotas.get("max_per_profession", {})))
        shares = quotas.get("min_share_gender", {})
        return {
            "about": call.about, "profiles": call.profiles, "roles": call.roles, "storylines": call.storylines,
            "learning_objectives": call.learning_objectives, "requirements": call.requirements,
            "min_years": call.min_years, "nomination_required": call.nomination_required,
            "deadline": call.deadline, "notification_date": call.notification_date,
            "criteria": "\n".join(f"{c['code']} | {c['label']} | {c['weight']} | {c['kind']}" for c in call.criteria),
            "max_per_country": quotas.get("max_per_country"),
            "min_share_female": round(shares["female"] * 100) if "female" in shares else None,
            "min_share_male": round(shares["male"] * 100) if "male" in shares else None,
            "professions": "\n".join(f"{p} | {quotas.get('min_per_profession', {}).get(p, '')} | "
                                     f"{quotas.get('max_per_profession', {}).get(p, '')}" for p in professions),
            "custom_fields": "\n".join(f"{c['name']} | {c['label']} | {'yes' if c.get('required') else 'no'}"
                                       for c in call.custom_fields),
        }
