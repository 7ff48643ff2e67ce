"""Forms of the run pages (type checks only; the services validate)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.exercises.domain.scenario_clock import MAX_PACE, MIN_PACE


class RunCreateForm(forms.Form):
    scenario = forms.IntegerField(label=_("Scenario version"), min_value=1)
    name = forms.CharField(label=_("Name of the run"), max_length=200)
    teams = forms.IntegerField(label=_("Teams"), min_value=1, max_value=30, initial=10)
    language = forms.ChoiceField(label=_("Language"), choices=[("en", "English"), ("ru", "Русский")])


class PaceForm(forms.Form):
    pace = forms.FloatField(label=_("Pace (times real time)"), min_value=MIN_PACE, max_value=MAX_PACE)


class ReleaseForm(forms.Form):
    inject = forms.CharField(max_length=63)
    team = forms.IntegerField(required=False, min_value=1)
