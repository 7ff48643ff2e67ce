"""The languages a screening question is asked in. The interviewer reads the question in one, the person
answers it in another, shown side by side; a catalogue cannot be published without all of them."""

from __future__ import annotations

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


def direction(code: str) -> str:
    return "rtl" if code in RIGHT_TO_LEFT else "ltr"

# HTCDS records languages as ISO 639-2 (three letters); Farsi/Dari as Persian.
ISO_639_2 = {"en": "eng", "ru": "rus", "uk": "ukr", "ar": "ara", "fa": "fas", "ps": "pus", "fr": "fra", "es": "spa",
             "tr": "tur"}
