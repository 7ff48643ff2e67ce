"""A person's name rendered into Latin the ways the agencies holding fragments about them would render it.

A Russian-language raid report, a Ukrainian work permit, a passport's machine-readable zone and a bank's
file each romanise the same Cyrillic name under a different official scheme; ICU covers Arabic and the
other scripts. Pure functions, no Django.
"""

from __future__ import annotations

import functools
import unicodedata

import iuliia
from anyascii import anyascii
from iuliia.schema import TranslitSchema

# iuliia 0.13 ships no Ukrainian or Kazakh scheme, so the two national tables are written out here (they are
# official tables, not code): the Cabinet of Ministers of Ukraine resolution 55 of 2010, used on Ukrainian
# passports, and the Kazakh Latin alphabet of 2021. A letter a table lacks (a Russian ы in a Ukrainian
# scheme) is left to the ASCII fold below.
UKRAINIAN_2010 = TranslitSchema(
    name="ukrainian_2010",
    mapping={"а": "a", "б": "b", "в": "v", "г": "h", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
             "и": "y", "і": "i", "ї": "i", "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p",
             "р": "r", "с": "s", "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh",
             "щ": "shch", "ь": "", "ю": "iu", "я": "ia", "'": "", "’": "", "ы": "y", "э": "e", "ё": "io", "ъ": ""},
    # At the start of a word є, ї, й, ю, я are written ye, yi, y, yu, ya; зг is zgh so that it is not read zh.
    prev_mapping={"є": "ye", "ї": "yi", "й": "y", "ю": "yu", "я": "ya", "зг": "gh"},
)
KAZAKH_2021 = TranslitSchema(
    name="kazakh_2021",
    mapping={"а": "a", "ә": "ä", "б": "b", "в": "v", "г": "g", "ғ": "ğ", "д": "d", "е": "e", "ё": "io", "ж": "j",
             "з": "z", "и": "i", "й": "i", "к": "k", "қ": "q", "л": "l", "м": "m", "н": "n", "ң": "ñ", "о": "o",
             "ө": "ö", "п": "p", "р": "r", "с": "s", "т": "t", "у": "u", "ұ": "ū", "ү": "ü", "ф": "f", "х": "h",
             "һ": "h", "ц": "ts", "ч": "ç", "ш": "ş", "щ": "şş", "ъ": "", "ы": "y", "і": "ı", "ь": "", "э": "e",
             "ю": "iu", "я": "ia"},
)

# The iuliia names of the schemes each agency uses, under the names this app reports.
_IULIIA_SCHEMES = {
    "icao_9303": iuliia.ICAO_DOC_9303,  # passports' machine-readable zone, since 2013 also Russian passports
    "bgn_pcgn": iuliia.BGN_PCGN,  # English-language maps, banks and many Western registries
    "gost_7_79": iuliia.GOST_779,  # library and Russian official system A, with diacritics
}
SCHEME_LABELS = {
    "latin": "Latin spelling",
    "icao_9303": "ICAO 9303",
    "bgn_pcgn": "BGN/PCGN",
    "gost_7_79": "GOST 7.79",
    "ukrainian_2010": "Ukrainian national (2010)",
    "kazakh_2021": "Kazakh Latin (2021)",
    "icu": "ICU",
    "ascii": "plain ASCII",
}

# Letters whose plain removal of the accent would lose a sound the other schemes write with two letters.
# The same letters in Czech, Baltic and Belarusian Latin spellings stand for the same sounds.
_DIGRAPH_FOLDS = str.maketrans({"š": "sh", "ş": "sh", "č": "ch", "ç": "ch", "ž": "zh", "ä": "a", "ı": "i",
                                "ß": "ss", "æ": "ae", "ø": "o", "đ": "d", "ł": "l"})
# GOST 7.79 system A writes щ, ю, я as single accented letters; only in its output do they mean those sounds.
_GOST_FOLDS = str.maketrans({"ŝ": "shch", "û": "yu", "â": "ya", "Ŝ": "Shch", "Û": "Yu", "Â": "Ya"})
# Apostrophes, soft and hard signs, ICU's modifier marks (the ˌ in Kˌ for қ) and BGN/PCGN's separating middle
# dot (Kay·yrov) belong to the word they stand in.
_SILENT_CATEGORIES = {"Lm", "Sk", "Mn", "Pf", "Pi"}


def fold_latin(text: str) -> str:
    """Lower case, the two-letter sounds kept, other accents dropped; anything not a letter becomes a space."""
    text = unicodedata.normalize("NFC", text).casefold().translate(_DIGRAPH_FOLDS)
    text = "".join(c for c in unicodedata.normalize("NFKD", text)
                   if unicodedata.category(c) not in _SILENT_CATEGORIES and c not in "'`·")
    return " ".join("".join(c if "a" <= c <= "z" else " " for c in anyascii(text)).split())


@functools.cache
def _icu_transliterator():
    # Building the transliterator parses ICU's rule set, which costs milliseconds; every name reuses one.
    import icu

    return icu.Transliterator.createInstance("Any-Latin; Latin-ASCII")


def is_latin(text: str) -> bool:
    # Latin letters, with their accented forms, all lie below U+0250 (the IPA block).
    return all(c < "\u0250" or not c.isalpha() for c in text)


def has_cyrillic(text: str) -> bool:
    return any("\u0400" <= c <= "\u052f" for c in text)


def has_arabic(text: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" or "\u0750" <= c <= "\u077f" for c in text)


def _arabic_for_icu(text: str) -> str:
    # ICU would write the article ال glued to the name ("alrashid") and the feminine ة as a t or h; the
    # article is a particle dropped later, and ة is the unwritten-vowel ending Latin spellings write as -a.
    words = []
    for word in text.split():
        if word.startswith("ال") and len(word) > 4:  # not الله itself
            word = word[2:]
        words.append(word.replace("ة", "ا").replace("ـ", ""))
    return " ".join(words)


@functools.lru_cache(maxsize=1 << 17)
def _word_in(scheme: str, word: str) -> str:
    # Names are made of few distinct words: each is transliterated once per scheme.
    schema = _IULIIA_SCHEMES.get(scheme) or {"ukrainian_2010": UKRAINIAN_2010, "kazakh_2021": KAZAKH_2021}[scheme]
    return fold_latin(schema.translate(word).translate(_GOST_FOLDS))


@functools.lru_cache(maxsize=1 << 16)
def latin_forms(name: str) -> dict[str, str]:
    """The name in Latin under each scheme that applies to its script, folded to plain lower-case letters.

    A Latin name passes through folded, under the key "latin". Cyrillic gets the iuliia schemes, the
    Ukrainian and Kazakh national ones, ICU and anyascii; any other script ICU and anyascii.
    """
    name = unicodedata.normalize("NFC", name).strip()
    if is_latin(name):
        return {"latin": fold_latin(name)}
    forms: dict[str, str] = {}
    if has_cyrillic(name):
        words = name.split()
        for key in (*_IULIIA_SCHEMES, "ukrainian_2010", "kazakh_2021"):
            forms[key] = " ".join(_word_in(key, word) for word in words)
    source = _arabic_for_icu(name) if has_arabic(name) else name
    forms["icu"] = fold_latin(_icu_transliterator().transliterate(source))
    forms["ascii"] = fold_latin(anyascii(source))
    return forms
