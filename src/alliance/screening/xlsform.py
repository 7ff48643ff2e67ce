"""The reception interview as an XLSForm, for agencies that collect with ODK Collect or KoboToolbox.

The same questions as the web interview, from the same published catalogue versions, in every supported
language (one label column per language), with the same skip logic: a person who has not worked yet is not
asked about conditions or destination; only a child is asked the child items. Each indicator is one
select_one (yes / no / does not know / prefers not to answer) followed, when the answer is yes, by its
source (self-reported, observed, document). Field names are `<catalogue prefix>_<indicator id>`, e.g.
op_dr_job_nature, so a submission maps back onto the screening payload (catalogue, indicator, answer,
source); the catalogue versions used travel in the `catalogues` field.
"""

from __future__ import annotations

import io
import json
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from alliance.screening import languages
from alliance.screening.interview import CHILD, OPERATIONAL, SCREEN, SOURCE_LABELS, Interview
from alliance.screening.models import Screening

FORM_ID = "alliance_reception_screening"
PHRASES = Path(__file__).resolve().parent / "phrases.json"
# The column suffix XLSForm expects: "English (en)". Farsi and Dari share one text (languages.py).
COLUMN_NAMES = {"en": "English", "ru": "Russian", "uk": "Ukrainian", "ar": "Arabic", "fa": "Persian",
                "ps": "Pashto", "fr": "French", "es": "Spanish", "tr": "Turkish"}
PREFIXES = {SCREEN: "mm", OPERATIONAL: "op", CHILD: "ch"}
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
REFERENCE = re.compile(r"\$\{([^}]*)\}")

# Skip logic, as interview.section_shown applies it.
SHOWN_WHEN = {"always": "", "worked": "${work_type} != 'none'", "child": "${is_child} = 'yes'"}
SECTION_TITLES = {"screen": _("Short screen"), "recruitment": _("Recruitment and travel"),
                  "conditions": _("Conditions of work"), "destination": _("Control at destination"),
                  "child": _("Child")}
# Answer codes of the screening payload -> phrases.json key (the person hears these words).
ANSWER_PHRASES = {"yes": "yes", "no": "no", "unknown": "dont_know", "declined": "prefer_not"}
ANSWER_FALLBACK = {"yes": _("Yes"), "no": _("No"), "unknown": _("Does not know"),
                   "declined": _("Prefers not to answer")}


def column(code: str) -> str:
    return f"{COLUMN_NAMES.get(code, languages.NAMES.get(code, code))} ({code})"


def field_name(catalogue_code: str, indicator: str) -> str:
    prefix = PREFIXES.get(catalogue_code) or re.sub(r"[^a-z]", "", catalogue_code.lower())[:4] or "c"
    rest = re.sub(r"[^A-Za-z0-9]+", "_", indicator).strip("_").lower()
    return f"{prefix}_{rest}" if rest else prefix


@cache
def _phrases_file() -> dict:
    try:
        data = json.loads(PHRASES.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _phrase(key: str, fallback) -> dict[str, str]:
    """A phrase said to the person, in every language; the English phrase (or the interface's own
    wording) where a translation is missing."""
    found = _phrases_file().get(key) or {}
    english = str(found.get("en") or "").strip() or _in("en", fallback)
    return {code: str(found.get(code) or "").strip() or english for code in languages.CODES}


def _in(code: str, text) -> str:
    """An interface string in one language: the translation where the interface has one, English otherwise."""
    available = {c for c, _name in settings.LANGUAGES}
    with translation.override(code if code in available else "en"):
        return str(text)


def _every(text) -> dict[str, str]:
    return {code: _in(code, text) for code in languages.CODES}


def _same(text: str) -> dict[str, str]:
    return dict.fromkeys(languages.CODES, text)


class _Sheet:
    def __init__(self, columns: list[str]):
        self.columns = columns
        self.rows: list[dict] = []

    def add(self, **cells) -> None:
        row = {}
        for key, value in cells.items():
            if isinstance(value, dict):  # per-language texts
                row.update({f"{key}::{column(code)}": text for code, text in value.items()})
            elif value not in (None, ""):
                row[key] = value
        self.rows.append(row)

    def write(self, sheet) -> None:
        sheet.append(self.columns)
        for row in self.rows:
            sheet.append([row.get(name, "") for name in self.columns])
        # Every cell is text: openpyxl would make a formula of a text that starts with "=", and a catalogue
        # text comes from an editor's form (a quote prefix would show in ODK's labels, so the type is set).
        for cells in sheet.iter_rows(min_row=1):
            for cell in cells:
                if isinstance(cell.value, str):
                    cell.data_type = "s"


def _translated(name: str) -> list[str]:
    return [f"{name}::{column(code)}" for code in languages.CODES]


def build_xlsform(interview: Interview) -> bytes:
    survey = _Sheet(["type", "name", *_translated("label"), *_translated("hint"), "relevant", "required",
                     "constraint", *_translated("constraint_message"), "calculation", "default"])
    choices = _Sheet(["list_name", "name", *_translated("label")])
    _choices(choices)

    used = " ".join(f"{c.code}:{c.version}" for c in interview.catalogues)
    survey.add(type="start", name="started_at")
    survey.add(type="end", name="finished_at")
    survey.add(type="calculate", name="catalogues", calculation=f"'{used}'")
    survey.add(type="note", name="intro", label=_phrase("intro", _("Explain why you ask, that any question can "
                                                                  "be skipped and that answers are confidential.")))
    survey.add(type="select_one language", name="interviewee_language", required="yes",
               label=_every(_("Language of the person interviewed")))
    survey.add(type="select_one yes_no", name="interpreter", required="yes",
               label=_every(_("Is an interpreter present?")))
    survey.add(type="select_one yes_no", name="urgent", required="yes",
               label=_phrase("urgent", _("Is the person, or anyone travelling with them, in danger right now?")),
               hint=_every(_("If yes: stop the interview and refer now.")))
    survey.add(type="select_one sex", name="sex", required="yes", label=_every(_("Sex")))
    survey.add(type="integer", name="age", label=_phrase("age", _("Age")),
               hint=_every(_("In whole years; leave empty when not known.")),
               constraint=". >= 0 and . <= 120",
               constraint_message=_every(_("Give the age in whole years between 0 and 120.")))
    survey.add(type="select_one age_group", name="age_group", required="yes", relevant="${age} = ''",
               label=_every(_("Age group")))
    survey.add(type="select_one yes_no", name="is_child", required="yes",
               label=_every(_("Is the person a child (under 18)? When in doubt, answer yes.")),
               constraint="not(. = 'no' and ((${age} != '' and ${age} < 18) or ${age_group} = '0-11' "
                          "or ${age_group} = '12-17'))",
               constraint_message=_every(_("Under 18 by the age given: record the person as a child.")))
    survey.add(type="text", name="citizenship", label=_every(_("Citizenship")),
               hint=_every(_("Two-letter country code (ISO 3166), e.g. AF; leave empty when not known.")),
               constraint="regex(., '^[A-Z]{2}$')",
               constraint_message=_every(_("Give a two-letter country code in capitals.")))
    survey.add(type="select_one work_type", name="work_type", required="yes",
               label=_phrase("work", _("Type of work")),
               hint=_every(_("Record the type of work: none yet (in transit), labour, sexual exploitation, "
                             "or both when not sure.")))

    observe_hint = _every(_("Observe; do not ask the person."))
    source_label = _every(_("Source of this indicator"))
    for section in interview.sections:
        survey.add(type="begin_group", name=section.key, relevant=SHOWN_WHEN.get(section.shown_when, ""),
                   label=_every(SECTION_TITLES.get(section.key, section.title)))
        for question in section.questions:
            name = field_name(question.catalogue, question.indicator)
            english = str(question.text.get("en") or question.label)
            survey.add(type="select_one answer", name=name,
                       label={code: str(question.text.get(code) or "").strip() or english
                              for code in languages.CODES},
                       hint=observe_hint if question.observe else None)
            survey.add(type="select_one source", name=f"{name}_source", label=source_label,
                       relevant=f"${{{name}}} = 'yes'",
                       default="observed" if question.observe else "self_reported")
        survey.add(type="end_group")
    survey.add(type="note", name="closing",
               label=_phrase("closing", _("Thank the person and explain what happens next.")))

    settings_sheet = _Sheet(["form_title", "form_id", "version", "default_language"])
    settings_sheet.rows.append({
        "form_title": "Alliance: screening at reception", "form_id": FORM_ID,
        "version": "-".join(c.version for c in interview.catalogues), "default_language": column("en"),
    })

    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    survey.write(sheet)
    choices.write(book.create_sheet("choices"))
    settings_sheet.write(book.create_sheet("settings"))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _choices(choices: _Sheet) -> None:
    for code, key in ANSWER_PHRASES.items():
        choices.add(list_name="answer", name=code, label=_phrase(key, ANSWER_FALLBACK[code]))
    for code in ("yes", "no"):
        choices.add(list_name="yes_no", name=code, label=_phrase(code, ANSWER_FALLBACK[code]))
    for code, label in SOURCE_LABELS.items():
        choices.add(list_name="source", name=code, label=_every(label))
    for list_name, options in (("sex", Screening.Sex), ("age_group", Screening.AgeGroup),
                               ("work_type", Screening.WorkType)):
        for value, label in zip(options.values, options.labels, strict=True):
            choices.add(list_name=list_name, name=value, label=_every(label))
    for code, name in languages.LANGUAGES:
        choices.add(list_name="language", name=code, label=_same(name))
