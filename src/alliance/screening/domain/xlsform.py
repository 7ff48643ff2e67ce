"""The reception interview as an XLSForm, for agencies that collect with ODK Collect or KoboToolbox.

The same questions as the web interview, from the same published catalogue versions, in every language
the interview is offered in (one label column per language: the nine built in, then each published added
language that every catalogue version carries; languages.offered), with the same skip logic: a person who
has not worked yet is not asked about conditions or destination; only a child is asked the child items.
Each indicator is one select_one (yes / no / does not know / prefers not to answer) followed, when the
answer is yes, by its source (self-reported, observed, document). Field names are
`<catalogue prefix>_<indicator id>`, e.g. op_dr_job_nature, so a submission maps back onto the screening
payload (catalogue, indicator, answer, source); the catalogue versions used travel in the `catalogues` field.
"""

from __future__ import annotations

import io
import json
import re
from functools import cache
from pathlib import Path

from django.conf import settings
from django.conf.locale import LANG_INFO
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl import Workbook

from alliance.screening.domain import languages
from alliance.screening.domain import phrases as phrase_texts
from alliance.screening.domain.interview import CHILD, OPERATIONAL, SCREEN, SOURCE_LABELS, Interview
from alliance.screening.models import Screening

FORM_ID = "alliance_reception_screening"
PHRASES = Path(__file__).resolve().parent.parent / "phrases.json"
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
    """An added language is named in English where Django knows it ("Urdu (ur)"), by its own name otherwise."""
    name = COLUMN_NAMES.get(code) or (LANG_INFO.get(code) or {}).get("name") or languages.name_of(code)
    return f"{name} ({code})"


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


def _phrase_in(key: str, fallback, codes: tuple[str, ...], added: dict[str, dict[str, str]]) -> dict[str, str]:
    """A phrase said to the person, in every language; the English phrase (or the interface's own
    wording) where a translation is missing. `added`: the phrases of the added languages, by code."""
    found = _phrases_file().get(key) or {}
    english = str(found.get("en") or "").strip() or _in("en", fallback)
    texts = {code: added[code].get(key, "") if code in added else found.get(code) for code in codes}
    return {code: str(text or "").strip() or english for code, text in texts.items()}


def _in(code: str, text) -> str:
    """An interface string in one language: the translation where the interface has one, English otherwise."""
    available = {c for c, _name in settings.LANGUAGES}
    with translation.override(code if code in available else "en"):
        return str(text)


def _every_in(text, codes: tuple[str, ...]) -> dict[str, str]:
    return {code: _in(code, text) for code in codes}


def _same(text: str, codes: tuple[str, ...]) -> dict[str, str]:
    return dict.fromkeys(codes, text)


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


def _translated(name: str, codes: tuple[str, ...]) -> list[str]:
    return [f"{name}::{column(code)}" for code in codes]


def build_xlsform(interview: Interview) -> bytes:
    codes = languages.offered(interview.catalogues)
    added = {code: phrase_texts.of_language(code) for code in codes if code not in languages.CODES}

    def _every(text) -> dict[str, str]:
        return _every_in(text, codes)

    def _phrase(key: str, fallback) -> dict[str, str]:
        return _phrase_in(key, fallback, codes, added)

    survey = _Sheet(["type", "name", *_translated("label", codes), *_translated("hint", codes), "relevant",
                     "required", "constraint", *_translated("constraint_message", codes), "calculation", "default"])
    choices = _Sheet(["list_name", "name", *_translated("label", codes)])
    _choices(choices, codes, added)

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
                       label={code: str(question.text.get(code) or "").strip() or english for code in codes},
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


def _choices(choices: _Sheet, codes: tuple[str, ...], added: dict[str, dict[str, str]]) -> None:
    for code, key in ANSWER_PHRASES.items():
        choices.add(list_name="answer", name=code, label=_phrase_in(key, ANSWER_FALLBACK[code], codes, added))
    for code in ("yes", "no"):
        choices.add(list_name="yes_no", name=code, label=_phrase_in(code, ANSWER_FALLBACK[code], codes, added))
    for code, label in SOURCE_LABELS.items():
        choices.add(list_name="source", name=code, label=_every_in(label, codes))
    for list_name, options in (("sex", Screening.Sex), ("age_group", Screening.AgeGroup),
                               ("work_type", Screening.WorkType)):
        for value, label in zip(options.values, options.labels, strict=True):
            choices.add(list_name=list_name, name=value, label=_every_in(label, codes))
    for language in languages.described(codes):
        choices.add(list_name="language", name=language["code"], label=_same(language["name"], codes))
