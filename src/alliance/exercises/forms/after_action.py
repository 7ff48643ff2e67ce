"""Forms of the after-action pages: type checks only; services/after_action.py validates."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.core.forms import LongSelect
from alliance.exercises.models import ImprovementItem
from alliance.exercises.models.after_action import FEEDBACK_QUESTIONS

SCALE = [(str(n), str(n)) for n in range(1, 6)]


class FeedbackForm(forms.Form):
    """The participants' feedback form, for a phone: one question a row, five large radio buttons."""

    worked = forms.CharField(label=_("What worked well?"), required=False, max_length=5000,
                             widget=forms.Textarea(attrs={"rows": 4}))
    improve = forms.CharField(label=_("What should be improved?"), required=False, max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        rated = {code: forms.TypedChoiceField(label=label, choices=SCALE, coerce=int,
                                              widget=forms.RadioSelect(attrs={"class": "scale"}))
                 for code, label in FEEDBACK_QUESTIONS}
        self.fields = {**rated, **self.fields}


class ImprovementItemForm(forms.Form):
    finding = forms.CharField(label=_("Observation or finding"), max_length=5000,
                              widget=forms.Textarea(attrs={"rows": 3}))
    corrective_action = forms.CharField(label=_("Corrective action"), max_length=5000,
                                        widget=forms.Textarea(attrs={"rows": 3}))
    objective = forms.ChoiceField(label=_("Learning objective"), required=False)
    capability_target = forms.ChoiceField(label=_("Capability target"), required=False)
    organisation = forms.TypedChoiceField(label=_("Responsible organisation"), required=False, coerce=int,
                                          empty_value=None, widget=LongSelect())
    owner = forms.TypedChoiceField(label=_("Responsible person"), required=False, coerce=int, empty_value=None,
                                   widget=LongSelect())
    due_on = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}))
    status = forms.ChoiceField(label=_("Status"), choices=ImprovementItem.Status.choices)
    completed_on = forms.DateField(label=_("Completed on"), required=False,
                                   widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, objectives=(), targets=(), organisations=(), owners=(), **kwargs):
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["objective"].choices = blank + [(o["id"], f"{o['id']}: {o['text']}") for o in objectives]
        self.fields["capability_target"].choices = blank + [(t["id"], f"{t['id']}: {t['text']}") for t in targets]
        self.fields["organisation"].choices = blank + [(o.pk, o.name) for o in organisations]
        self.fields["owner"].choices = blank + [(u.pk, u.display_name or u.email) for u in owners]

    def service_data(self) -> dict:
        data = dict(self.cleaned_data)
        return {**data, "organisation_id": data.pop("organisation"), "owner_id": data.pop("owner")}


class AttendanceForm(forms.Form):
    trainee = forms.IntegerField()
    present = forms.ChoiceField(choices=[("yes", _("Present")), ("no", _("Absent")), ("", _("As the sandbox shows"))],
                                required=False)

    def present_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data["present"])
