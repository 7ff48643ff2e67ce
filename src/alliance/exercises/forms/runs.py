"""Forms of the run pages (type checks only; the services validate)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.exercises.domain.scenario_clock import MAX_PACE, MIN_PACE
from alliance.exercises.models import RunStaff


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


EMAILS_HELP = _("One e-mail address a line. A trainee line may end with a team number (ana@example.org 2); "
                "those without one are spread evenly over the teams.")


class RunSetupForm(forms.Form):
    """A new run: the scenario version, the edition, the teams and who plays. Built per request: the cards
    are the chosen scenario's, the trainee choices the chosen edition's selected applicants with accounts."""

    scenario = forms.TypedChoiceField(label=_("Scenario version"), coerce=int)
    edition = forms.TypedChoiceField(label=_("Programme edition"), coerce=int, required=False, empty_value=None)
    name = forms.CharField(label=_("Name of the run"), max_length=200)
    language = forms.ChoiceField(label=_("Language"))
    teams = forms.IntegerField(label=_("Teams"), min_value=1, max_value=30, initial=10)
    trainee_emails = forms.CharField(label=_("Further trainees"), required=False, widget=forms.Textarea(
        attrs={"rows": 3}), help_text=EMAILS_HELP)
    controllers = forms.CharField(label=_("Controllers"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                  help_text=_("One e-mail address a line."))
    observers = forms.CharField(label=_("Observers"), required=False, widget=forms.Textarea(attrs={"rows": 2}),
                                help_text=_("One e-mail address a line."))

    def __init__(self, *args, scenarios, editions, languages, cards, candidates, teams: int = 10, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scenario"].choices = scenarios
        self.fields["edition"].choices = [("", _("None")), *editions]
        self.fields["language"].choices = languages
        self.card_fields, self.candidate_fields = [], []
        for card_id, label in cards:
            name = f"card_{card_id}"
            self.fields[name] = forms.EmailField(label=label, required=False,
                                                 help_text=_("The role-player's e-mail address."))
            self.card_fields.append(name)
        team_choices = [("", "—")] + [(str(n), str(n)) for n in range(1, max(1, min(teams, 30)) + 1)]
        for user, label in candidates:
            name = f"team_{user.pk}"
            self.fields[name] = forms.TypedChoiceField(label=label, choices=team_choices, coerce=int, required=False,
                                                       empty_value=None)
            self.candidate_fields.append(name)

    def card_assignments(self) -> list[tuple[str, str]]:
        """[(card id, e-mail)] for the cards given a role-player."""
        return [(name.removeprefix("card_"), self.cleaned_data[name].strip().lower())
                for name in self.card_fields if self.cleaned_data.get(name)]

    def candidate_teams(self) -> dict[int, int]:
        """{user id: team number} for the edition's trainees given a team."""
        return {int(name.removeprefix("team_")): self.cleaned_data[name] for name in self.candidate_fields
                if self.cleaned_data.get(name)}


def email_lines(text: str) -> list[tuple[str, int | None]]:
    """"ana@example.org 2" -> ("ana@example.org", 2); a line without a number -> (address, None)."""
    lines = []
    for raw in (text or "").splitlines():
        parts = raw.replace(",", " ").replace(";", " ").split()
        if not parts:
            continue
        number = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        lines.append((parts[0].lower(), number))
    return lines


class StaffAddForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"))
    part = forms.ChoiceField(label=_("Part"), choices=RunStaff.Part.choices)
    card = forms.ChoiceField(label=_("Card (role-players)"), required=False)

    def __init__(self, *args, cards, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["card"].choices = [("", "—"), *cards]


class TraineePlaceForm(forms.Form):
    email = forms.EmailField(label=_("Trainee's e-mail address"))
    team = forms.TypedChoiceField(label=_("Team"), coerce=int, required=False, empty_value=None)

    def __init__(self, *args, teams: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].choices = [("", _("Out of the run"))] + [(str(n), str(n)) for n in range(1, teams + 1)]
