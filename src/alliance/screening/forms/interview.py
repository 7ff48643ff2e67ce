"""Forms of the screening pages: the start of an interview and the person's step of the no-JS interview.

The forms check types only (a number is a number, a choice is one of the choices); what a screening must
hold is checked by the submission service, whose errors are carried back onto the form.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.countries import COUNTRY_CHOICES
from alliance.core.forms import LongSelect
from alliance.screening.models import Screening


class PersonForm(forms.Form):
    """About the person: no name, nothing that identifies them; the columns the dashboard counts by."""

    sex = forms.ChoiceField(label=_("Sex"), choices=Screening.Sex.choices, initial=Screening.Sex.UNKNOWN)
    age = forms.IntegerField(label=_("Age in years (if known)"), required=False, min_value=0, max_value=120)
    age_group = forms.ChoiceField(label=_("Age group"), choices=Screening.AgeGroup.choices, required=False,
                                  initial=Screening.AgeGroup.UNKNOWN)
    is_child = forms.BooleanField(label=_("Appears to be a child, or says they are under 18"), required=False)
    citizenship = forms.ChoiceField(label=_("Citizenship (if known)"), required=False,
                                    choices=[("", _("Not known")), *COUNTRY_CHOICES], widget=LongSelect)
    # Required in the browser (the radios carry `required`); the service refuses a screening without it,
    # except when the interview ends early for an urgent referral (then "both, or not sure").
    work_type = forms.ChoiceField(label=_("Type of work since leaving home"), required=False,
                                  choices=Screening.WorkType.choices,
                                  widget=forms.RadioSelect(attrs={"required": True}))

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "p-%s")
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["age"].widget.attrs.update(inputmode="numeric", autocomplete="off")
