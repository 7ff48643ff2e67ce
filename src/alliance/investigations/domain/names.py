"""Whether two renderings of a person's name are the same name, with a score in [0, 1] and the reason in words.

Each name is rendered into Latin under every scheme that applies (see transliteration.py), split into name
parts, patronymics and Arabic particles set aside, and each part reduced to a spelling key in which the
usual variants of one sound coincide (kh/h, ya/ia/ja, -iy/-y/-ii/-i...). Two names are compared as sets of
parts, so that "PETRENKO DMITRII" and "Dmitriy Petrenko" line up; the best pairing of the parts over every
pair of Latin forms gives the score. Pure functions, no Django.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass

from rapidfuzz.distance import JaroWinkler, Levenshtein

from .transliteration import SCHEME_LABELS, has_arabic, latin_forms

__all__ = ["NameComparison", "NameParts", "compare_names", "latin_forms", "name_parts", "spelling_key"]

# Endings of Russian, Ukrainian and Belarusian patronymics in any common romanisation, and the Kazakh
# son-of/daughter-of words, written as a separate word or joined to the father's name.
_PATRONYMIC = re.compile(r"(ovich|evich|ovych|evych|ovitch|ovic|evic|ovna|evna|ivna|yivna|iivna|ichna|ychna|"
                         r"inichna|uly|ulu|uli|kyzy|qyzy|kizi|gyzy)$")
_PATRONYMIC_WORDS = {"uly", "ulu", "uli", "kyzy", "qyzy", "kizi", "ogly", "oglu", "gyzy"}
_SURNAME_ENDING = re.compile(r"(enko|ov|ova|ev|eva|yov|yova|in|ina|yn|yna|sky|ski|skii|skiy|ska|skaya|uk|chuk|yan|"
                             r"ian|ko|shvili|dze|ly|bekov|bayev|baev)$")
# Arabic particles and honorifics that one agency writes and another leaves out.
_PARTICLES = {"al", "el", "ul", "abu", "abou", "ould"}
# Son of, daughter of: the word after them is the father's name, the Arabic counterpart of a patronymic.
_FILIATION = {"bin", "ibn", "bint", "ben", "bn", "bnt", "ebn", "binti"}
# Abd al-Rahman, Abdul Rahman, Abdulrahman: one name however it is split (ICU writes عبد as "bd").
_JOINED_PREFIXES = {"abd", "abdel", "abdul", "abdal", "abdol", "bd"}
# One name, many spellings: written out where the ending rules below would not bring them together.
_SAME_NAME = {"mohammed": "muhamad", "muhammad": "muhamad", "mohamed": "muhamad", "mohammad": "muhamad",
              "muhammed": "muhamad", "mohamad": "muhamad", "mahomed": "muhamad", "mehmet": "muhamad",
              "mhmd": "muhamad"}
# Rewrites applied in order to a folded name part, so that the spellings of one sound meet.
_SPELLING_RULES = [
    (re.compile(r"shch|shh|sch"), "$"), (re.compile(r"zh"), "Z"), (re.compile(r"kh|x(?=[aeiouy])|h+"), "h"),
    (re.compile(r"ch|tch"), "C"), (re.compile(r"sh"), "S"), (re.compile(r"ts|tz|cz"), "c"),
    (re.compile(r"x"), "ks"), (re.compile(r"ph"), "f"), (re.compile(r"q|ck"), "k"), (re.compile(r"w"), "v"),
    (re.compile(r"ou|oo"), "u"), (re.compile(r"ee"), "i"), (re.compile(r"(iy|yi|ii|ij|y|j)$"), "i"),
    (re.compile(r"(?<=[aeiou])[jy](?=[aeiou])"), "i"), (re.compile(r"^[ij](?=[aeiou])"), "y"),
    (re.compile(r"[ij](?=[aou])"), "y"), (re.compile(r"^ye|^ie|(?<=[aeiou])ye"), "e"), (re.compile(r"j"), "y"),
    # Ukrainian writes Г as h where Russian has g (Olha/Olga, Serhiy/Sergey): the key keeps one of them.
    (re.compile(r"h"), "g"),
    # Ukrainian romanisation writes и as y where the Russian schemes write i (Khymych/Khimich, Larysa/Larisa).
    (re.compile(r"y"), "i"), (re.compile(r"(.)\1+"), r"\1"),
]
# A Slavic surname's masculine and feminine forms are a brother and a sister, not one person misspelt.
_GENDERED = re.compile(r"(ov|ev|in|yn|ski|cki|skii)$")
_FEMININE = {"ov": "ova", "ev": "eva", "in": "ina", "yn": "yna", "ski": "skaya", "cki": "ckaya", "skii": "skaya"}


@functools.lru_cache(maxsize=1 << 17)
def spelling_key(part: str) -> str:
    """A folded name part reduced so that the common romanisations of one sound write it alike."""
    if part in _SAME_NAME:
        return _SAME_NAME[part]
    for pattern, replacement in _SPELLING_RULES:
        part = pattern.sub(replacement, part)
    return _SAME_NAME.get(part, part)


def consonants(part: str) -> str:
    # Arabic script leaves short vowels unwritten, so محمد becomes "mhmd": only the consonants can be compared.
    # Taken from the folded part, not the key: ICU's "zhra" for زهراء is z and h, not zh.
    # French and Egyptian spellings write ش as ch and ج as g (Aicha, Naggar); Arabic has no other g or ch.
    part = part.replace("kh", "h").replace("gh", "G").replace("ch", "sh").replace("g", "j").replace("q", "k")
    return re.sub(r"(.)\1+", r"\1", re.sub(r"[aeiouywv]", "", part))


def _gender_pair(a: str, b: str) -> bool:
    short, long_ = sorted((a, b), key=len)
    match = _GENDERED.search(short)
    if match is None:
        return False
    stem = short[:match.start()]
    return long_ in (stem + _FEMININE[match.group(1)], short + "a")


@dataclass(frozen=True)
class NameParts:
    parts: tuple[str, ...]  # folded name parts in the order written, patronymic and particles removed
    keys: tuple[str, ...]  # their spelling keys
    patronymic: str | None  # the patronymic's spelling key, when one was written
    surname_index: int  # which part is most likely the surname, for the explanation only
    consonantal: bool  # written in a script without vowels (Arabic): compare consonants


@functools.lru_cache(maxsize=1 << 17)
def name_parts(folded: str, consonantal: bool = False, upper_first: bool = False) -> NameParts:
    words = [w for w in folded.split() if w not in _PARTICLES] or folded.split()
    for i in range(len(words) - 2, -1, -1):
        if words[i] in _JOINED_PREFIXES:
            words[i:i + 2] = [words[i] + words[i + 1]]
    patronymic = None
    for i, word in enumerate(words[:-1]):
        if word in _FILIATION and len(words) - 2 >= 1:
            patronymic = spelling_key(words[i + 1])
            del words[i:i + 2]
            surname = 0 if upper_first else len(words) - 1
            return NameParts(tuple(words), tuple(spelling_key(w) for w in words), patronymic, surname, consonantal)
    # A surname too can end in -ovich (Belarusian, Serbian): only a third word is taken for a patronymic.
    if len(words) >= 3:
        for i in range(len(words) - 1, 0, -1):
            if words[i] in _PATRONYMIC_WORDS and i >= 2:
                patronymic = spelling_key(words[i - 1]) + words[i]
                del words[i - 1:i + 1]
                break
            if _PATRONYMIC.search(words[i]):
                patronymic = spelling_key(words[i])
                given = i - 1
                del words[i]
                # Russian documents write Surname Given Patronymic; the given name precedes the patronymic.
                surname = 0 if given > 0 else len(words) - 1
                return NameParts(tuple(words), tuple(spelling_key(w) for w in words), patronymic,
                                 min(surname, len(words) - 1), consonantal)
    # A passport's machine-readable zone and many forms write the surname first in capitals; otherwise a part
    # with a Slavic surname ending is the surname, or failing that the last part.
    looks_like = [i for i, w in enumerate(words) if _SURNAME_ENDING.search(w)]
    surname = 0 if upper_first else looks_like[0] if len(looks_like) == 1 else len(words) - 1
    return NameParts(tuple(words), tuple(spelling_key(w) for w in words), patronymic, surname, consonantal)


@functools.lru_cache(maxsize=1 << 18)
def part_similarity(a: str, b: str, consonantal: bool, raw_a: str = "", raw_b: str = "") -> float:
    """Similarity in [0, 1] of two spelling keys; consonantal when one side came from Arabic script."""
    if a == b:
        return 1.0
    if _gender_pair(a, b):
        return 0.5
    score = JaroWinkler.normalized_similarity(a, b)
    # The article written joined to an Arabic family name (Alhassan, Elmasry) against one written apart.
    if (a.startswith(("al", "el")) and a[2:] == b) or (b.startswith(("al", "el")) and b[2:] == a):
        score = max(score, 0.97)
    if consonantal:
        # A Latin spelling may keep the article joined (Altamimi) where the Arabic side has had it removed.
        ca, cb = (consonants(re.sub(r"^(al|el)(?=..)", "", raw or key)) for raw, key in ((raw_a, a), (raw_b, b)))
        score = max(score, 0.97 if ca == cb and ca else 0.95 * JaroWinkler.normalized_similarity(ca, cb))
    return score


@dataclass(frozen=True)
class NameComparison:
    score: float  # in [0, 1]; 1 when the names agree part for part under some scheme
    scheme: str | None  # the transliteration under which they agree best ("icao_9303"...); None when both Latin
    reason: str  # plain words


@dataclass(frozen=True)
class _Alignment:
    score: float
    pairs: tuple[tuple[int, int, float], ...]  # (part in a, part in b, similarity)
    reversed_order: bool


def _align(a: NameParts, b: NameParts) -> _Alignment:
    consonantal = a.consonantal or b.consonantal
    short, long_, swapped = (a, b, False) if len(a.keys) <= len(b.keys) else (b, a, True)
    best = _Alignment(-1.0, (), False)
    for chosen in itertools.permutations(range(len(long_.keys)), len(short.keys)):
        sims = [part_similarity(short.keys[i], long_.keys[j], consonantal, short.parts[i], long_.parts[j])
                for i, j in enumerate(chosen)]
        # The weakest pairing counts most: two names sharing a surname but not a given name are two people.
        score = 0.6 * min(sims) + 0.4 * sum(sims) / len(sims) if sims else 0.0
        if score > best.score + 1e-9:
            pairs = sorted((j, i, s) if swapped else (i, j, s) for i, (j, s) in enumerate(zip(chosen, sims,
                                                                                               strict=True)))
            order = [j for _, j, _ in pairs]
            best = _Alignment(score, tuple(pairs), order != sorted(order))
    return best


def _score(a: NameParts, b: NameParts) -> tuple[float, _Alignment, list[str]]:
    notes: list[str] = []
    if not a.keys or not b.keys:
        return 0.0, _Alignment(0.0, (), False), ["a name is empty"]
    alignment = _align(a, b)
    score = alignment.score
    missing = abs(len(a.keys) - len(b.keys))
    if missing:
        # "Petrenko" against "Dmytro Petrenko": consistent with the same person, but many people share it.
        score *= 0.62 if min(len(a.keys), len(b.keys)) == 1 else 0.85
    if a.patronymic and b.patronymic:
        patronymic = part_similarity(a.patronymic, b.patronymic, a.consonantal or b.consonantal)
        if patronymic < 0.85:
            score *= 0.7
            notes.append("patronymics differ")
    elif a.patronymic or b.patronymic:
        score *= 0.995
        notes.append("patronymic left out")
    return min(1.0, max(0.0, score)), alignment, notes


def _explain(a: NameParts, b: NameParts, score: float, alignment: _Alignment, scheme: str | None,
             notes: list[str]) -> str:
    words: list[str] = []
    exact = all(s == 1.0 for _, _, s in alignment.pairs)
    if exact and len(a.keys) == len(b.keys):
        if scheme is not None:
            words.append(f"names match under {SCHEME_LABELS.get(scheme, scheme)} transliteration")
        else:
            words.append("names are identical" if a.parts == b.parts else "names match, spelt differently")
    else:
        for i, j, similarity in alignment.pairs:
            role = "name" if len(a.keys) == 1 else "surname" if i == a.surname_index else "given name"
            first, second = a.parts[i], b.parts[j]
            if similarity == 1.0:
                words.append(f"{role} matches" if first == second else f"{role} matches ({first}/{second})")
            elif Levenshtein.distance(first, second) == 1:
                words.append(f"{role} differs by one letter ({first}/{second})")
            elif similarity >= 0.85:
                words.append(f"{role} spelt differently ({first}/{second})")
            else:
                words.append(f"{role} differs ({first}/{second})")
        if len(a.keys) != len(b.keys):
            words.append("only part of the name appears in both")
    if alignment.reversed_order:
        words.append("names in reversed order")
    return ", ".join(words + notes)


@functools.lru_cache(maxsize=1 << 16)
def _parsed(name: str) -> tuple[tuple[tuple[str, NameParts], ...], tuple[tuple[str, NameParts], ...]]:
    """Each Latin form of a name as parts with the scheme that produced it: all of them, and the distinct ones."""
    consonantal = has_arabic(name)
    words = name.split()
    upper_first = len(words) > 1 and words[0].isupper() and not words[-1].isupper()
    upper_first = upper_first or (name.isupper() and len(words) == 2)
    every = tuple((scheme, name_parts(folded, consonantal, upper_first))
                  for scheme, folded in latin_forms(name).items())
    distinct: dict[tuple[str, ...], tuple[str, NameParts]] = {}
    for scheme, parts in every:
        distinct.setdefault((*parts.keys, parts.patronymic or ""), (scheme, parts))
    return every, tuple(distinct.values())


def compare_names(a: str, b: str) -> NameComparison:
    """How likely two written names are the same person's name, from the names alone."""
    if a > b:  # symmetric by construction: always compared in one order
        return compare_names(b, a)
    if " ".join(a.split()).casefold() == " ".join(b.split()).casefold() and a.strip():
        # Even a name in a script no scheme renders is the same name as itself.
        return NameComparison(1.0, None, "names are identical")
    (every_a, distinct_a), (every_b, distinct_b) = _parsed(a), _parsed(b)
    if [s for s, _ in every_a] == [s for s, _ in every_b]:
        # Two names in one script: the same scheme on both sides renders them alike; the cross product would
        # only add the risk of two different names meeting halfway.
        candidates = list(zip(every_a, every_b, strict=True))
    else:
        candidates = [(fa, fb) for fa in distinct_a for fb in distinct_b]
    best: tuple[float, str | None, NameParts, NameParts, _Alignment, list[str]] | None = None
    for (scheme_a, parts_a), (scheme_b, parts_b) in candidates:
        score, alignment, notes = _score(parts_a, parts_b)
        if best is None or score > best[0] + 1e-9:
            scheme = scheme_a if scheme_a != "latin" else scheme_b
            best = (score, None if scheme == "latin" else scheme, parts_a, parts_b, alignment, notes)
            if score >= 1.0:
                break
    assert best is not None
    score, scheme, parts_a, parts_b, alignment, notes = best
    return NameComparison(round(score, 6), scheme, _explain(parts_a, parts_b, score, alignment, scheme, notes))
