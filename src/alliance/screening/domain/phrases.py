"""The fixed phrases read to the person: phrases.json in the nine built-in languages, and the phrases of
each added language (screening.InterviewLanguage, filled in by a system administrator)."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from alliance.screening.domain import languages

PHRASES_FILE = Path(__file__).resolve().parent.parent / "phrases.json"


@cache
def all_phrases() -> dict[str, dict[str, str]]:
    """phrases.json: {key: {built-in language: text}}."""
    return json.loads(PHRASES_FILE.read_text(encoding="utf-8"))


def phrase_keys() -> tuple[str, ...]:
    """The phrase keys an added language must translate, in the order of phrases.json."""
    return tuple(all_phrases())


def of_language(language: str) -> dict[str, str]:
    """{key: text} in one added language ({} for a built-in or an unknown one); blank where not yet
    translated."""
    if language in languages.NAMES:
        return {}
    row = languages.registered().filter(code=language).only("phrases").first() if isinstance(language, str) else None
    found = row.phrases if row is not None and isinstance(row.phrases, dict) else {}
    return {key: str(found.get(key) or "").strip() for key in phrase_keys()}


def text(key: str, language: str) -> str:
    """The phrase in the language; English where it has none."""
    entry = all_phrases().get(key, {})
    if language not in languages.NAMES:
        return of_language(language).get(key) or entry.get("en", "")
    return entry.get(language) or entry.get("en", "")
