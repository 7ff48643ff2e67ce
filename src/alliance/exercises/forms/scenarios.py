"""Forms of the scenario pages: type checks only; the package validator decides the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.exercises.domain.scenario_package import vocabulary as V

VERSION_HELP = _("A new version number, such as 1.1: an imported version never changes.")


class UploadForm(forms.Form):
    package = forms.FileField(label=_("Scenario package (.zip)"),
                              help_text=_("A zip of the package folder, at most 20 MB."))

    def clean_package(self):
        upload = self.cleaned_data["package"]
        if upload.size > V.MAX_TOTAL_BYTES:
            raise forms.ValidationError(_("The file is larger than 20 MB."))
        return upload


class FileEditForm(forms.Form):
    new_version = forms.CharField(label=_("Save as version"), max_length=16, help_text=VERSION_HELP)
    text = forms.CharField(label=_("The file"), widget=forms.Textarea(attrs={"rows": 30, "spellcheck": "false"}),
                           max_length=V.MAX_YAML_BYTES, strip=False)


class InjectRowForm(forms.Form):
    """One row of the MSEL table. `trigger` is written as in msel.yaml: {event: case_opened} or
    {after: inj-04, minutes: 30}."""

    id = forms.CharField(label=_("Inject"), max_length=63)
    storyline = forms.CharField(label=_("Storyline"), max_length=63)
    at = forms.CharField(label=_("Scenario time"), max_length=6, required=False)
    trigger = forms.CharField(label=_("Trigger"), max_length=200, required=False)
    channel = forms.ChoiceField(label=_("Channel"), choices=[(c, c) for c in V.CHANNELS])
    sender = forms.CharField(label=_("Sender"), max_length=63)
    recipient = forms.CharField(label=_("Recipient role"), max_length=63)
    role_player = forms.CharField(label=_("Role-player"), max_length=63, required=False)
    objectives = forms.CharField(label=_("Objectives"), max_length=300, help_text=_("Separated by commas."))
    evidence = forms.CharField(label=_("Evidence"), max_length=2000, required=False,
                               help_text=_("Paths under evidence/, separated by commas."))
    delete = forms.BooleanField(label=_("Remove"), required=False)


def add_text_fields(form: forms.Form, languages: tuple[str, ...]) -> None:
    """A subject, content and controller notes per language of the package."""
    for language in languages:
        form.fields[f"subject_{language}"] = forms.CharField(label=_("Subject (%s)") % language, max_length=300,
                                                             required=False)
        form.fields[f"content_{language}"] = forms.CharField(
            label=_("Content (%s)") % language, max_length=20_000, required=False,
            widget=forms.Textarea(attrs={"rows": 3}))
        form.fields[f"notes_{language}"] = forms.CharField(
            label=_("Controller notes (%s)") % language, max_length=20_000, required=False,
            widget=forms.Textarea(attrs={"rows": 2}))


class MselMetaForm(forms.Form):
    new_version = forms.CharField(label=_("Save as version"), max_length=16, help_text=VERSION_HELP)
