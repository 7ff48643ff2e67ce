"""Forms of the case file. They shape the input; the services decide what is allowed (cases/services/casefile)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.cases.htcds.vocabulary import SupportType
from alliance.cases.models import Note, SupportService, Task
from alliance.cases.selectors.casefile import assignable_members
from alliance.cases.services.casefile.notes import BODY_MAX
from alliance.cases.services.casefile.support import (
    ACTION_PLAN_MAX,
    DESCRIPTION_MAX,
    OBJECTIVES_MAX,
    PROVIDER_NAME_MAX,
)
from alliance.cases.services.casefile.tasks import TITLE_MAX
from alliance.directory.forms import RealmOrganisationsMixin
from alliance.directory.models import Organisation

DATE = {"type": "date"}


class TaskForm(forms.Form):
    title = forms.CharField(label=_("Task"), max_length=TITLE_MAX)
    due_on = forms.DateField(label=_("Due on"), required=False, widget=forms.DateInput(attrs=DATE))
    assignee = forms.TypedChoiceField(label=_("Assigned to"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, actor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [("", "—")] + [(u.pk, str(u)) for u in assignable_members(actor=actor)]


class TaskEditForm(TaskForm):
    status = forms.ChoiceField(label=_("Status"), choices=[(Task.Status.OPEN, Task.Status.OPEN.label),
                                                           (Task.Status.CANCELLED, Task.Status.CANCELLED.label)])


class NoteForm(forms.Form):
    body = forms.CharField(label=_("Note"), max_length=BODY_MAX, widget=forms.Textarea(attrs={"rows": 4}))
    sensitivity = forms.ChoiceField(label=_("Who may read it"), choices=Note.Sensitivity.choices)


class DocumentForm(forms.Form):
    file = forms.FileField(label=_("File"), allow_empty_file=True)
    title = forms.CharField(label=_("Title (the file name if left empty)"), max_length=200, required=False)
    sensitivity = forms.ChoiceField(label=_("Who may read it"), choices=Note.Sensitivity.choices)


class SupportPlanForm(forms.Form):
    objectives = forms.CharField(label=_("Objectives"), required=False, max_length=OBJECTIVES_MAX,
                                 widget=forms.Textarea(attrs={"rows": 3}))
    action_plan = forms.CharField(label=_("Action plan"), required=False, max_length=ACTION_PLAN_MAX,
                                  widget=forms.Textarea(attrs={"rows": 4}))
    support_types = forms.MultipleChoiceField(label=_("Types of support"), required=False,
                                              choices=SupportType.choices, widget=forms.CheckboxSelectMultiple)
    planned_end_on = forms.DateField(label=_("Planned end"), required=False, widget=forms.DateInput(attrs=DATE))
    actual_end_on = forms.DateField(label=_("Actual end"), required=False, widget=forms.DateInput(attrs=DATE))


class SupportServiceForm(RealmOrganisationsMixin, forms.Form):
    support_type = forms.ChoiceField(label=_("Type of support"), choices=SupportType.choices)
    provider = forms.ModelChoiceField(label=_("Provider on the platform"), required=False,
                                      queryset=Organisation.objects.order_by("name"))
    provider_name = forms.CharField(label=_("Or a provider outside the platform"), required=False,
                                    max_length=PROVIDER_NAME_MAX)
    description = forms.CharField(label=_("Description"), required=False, max_length=DESCRIPTION_MAX,
                                  widget=forms.Textarea(attrs={"rows": 2}))
    status = forms.ChoiceField(label=_("Status"), choices=SupportService.Status.choices)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=forms.DateInput(attrs=DATE))


class SupportServiceStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=SupportService.Status.choices)
    starts_on = forms.DateField(label=_("Starts on"), required=False, widget=forms.DateInput(attrs=DATE))
    ends_on = forms.DateField(label=_("Ends on"), required=False, widget=forms.DateInput(attrs=DATE))
