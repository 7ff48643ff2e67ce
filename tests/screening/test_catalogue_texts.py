"""Every question is asked in every supported language (issue 4, "Tests that must exist"): each catalogue
file, and the fixed phrases read to the person. A text missing, blank, or pasted in the wrong language fails
here, and the catalogue check refuses to publish a version with a text missing."""

from __future__ import annotations

import copy
import json
import unicodedata

import pytest

from alliance.screening.domain import languages, phrases
from alliance.screening.domain.catalogue import CATALOGUE_DIR, CatalogueError, check
from tests.screening import screening_world as world

FILES = sorted(CATALOGUE_DIR.glob("*.json"))
ARABIC_SCRIPT = {"ar", "fa", "ps"}
CYRILLIC = {"ru", "uk"}
LATIN = {"en", "fr", "es", "tr"}
ONLY_UKRAINIAN = set("іїєґІЇЄҐ")
ONLY_RUSSIAN = set("ыэъёЫЭЪЁ")
ONLY_PERSIAN = set("پچژگ")  # Persian and Pashto letters that Arabic does not use


def _read(path):
    return json.loads(path.read_text(encoding="utf-8"))


def _questions(path):
    """(where, {language: text}) for each question of a catalogue file."""
    content = _read(path)
    return [(f"{path.name} {item.get('id')}", item.get("question") or {}) for item in content["indicators"]]


def _phrases():
    return [(f"phrases.json {key}", texts) for key, texts in phrases.all_phrases().items()]


def _every_text():
    return [entry for path in FILES for entry in _questions(path)] + _phrases()


def test_the_supported_languages_are_the_nine_of_the_issue():
    assert set(languages.CODES) == {"en", "ru", "uk", "ar", "fa", "ps", "fr", "es", "tr"}
    assert len(languages.CODES) == len(set(languages.CODES))
    assert set(languages.NAMES) == set(languages.CODES) == set(languages.ISO_639_2)


def test_the_catalogue_files_are_the_shipped_ones():
    assert len(FILES) >= 4  # mixed-migration-5, ilo-ec-operational, child-specific, ilo-11


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_question_has_a_text_in_every_language(path):
    missing = [f"{where}: {code}" for where, texts in _questions(path) for code in languages.CODES
               if not isinstance(texts.get(code), str) or not texts[code].strip()]
    assert missing == [], "questions without a text: " + ", ".join(missing)
    extra = [f"{where}: {sorted(set(texts) - set(languages.CODES))}" for where, texts in _questions(path)
             if set(texts) - set(languages.CODES)]
    assert extra == []


def test_every_phrase_has_a_text_in_every_language():
    assert phrases.all_phrases(), "phrases.json is empty"
    missing = [f"{where}: {code}" for where, texts in _phrases() for code in languages.CODES
               if not isinstance(texts.get(code), str) or not texts[code].strip()]
    assert missing == [], "phrases without a text: " + ", ".join(missing)
    assert [where for where, texts in _phrases() if set(texts) - set(languages.CODES)] == []


def test_the_interview_offers_every_question_in_every_language(db):
    interview = world.load()
    for question in world.questions(interview):
        assert {code for code, text in question.text.items() if text.strip()} == set(languages.CODES), \
            question.indicator


@pytest.mark.parametrize("blank", ["remove", "blank"])
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_version_with_one_text_missing_cannot_be_published(path, blank):
    content = _read(path)
    check(copy.deepcopy(content), path.name)
    broken = copy.deepcopy(content)
    item = broken["indicators"][-1]
    language = languages.CODES[-1 if blank == "remove" else 3]
    if blank == "remove":
        del item["question"][language]
    else:
        item["question"][language] = "  \n"
    with pytest.raises(CatalogueError) as caught:
        check(broken, path.name)
    named = [p for p in caught.value.problems if item["id"] in p and language in p]
    assert named, caught.value.problems
    assert len(caught.value.problems) == 1  # only that text, nothing else reported
    # A draft in the catalogue editor may still miss it.
    assert check(copy.deepcopy(broken), path.name, complete=False)


def test_right_to_left_languages_are_exactly_arabic_farsi_and_pashto():
    assert set(languages.RIGHT_TO_LEFT) == ARABIC_SCRIPT
    assert {code: languages.direction(code) for code in languages.CODES} == {
        code: "rtl" if code in ARABIC_SCRIPT else "ltr" for code in languages.CODES}


def _scripts(text: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for char in text:
        if char.isalpha():
            script = unicodedata.name(char, "?").split(" ")[0]
            counts[script] = counts.get(script, 0) + 1
    return counts


def _expected_script(code: str) -> str:
    return "ARABIC" if code in ARABIC_SCRIPT else "CYRILLIC" if code in CYRILLIC else "LATIN"


@pytest.mark.parametrize("code", languages.CODES)
def test_each_text_is_written_in_its_languages_script(code):
    """Arabic, Farsi and Pashto in Arabic script, Russian and Ukrainian in Cyrillic, the others in Latin:
    catches a text pasted in the wrong language."""
    wrong = []
    for where, texts in _every_text():
        counts = _scripts(texts.get(code, ""))
        script = _expected_script(code)
        letters = sum(counts.values())
        if not counts.get(script) or counts[script] * 2 <= letters or any(
                counts.get(other) for other in ("ARABIC", "CYRILLIC") if other != script):
            wrong.append(f"{where}: {counts}")
    assert wrong == [], f"{code} texts not in {_expected_script(code)} script: " + "; ".join(wrong)


def test_russian_and_ukrainian_are_not_swapped():
    wrong = [f"{where} ({code})" for where, texts in _every_text() for code, letters in
             (("ru", ONLY_UKRAINIAN), ("uk", ONLY_RUSSIAN)) if set(texts.get(code, "")) & letters]
    assert wrong == [], "letters of the other language in: " + ", ".join(wrong)


def test_arabic_is_not_farsi_or_pashto():
    wrong = [where for where, texts in _every_text() if set(texts.get("ar", "")) & ONLY_PERSIAN]
    assert wrong == [], "Persian letters in Arabic texts: " + ", ".join(wrong)


def test_no_question_is_the_same_text_in_two_languages():
    """A question copied into another language's slot (English left in the French field, Farsi pasted as
    Pashto) reads the same in both. Short words (a "No" in English and Spanish) may rightly be equal."""
    same = []
    for where, texts in _every_text():
        seen: dict[str, str] = {}
        for code in languages.CODES:
            text = " ".join(texts.get(code, "").split())
            if len(text.split()) >= 3 and text in seen:
                same.append(f"{where}: {seen[text]} = {code}")
            seen.setdefault(text, code)
    assert same == [], "; ".join(same)
