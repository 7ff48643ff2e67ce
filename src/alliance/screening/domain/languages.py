"""The languages a screening question is asked in. The interviewer reads the question in one, the person
answers it in another, shown side by side.

Nine languages are built in and required everywhere: a catalogue cannot be published without all of them.
A system administrator may add more (screening.InterviewLanguage, in the language editor): such a language
is offered to an interview once it is published (every fixed phrase translated) and every catalogue version
the interview uses carries every question in it (the version's content lists it under "languages").

The database is read only when a function is called, never at import time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# (code, name in the language itself). Farsi and Dari share the Persian script and most of the wording;
# one text serves both, as IOM's flow-monitoring forms do.
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("ru", "Русский"),
    ("uk", "Українська"),
    ("ar", "العربية"),
    ("fa", "فارسی / دری"),
    ("ps", "پښتو"),
    ("fr", "Français"),
    ("es", "Español"),
    ("tr", "Türkçe"),
)
CODES: tuple[str, ...] = tuple(code for code, _name in LANGUAGES)
NAMES: dict[str, str] = dict(LANGUAGES)
RIGHT_TO_LEFT = frozenset({"ar", "fa", "ps"})
DIRECTIONS = ("ltr", "rtl")
# An added language's code: ISO 639-1 (two letters) or ISO 639-2/3 (three), in lower case.
CODE = re.compile(r"^[a-z]{2,3}$")

# HTCDS records languages as ISO 639-2 (three letters); Farsi/Dari as Persian.
ISO_639_2 = {"en": "eng", "ru": "rus", "uk": "ukr", "ar": "ara", "fa": "fas", "ps": "pus", "fr": "fra", "es": "spa",
             "tr": "tur"}


def registered():
    """The added languages (screening.InterviewLanguage rows), by code: published or still being prepared."""
    from alliance.screening.models import InterviewLanguage

    return InterviewLanguage.objects.order_by("code")


def _row(code: str):
    if not isinstance(code, str) or code in NAMES or not CODE.match(code):
        return None
    return registered().filter(code=code).first()


def is_known(code: str) -> bool:
    """A built-in language or an added one (published or not)."""
    return isinstance(code, str) and (code in NAMES or _row(code) is not None)


def name_of(code: str) -> str:
    """The language's name in the language itself; the code when it is not known."""
    if isinstance(code, str) and code in NAMES:
        return NAMES[code]
    row = _row(code)
    return row.name if row is not None else str(code)


def direction(code: str) -> str:
    if isinstance(code, str) and code in NAMES:
        return "rtl" if code in RIGHT_TO_LEFT else "ltr"
    row = _row(code)
    return row.direction if row is not None and row.direction in DIRECTIONS else "ltr"


def iso_639_2(code: str) -> str:
    """The three-letter code HTCDS records: the built-in table, an added three-letter code as it is, and ""
    for an added two-letter code (its three-letter code is not known here)."""
    if not isinstance(code, str):
        return ""
    if code in ISO_639_2:
        return ISO_639_2[code]
    return code if re.fullmatch(r"[a-z]{3}", code) else ""


def extra_codes(content: dict) -> list[str]:
    """The added languages a catalogue version carries (its content's "languages"), as listed."""
    listed = content.get("languages") if isinstance(content, dict) else None
    return [code for code in listed if isinstance(code, str)] if isinstance(listed, list) else []


def carries(content: dict, code: str) -> bool:
    """The version lists the language and has a text in it for every question."""
    return code in extra_codes(content) and all(
        str((item.get("question") or {}).get(code, "")).strip() for item in content.get("indicators", []))


def offered(catalogues: Iterable) -> tuple[str, ...]:
    """The languages an interview made with these catalogue versions is offered in: the nine built in, then
    every published added language that every one of the versions carries complete."""
    rows = list(catalogues)
    if not rows:
        return CODES
    published = registered().filter(published_at__isnull=False).values_list("code", flat=True)
    extra = [code for code in published if code not in NAMES and all(carries(row.content, code) for row in rows)]
    return (*CODES, *extra)


def described(codes: Iterable[str]) -> list[dict]:
    """{code, name, dir} for each code, in the order given (one query for the added ones)."""
    codes = list(codes)
    added = {row.code: row for row in registered().filter(code__in=[c for c in codes if c not in NAMES])}
    found = []
    for code in codes:
        if code in NAMES:
            found.append({"code": code, "name": NAMES[code], "dir": "rtl" if code in RIGHT_TO_LEFT else "ltr"})
        elif code in added:
            found.append({"code": code, "name": added[code].name, "dir": added[code].direction})
        else:
            found.append({"code": code, "name": code, "dir": "ltr"})
    return found
