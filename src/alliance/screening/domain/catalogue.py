"""Indicator catalogues as versioned data: the files in screening/catalogues/, checked and loaded.

A catalogue is refused whole, with every problem named, when an indicator id repeats, a dimension, list or
rating is unknown, a child list carries a weak rating (the ILO/EC children's lists have none), or a method
of control is not one of HTCDS's 17. Loading is idempotent; a file that changes a loaded version is refused
(publish a new version instead), so an old screening is never re-explained with different indicators.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction
from django.utils import timezone

from alliance.cases.htcds.vocabulary import MethodOfControl
from alliance.screening.domain import languages, rules
from alliance.screening.models import Catalogue

CATALOGUE_DIR = Path(__file__).resolve().parent.parent / "catalogues"
KINDS = ("operational", "checklist")
# "languages": the added interview languages (screening/domain/languages.py) this version carries, beyond the nine.
_TOP = {"code", "version", "title", "source", "kind", "indicators", "lists", "child_only", "languages"}
FORMULA_STARTS = frozenset("=+-@\t\r")
_INDICATOR = {"id", "label", "methods_of_control", "dimension", "ratings", "question", "observe"}


class CatalogueError(ValueError):
    def __init__(self, name: str, problems: list[str]):
        self.problems = problems
        super().__init__(f"{name}: " + "; ".join(problems))


def check(content: dict, name: str = "catalogue", *, complete: bool = True) -> dict:
    """`complete`: every question in every built-in language and in every added language the version lists
    under "languages" (a published version); a draft in the editor may still miss some."""
    problems: list[str] = []
    if not isinstance(content, dict):
        raise CatalogueError(name, ["not a JSON object"])
    problems += [f"unknown key {k!r}" for k in sorted(set(content) - _TOP)]
    extra = content.get("languages", [])
    if not isinstance(extra, list) or not all(
            isinstance(code, str) and languages.CODE.match(code) and code not in languages.CODES for code in extra):
        problems.append("languages: a list of added language codes (2-3 lowercase letters, none of "
                        f"{', '.join(languages.CODES)})")
        extra = []
    elif len(set(extra)) != len(extra):
        problems.append("languages: a language is listed twice")
    codes = (*languages.CODES, *extra)
    for key in ("code", "version", "title", "kind"):
        if not isinstance(content.get(key), str) or not content.get(key):
            problems.append(f"{key} is required")
    kind = content.get("kind")
    if kind not in KINDS:
        problems.append(f"kind must be one of {', '.join(KINDS)}")
    lists = content.get("lists", [])
    if kind == "operational" and (not lists or set(lists) - set(rules.LISTS)):
        problems.append(f"lists must be some of {', '.join(rules.LISTS)}")
    indicators = content.get("indicators")
    if not isinstance(indicators, list) or not indicators:
        problems.append("indicators: at least one")
        indicators = []
    seen: set[str] = set()
    methods = set(MethodOfControl.values)
    for n, item in enumerate(indicators, start=1):
        where = f"indicator {n}"
        if not isinstance(item, dict):
            problems.append(f"{where}: not an object")
            continue
        problems += [f"{where}: unknown key {k!r}" for k in sorted(set(item) - _INDICATOR)]
        ident = item.get("id")
        if not isinstance(ident, str) or not ident:
            problems.append(f"{where}: id is required")
        elif ident in seen:
            problems.append(f"{where}: id {ident!r} repeats")
        else:
            seen.add(ident)
        if not isinstance(item.get("label"), str) or not item.get("label"):
            problems.append(f"{where}: label is required")
        bad = sorted(set(item.get("methods_of_control", [])) - methods)
        if bad:
            problems.append(f"{where}: unknown HTCDS method(s) of control {bad}")
        if kind == "operational":
            problems += _check_rated(item, where, lists)
        if "observe" in item and not isinstance(item["observe"], bool):
            problems.append(f"{where}: observe is true or false")
        question = item.get("question", {})
        if not isinstance(question, dict) or set(question) - set(codes) or not all(
                isinstance(text, str) for text in question.values()):
            problems.append(f"{where}: question is an object of texts keyed by {', '.join(codes)}")
        else:
            # A spreadsheet (the XLSForm export) would read these as formulas.
            problems += [f"{where}: the {code} text may not start with {text.strip()[:1]!r}"
                         for code, text in question.items() if text.strip()[:1] in FORMULA_STARTS]
    if complete and not problems:
        problems += [f"indicator {ident!r}: no question text in {code}" for ident, code in missing_texts(content)]
    if problems:
        raise CatalogueError(name, problems)
    return content


def _check_rated(item: dict, where: str, lists: list[str]) -> list[str]:
    problems = []
    if item.get("dimension") not in rules.DIMENSIONS:
        problems.append(f"{where}: unknown dimension {item.get('dimension')!r}")
    ratings = item.get("ratings")
    if not isinstance(ratings, dict) or set(ratings) != set(lists):
        return [*problems, f"{where}: a rating for each list ({', '.join(lists)})"]
    for list_name, rating in ratings.items():
        if rating not in rules.RATINGS:
            problems.append(f"{where}: unknown rating {rating!r} for {list_name}")
        elif rating == rules.WEAK and list_name in rules.CHILD_LISTS:
            problems.append(f"{where}: the children's lists have no weak tier ({list_name})")
    return problems


def required_languages(content: dict) -> tuple[str, ...]:
    """The nine built-in languages, then the added ones the version lists."""
    return (*languages.CODES, *(code for code in languages.extra_codes(content) if code not in languages.CODES))


def missing_texts(content: dict) -> list[tuple[str, str]]:
    """(indicator id, language) for each question text that is missing or blank, in every built-in language
    and every added language the version carries."""
    codes = required_languages(content)
    return [(item.get("id"), code) for item in content.get("indicators", []) for code in codes
            if not str((item.get("question") or {}).get(code, "")).strip()]


def fingerprint(content: dict) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass(frozen=True)
class LoadResult:
    loaded: list[str]
    unchanged: list[str]


def load_catalogues(directory: Path = CATALOGUE_DIR) -> LoadResult:
    """Check every file first, then load the new versions in one transaction: all or nothing."""
    checked = []
    for path in sorted(directory.glob("*.json")):
        try:
            content = json.loads(path.read_text(encoding="utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise CatalogueError(path.name, [f"not valid UTF-8 JSON ({exc.__class__.__name__})"]) from None
        checked.append((path.name, check(content, path.name)))
    loaded, unchanged = [], []
    with transaction.atomic():
        for name, content in checked:
            label = f"{content['code']} {content['version']}"
            digest = fingerprint(content)
            existing = Catalogue.objects.filter(code=content["code"], version=content["version"]).first()
            if existing is not None:
                if existing.sha256 != digest:
                    raise CatalogueError(name, [f"{label} is already loaded with other content: "
                                                "publish it as a new version"])
                unchanged.append(label)
                continue
            Catalogue.objects.create(code=content["code"], version=content["version"], title=content["title"],
                                     kind=content["kind"], content=content, sha256=digest,
                                     published_at=timezone.now())
            loaded.append(label)
    return LoadResult(loaded, unchanged)


def current(code: str) -> Catalogue | None:
    """The newest published version of a catalogue that is not retired."""
    return (Catalogue.objects.filter(code=code, published_at__isnull=False, retired_at__isnull=True)
            .order_by("-published_at", "-id").first())
