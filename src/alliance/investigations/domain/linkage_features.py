"""The columns Splink compares, derived from each person record before any pair is formed.

The cross-script work happens here, once per record, so that the pairwise comparisons Splink runs in SQL are
plain equality and string-distance tests on Latin keys: a Cyrillic, an Arabic and a Latin rendering of one name
reduce to the same spelling keys (names.spelling_key) or, for Arabic written without vowels, to the same
consonant skeleton (names.consonants). Names are keyed as an unordered set of parts, because agencies write
surname-first and given-first alike and no rule tells which part is the surname in every record.
Pure functions, no Django.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass

from .matching import PersonRecord
from .names import consonants, name_parts
from .transliteration import has_arabic, latin_forms

__all__ = ["COLUMNS", "LinkageRecord", "document_key", "linkage_columns", "name_columns", "phone_key"]

# The Latin form a non-Latin name is keyed under. One form, not all of them, so that each record has one key:
# ICAO 9303 is what passports print for Cyrillic, and ICU is the only scheme that renders Arabic script.
_KEY_SCHEMES = ("icao_9303", "icu", "latin", "ascii")
# Letters that look alike in Cyrillic and Latin, as passport series are typed on either keyboard (АВ/AB).
_HOMOGLYPHS = str.maketrans("АВЕКМНОРСТУХІ", "ABEKMHOPCTYXI")
_NOT_ALNUM = re.compile(r"[^0-9A-Z]")

COLUMNS = ("unique_id", "name_key", "skeleton_key", "name_first", "name_last", "skeleton_first",
           "skeleton_last", "birth_date", "birth_year", "birth_month_day", "birth_swapped", "birth_day_number",
           "country", "phone", "document")


@dataclass(frozen=True)
class LinkageRecord:
    record_id: str
    person: PersonRecord
    phone: str | None = None
    document_number: str | None = None


@functools.lru_cache(maxsize=1 << 16)
def _latin_word(word: str) -> str:
    # Every scheme renders a name word by word, so a name is keyed from its words' renderings: a million
    # records hold a few hundred thousand distinct names but only some thousands of distinct words.
    forms = latin_forms(word)
    return next((forms[s] for s in _KEY_SCHEMES if forms.get(s)), "")


@functools.lru_cache(maxsize=1 << 16)
def _skeleton(part: str) -> str:
    return consonants(part)


@functools.lru_cache(maxsize=1 << 18)
def name_columns(name: str) -> tuple[str | None, str | None, str | None, str | None, str | None, str | None]:
    """(name key, skeleton key, first and last spelling key, first and last skeleton) of a written name.

    Keys are sorted, so "PETRENKO DMYTRO" and "Дмитро Петренко" give the same columns; first and last are the
    alphabetically first and last part, which block and compare part by part whatever the written order.
    """
    words = name.split()
    folded = " ".join(w for w in (_latin_word(word) for word in words) if w)
    if not folded:
        return None, None, None, None, None, None
    upper_first = len(words) > 1 and words[0].isupper() and not words[-1].isupper()
    parts = name_parts(folded, has_arabic(name), upper_first)
    keys = sorted(k for k in parts.keys if k)
    # Skeletons come from the folded parts, as names.consonants expects, not from the spelling keys.
    skeletons = sorted(s for s in (_skeleton(p) for p in parts.parts) if s)
    if not keys:
        return None, None, None, None, None, None
    return (" ".join(keys), " ".join(skeletons) or None, keys[0], keys[-1],
            skeletons[0] if skeletons else None, skeletons[-1] if skeletons else None)


def phone_key(phone: str | None) -> str | None:
    """E.164 digits with the plus; a number written with 00 for the international prefix is the same number."""
    if not phone:
        return None
    digits = "".join(c for c in phone if c.isdigit())
    if phone.strip().startswith("00") and not phone.strip().startswith("+"):
        digits = digits[2:]
    return f"+{digits}" if len(digits) >= 7 else None


def document_key(number: str | None) -> str | None:
    if not number:
        return None
    key = _NOT_ALNUM.sub("", number.upper().translate(_HOMOGLYPHS))
    return key or None


def _birth(value: str | None) -> tuple[str | None, int | None, str | None, str | None, int | None]:
    if not value:
        return None, None, None, None, None
    try:
        date = dt.date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None, None, None, None, None
    # Day and month read the other way round only produce another valid date when the day is 12 or less.
    swapped = f"{date.year:04d}-{date.day:02d}-{date.month:02d}" if date.day <= 12 else None
    return (date.isoformat(), date.year, f"{date.month:02d}-{date.day:02d}", swapped, date.toordinal())


def linkage_columns(record: LinkageRecord) -> tuple:
    """One row of COLUMNS for a record."""
    person = record.person
    country = (person.country or "").strip().upper() or None
    return (record.record_id, *name_columns(person.name.strip()), *_birth(person.birth_date), country,
            phone_key(record.phone), document_key(record.document_number))
