"""The edit form of the HTCDS details: one field per key of the two documents (built from their specs, so
a new key appears without touching this), and a few rows for the route and the perpetrators. The
form only shapes the input; cases/htcds/vocabulary.py validates it."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from alliance.cases.htcds import vocabulary as htcds
from alliance.core.countries import COUNTRY_CHOICES
from alliance.core.forms import LongSelect

BLANK = [("", "—")]
GROUPS = {"route_events": ("event", htcds.ROUTE_EVENT_FIELDS, htcds.MAX_ROUTE_EVENTS),
          "perpetrators": ("perpetrator", htcds.PERPETRATOR_FIELDS, htcds.MAX_PERPETRATORS)}


def _field(spec: htcds.Spec) -> forms.Field:
    label = spec.label
    if spec.kind == htcds.CHOICE:
        return forms.ChoiceField(label=label, required=False, choices=BLANK + list(spec.vocabulary.choices))
    if spec.kind == htcds.CHOICES:
        return forms.MultipleChoiceField(label=label, required=False, choices=spec.vocabulary.choices,
                                         widget=forms.CheckboxSelectMultiple)
    if spec.kind == htcds.COUNTRY:
        return forms.ChoiceField(label=label, required=False, choices=BLANK + COUNTRY_CHOICES, widget=LongSelect)
    if spec.kind == htcds.COUNTRIES:
        return forms.MultipleChoiceField(label=label, required=False, choices=COUNTRY_CHOICES,
                                         widget=forms.SelectMultiple(attrs={"size": 6}))
    if spec.kind == htcds.INT:
        return forms.IntegerField(label=label, required=False, min_value=0, max_value=spec.maximum)
    if spec.kind == htcds.DATE:
        return forms.DateField(label=label, required=False, widget=forms.DateInput(attrs={"type": "date"}))
    if spec.kind == htcds.TEXTS:
        return forms.CharField(label=label, required=False, help_text=_("One per line."),
                               widget=forms.Textarea(attrs={"rows": 3}))
    if spec.kind == htcds.LANGUAGE:
        return forms.CharField(label=label, required=False, max_length=3,
                               help_text=_("ISO 639-2 code of three letters, such as ara or rus."))
    if spec.kind == htcds.EMAIL:
        return forms.CharField(label=label, required=False, max_length=spec.max_length, widget=forms.EmailInput)
    widget = forms.Textarea(attrs={"rows": 3}) if spec.kind == htcds.TEXT and spec.max_length > 200 else None
    return forms.CharField(label=label, required=False, max_length=spec.max_length, widget=widget)


class DetailsForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), max_length=200)
    middle_name = forms.CharField(label=_("Middle name"), max_length=200, required=False)
    family_name = forms.CharField(label=_("Family name"), max_length=200)
    identity_number = forms.CharField(label=_("Identity or document number"), max_length=64, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False,
                                 widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for spec in htcds.PERSON_FIELDS:
            self.fields[f"d_{spec.key}"] = _field(spec)
        for spec in htcds.VICTIM_FIELDS:
            if spec.kind != htcds.RECORDS:
                self.fields[f"v_{spec.key}"] = _field(spec)
        for prefix, parts, rows in GROUPS.values():
            for row in range(rows):
                for spec in parts:
                    self.fields[f"{prefix}{row}_{spec.key}"] = _field(spec)

    # --- for the template -------------------------------------------------------------------------
    def section(self, prefix: str) -> list:
        return [self[name] for name in self.fields if name.startswith(prefix)]

    def names(self) -> list:
        return [self[name] for name in ("given_name", "middle_name", "family_name", "identity_number",
                                        "birth_date")]

    def person(self) -> list:
        return self.section("d_")

    def victim(self) -> list:
        return self.section("v_")

    def route_rows(self) -> list[list]:
        return self._rows("route_events")

    def perpetrator_rows(self) -> list[list]:
        return self._rows("perpetrators")

    def _rows(self, group: str) -> list[list]:
        prefix, parts, rows = GROUPS[group]
        return [[self[f"{prefix}{row}_{spec.key}"] for spec in parts] for row in range(rows)]

    # --- between the form and the documents --------------------------------------------------------
    @staticmethod
    def initial_from(names: dict, details: dict, victim_context: dict) -> dict:
        initial = {k: v for k, v in names.items() if v}
        initial.update({f"d_{k}": v for k, v in details.items()})
        for key, value in victim_context.items():
            if key in GROUPS:
                prefix = GROUPS[key][0]
                for row, record in enumerate(value):
                    initial.update({f"{prefix}{row}_{k}": v for k, v in record.items()})
            elif key == "recruitment_websites":
                initial[f"v_{key}"] = "\n".join(value)
            else:
                initial[f"v_{key}"] = value
        return initial

    def documents(self) -> tuple[dict, dict, dict, dict[str, list[int]]]:
        """names, person details, victim context, and for each group the form rows its entries came from
        (blank rows are left out, so entry 0 may be row 2)."""
        data = self.cleaned_data
        names = {f: data[f].isoformat() if f == "birth_date" and data[f] else (data[f] or "")
                 for f in ("given_name", "middle_name", "family_name", "identity_number", "birth_date")}
        details = {spec.key: _value(spec, data[f"d_{spec.key}"]) for spec in htcds.PERSON_FIELDS}
        context = {spec.key: _value(spec, data[f"v_{spec.key}"]) for spec in htcds.VICTIM_FIELDS
                   if spec.kind != htcds.RECORDS}
        origins: dict[str, list[int]] = {}
        for group, (prefix, parts, rows) in GROUPS.items():
            entries, origins[group] = [], []
            for row in range(rows):
                entry = {s.key: _value(s, data[f"{prefix}{row}_{s.key}"]) for s in parts}
                entry = {k: v for k, v in entry.items() if v not in (None, "", [])}
                if entry:
                    entries.append(entry)
                    origins[group].append(row)
            context[group] = entries
        return (names, {k: v for k, v in details.items() if v not in (None, "", [])},
                {k: v for k, v in context.items() if v not in (None, "", [])}, origins)

    @staticmethod
    def field_of(path: str, origins: dict[str, list[int]]) -> str:
        """The form field a service error path belongs to ("victim_context.route_events.0.date" ->
        "event2_date" when entry 0 came from row 2)."""
        section, _dot, rest = path.partition(".")
        parts = rest.split(".")
        if section == "details":
            return f"d_{parts[0]}"
        if section == "victim_context" and parts[0] in GROUPS and len(parts) >= 3 and parts[1].isdigit():
            index = int(parts[1])
            rows = origins.get(parts[0], [])
            if index < len(rows):
                return f"{GROUPS[parts[0]][0]}{rows[index]}_{parts[2]}"
        if section == "victim_context":
            return f"v_{parts[0]}"
        return path


def _value(spec: htcds.Spec, value):
    if spec.kind == htcds.TEXTS:
        return [line.strip() for line in (value or "").splitlines() if line.strip()]
    if spec.kind == htcds.DATE and value:
        return value.isoformat()
    return value
