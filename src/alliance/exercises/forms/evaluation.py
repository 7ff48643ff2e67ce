"""Forms of the evaluation pages: type checks only; the services validate against the run and its scenario."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.exercises.models import DecisionLogEntry, Rating


class BoardForm(forms.Form):
    run = forms.TypedChoiceField(label=_("Exercise run"), coerce=int, choices=())

    def __init__(self, *args, runs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run"].choices = [(r.pk, f"{r.name} ({r.scenario.slug} {r.scenario.version})") for r in runs]


class RatingForm(forms.Form):
    """An observer's rating on a tablet: large radio buttons, one capability target at a time."""

    run = forms.IntegerField(widget=forms.HiddenInput())
    team = forms.IntegerField(widget=forms.HiddenInput())
    capability_target = forms.CharField(label=_("Capability target"), max_length=63, widget=forms.RadioSelect())
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect())
    notes = forms.CharField(label=_("Observation notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability_target"].widget.choices = list(targets)


class DecisionLogForm(forms.Form):
    run = forms.IntegerField(widget=forms.HiddenInput())
    team = forms.TypedChoiceField(label=_("About"), coerce=int, required=False, empty_value=None, choices=())
    kind = forms.ChoiceField(label=_("Entry"), choices=DecisionLogEntry.Kind.choices)
    text = forms.CharField(label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("The whole run"))] + [(t.pk, t.name) for t in teams]


class DebriefForm(forms.Form):
    run = forms.TypedChoiceField(label=_("Exercise run"), coerce=int, choices=())
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, choices=())

    def __init__(self, *args, runs=(), teams=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["run"].choices = [(r.pk, r.name) for r in runs]
        self.fields["team"].choices = [(t.pk, f"{t.run.name}: {t.name}") for t in teams]
