"""Forms of the evaluation pages: type checks only; the services validate against the package."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.exercises.models import DecisionLogEntry, Rating


class BoardForm(forms.Form):
    package = forms.IntegerField(label=_("Scenario"), widget=forms.Select())
    team = forms.TypedMultipleChoiceField(label=_("Teams"), coerce=int, choices=())
    start = forms.DateTimeField(label=_("Exercise start (UTC)"), required=False,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    finished = forms.BooleanField(label=_("The exercise has ended"), required=False)

    def __init__(self, *args, packages=(), realms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].widget.choices = [(p.pk, f"{p.slug} {p.version}") for p in packages]
        self.fields["team"].choices = [(r.pk, r.name) for r in realms]


class RatingForm(forms.Form):
    """An observer's rating on a tablet: large radio buttons, one capability target at a time."""

    package = forms.IntegerField(widget=forms.HiddenInput())
    team = forms.IntegerField(widget=forms.HiddenInput())
    capability_target = forms.CharField(label=_("Capability target"), max_length=63, widget=forms.RadioSelect())
    rating = forms.ChoiceField(label=_("Rating"), choices=Rating.choices, widget=forms.RadioSelect())
    notes = forms.CharField(label=_("Observation notes"), required=False, max_length=5000,
                            widget=forms.Textarea(attrs={"rows": 5}))

    def __init__(self, *args, targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["capability_target"].widget.choices = list(targets)


class DecisionLogForm(forms.Form):
    package = forms.IntegerField(widget=forms.HiddenInput())
    team = forms.IntegerField(required=False, widget=forms.HiddenInput())
    kind = forms.ChoiceField(label=_("Entry"), choices=DecisionLogEntry.Kind.choices)
    text = forms.CharField(label=_("What happened"), max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))


class DebriefForm(forms.Form):
    package = forms.IntegerField(label=_("Scenario"), widget=forms.Select())
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, choices=())
    start = forms.DateTimeField(label=_("Exercise start (UTC)"), required=False,
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, packages=(), realms=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["package"].widget.choices = [(p.pk, f"{p.slug} {p.version}") for p in packages]
        self.fields["team"].choices = [(r.pk, r.name) for r in realms]
