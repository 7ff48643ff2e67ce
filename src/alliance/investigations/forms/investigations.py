"""The investigation pages' forms. Type checks only; the services validate."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.investigations.models import InvestigationMember, PairJudgement, Source


class InvestigationForm(forms.Form):
    title = forms.CharField(label=_("Working title"), max_length=200,
                            help_text=_("An operation name, never a person's name: titles appear in lists."))
    purpose = forms.CharField(label=_("Purpose"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300,
                                  help_text=_("The law under which your agency processes this data."))


class SourceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of source"), choices=Source.Kind.choices)
    reference = forms.CharField(label=_("Document reference"), max_length=200)
    document_date = forms.DateField(label=_("Document date"), required=False,
                                    widget=forms.DateInput(attrs={"type": "date"}))
    legal_basis = forms.CharField(label=_("Legal basis"), max_length=300)


class FtmImportForm(forms.Form):
    source = forms.TypedChoiceField(label=_("Source"), coerce=int)
    file = forms.FileField(label=_("FollowTheMoney file (JSON lines or a JSON array)"))

    def __init__(self, *args, sources=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s.pk, f"{s.get_kind_display()} — {s.reference}") for s in sources]


class XrefForm(forms.Form):
    legal_basis = forms.CharField(label=_("Legal basis for this consultation"), max_length=300)
    purpose = forms.CharField(label=_("Purpose"), max_length=500)


class MemberForm(forms.Form):
    email = forms.EmailField(label=_("Colleague's e-mail"))
    role = forms.ChoiceField(label=_("Role on the team"), choices=InvestigationMember.Role.choices,
                             initial=InvestigationMember.Role.MEMBER)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approve", _("Disclose")), ("refuse", _("Refuse"))])
    note = forms.CharField(label=_("Note to the requester"), max_length=500, required=False)


class TableImportForm(forms.Form):
    source = forms.TypedChoiceField(label=_("Source"), coerce=int)
    file = forms.FileField(label=_("Spreadsheet (CSV or XLSX)"))
    preset = forms.ChoiceField(label=_("Column mapping"), required=False)
    mapping = forms.CharField(label=_("Or write the mapping (FollowTheMoney mapping YAML)"), required=False,
                              max_length=50_000, widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}))
    save_as = forms.CharField(label=_("Save this mapping for my agency as"), required=False, max_length=100)

    def __init__(self, *args, sources=(), mappings=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [(s.pk, f"{s.get_kind_display()} — {s.reference}") for s in sources]
        self.fields["preset"].choices = [("", _("The preset for the source's kind")), *mappings]


class JudgementForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Is it the same?"), choices=PairJudgement.Verdict.choices)
    note = forms.CharField(label=_("Why"), max_length=500, required=False)
