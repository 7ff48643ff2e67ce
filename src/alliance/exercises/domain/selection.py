"""Eligibility, scoring and selection of applicants for one call: plain values in, decisions and reasons out.

No database, no request. The service (services/selection.py) builds `Candidate`s from the applicants and
`Rules` from the call, and stores what `select` returns.

Selection, in two passes over the eligible candidates ordered by score (ties by the stable key):
1. minimums first (at least N of a profession; at least a share of the places for a gender), each filled
   with the best-scored candidates of its group that break no maximum, as far as the pool and the places
   allow;
2. the remaining places in score order, skipping whoever would break a maximum (per country, per
   profession).
Every eligible candidate not selected goes on the waiting list in score order. Every reason is written from
the decision itself, so it cannot say anything the decision did not do.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _

SELECTED, WAITING, REFUSED = "selected", "waiting", "refused"
CRITERION_KINDS = ("years", "nomination", "languages", "rating")
YEARS_FOR_FULL_MARKS = 10


# --- Eligibility -------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class CallRules:
    profiles: frozenset[str]
    min_years: int
    nomination_required: bool
    language: str  # of instruction


def eligibility_problems(*, profession: str, years: int, nominated: bool, languages: list[str],
                         rules: CallRules, profession_label=str) -> list[str]:
    """Why the applicant is not eligible; an empty list means eligible."""
    problems = []
    if rules.profiles and profession not in rules.profiles:
        problems.append(_("the profession %(profession)s is not among the call's profiles")
                        % {"profession": profession_label(profession)})
    if years < rules.min_years:
        problems.append(_("%(years)s years of experience, the call asks %(min)s") % {"years": years,
                                                                                   "min": rules.min_years})
    if rules.nomination_required and not nominated:
        problems.append(_("no nomination by a national authority, the call requires one"))
    if rules.language not in languages:
        problems.append(_("does not speak the language of instruction (%(language)s)") % {"language": rules.language})
    return problems


# --- Scoring -----------------------------------------------------------------------------------------------
def criterion_value(*, kind: str, code: str, years: int, nominated: bool, languages: list[str],
                    language: str, ratings: dict) -> Decimal:
    """One criterion on a 0-10 scale."""
    if kind == "years":
        return Decimal(min(years, YEARS_FOR_FULL_MARKS) * 10) / YEARS_FOR_FULL_MARKS
    if kind == "nomination":
        return Decimal(10 if nominated else 0)
    if kind == "languages":
        # The language of instruction counts once; each further language adds, up to full marks at four.
        return Decimal(min(len(set(languages)), 4) * 10) / 4
    rating = ratings.get(code)
    return Decimal(str(rating)) if isinstance(rating, int | float) and 0 <= rating <= 10 else Decimal(0)


def weighted_score(*, criteria: list[dict], years: int, nominated: bool, languages: list[str], language: str,
                   ratings: dict) -> Decimal:
    """The weighted mean of the criteria, 0-10, two decimals."""
    total_weight = sum(Decimal(str(c["weight"])) for c in criteria)
    if not total_weight:
        return Decimal("0.00")
    total = sum(Decimal(str(c["weight"])) * criterion_value(kind=c["kind"], code=c["code"], years=years,
                                                            nominated=nominated, languages=languages,
                                                            language=language, ratings=ratings)
                for c in criteria)
    return (total / total_weight).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def criteria_problems(criteria: object) -> list[str]:
    """What is wrong with a call's criteria as stored (JSON from a form or the API)."""
    if not isinstance(criteria, list):
        return [_("The criteria must be a list.")]
    problems, codes = [], set()
    for number, item in enumerate(criteria, 1):
        if not isinstance(item, dict) or not isinstance(item.get("code"), str) or not item.get("code"):
            problems.append(_("Criterion %(n)s has no code.") % {"n": number})
            continue
        if item["code"] in codes:
            problems.append(_("Criterion %(n)s repeats the code %(code)s.") % {"n": number, "code": item["code"]})
        codes.add(item["code"])
        if item.get("kind") not in CRITERION_KINDS:
            problems.append(_("Criterion %(n)s has an unknown kind.") % {"n": number})
        weight = item.get("weight")
        if isinstance(weight, bool) or not isinstance(weight, int | float) or not 0 < weight <= 100:
            problems.append(_("Criterion %(n)s needs a weight above 0 and at most 100.") % {"n": number})
    return problems


# --- Selection ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Candidate:
    key: int  # stable: the applicant's id
    score: Decimal
    country: str
    profession: str
    gender: str
    refusal: tuple[str, ...] = ()  # eligibility problems; non-empty means refused


@dataclass(frozen=True)
class Rules:
    capacity: int
    max_per_country: int | None = None
    min_per_profession: dict[str, int] = field(default_factory=dict)
    max_per_profession: dict[str, int] = field(default_factory=dict)
    min_share_gender: dict[str, float] = field(default_factory=dict)  # gender -> share of the places, 0..1


@dataclass(frozen=True)
class Decision:
    outcome: str
    rank: int | None  # place among the selected, or position on the waiting list
    reason: str
    minimum: str | None = None  # the minimum a selection was made for, if any
    blocked_by: str | None = None  # the maximum that kept a waiting candidate out, if any


def quota_problems(quotas: object, *, capacity: int) -> list[str]:
    """What is wrong with a call's quotas as stored."""
    if not isinstance(quotas, dict):
        return [_("The quotas must be an object.")]
    problems = []
    unknown = set(quotas) - {"max_per_country", "min_per_profession", "max_per_profession", "min_share_gender"}
    if unknown:
        problems.append(_("Unknown quota: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    country = quotas.get("max_per_country")
    if country is not None and (isinstance(country, bool) or not isinstance(country, int) or country < 1):
        problems.append(_("The maximum per country must be a whole number of at least 1."))
    for name in ("min_per_profession", "max_per_profession"):
        table = quotas.get(name, {})
        if not isinstance(table, dict) or any(isinstance(v, bool) or not isinstance(v, int) or v < 0
                                              for v in table.values()):
            problems.append(_("%(name)s must map professions to whole numbers.") % {"name": name})
    shares = quotas.get("min_share_gender", {})
    if not isinstance(shares, dict) or any(isinstance(v, bool) or not isinstance(v, int | float) or not 0 <= v <= 1
                                           for v in shares.values()):
        problems.append(_("min_share_gender must map genders to shares between 0 and 1."))
    elif sum(shares.values()) > 1:
        problems.append(_("The minimum shares of the genders add up to more than all places."))
    if capacity < 1:
        problems.append(_("The capacity must be at least 1."))
    return problems


def rules_from(capacity: int, quotas: dict) -> Rules:
    return Rules(capacity=capacity, max_per_country=quotas.get("max_per_country"),
                 min_per_profession=dict(quotas.get("min_per_profession", {})),
                 max_per_profession=dict(quotas.get("max_per_profession", {})),
                 min_share_gender=dict(quotas.get("min_share_gender", {})))


def _order(candidate: Candidate):
    return (-candidate.score, candidate.key)


def _blocking_maximum(candidate: Candidate, countries: Counter, professions: Counter, rules: Rules) -> str | None:
    if rules.max_per_country is not None and countries[candidate.country] >= rules.max_per_country:
        return _("the quota of %(n)s for country %(country)s is full") % {"n": rules.max_per_country,
                                                                          "country": candidate.country}
    limit = rules.max_per_profession.get(candidate.profession)
    if limit is not None and professions[candidate.profession] >= limit:
        return _("the quota of %(n)s for profession %(profession)s is full") % {
            "n": limit, "profession": candidate.profession}
    return None


def _minimums(rules: Rules) -> list[tuple[str, str, int, str]]:
    """(attribute, value, count, description), in a fixed order: professions, then genders."""
    minimums = [("profession", code, n, _("the minimum of %(n)s for profession %(code)s") % {"n": n, "code": code})
                for code, n in sorted(rules.min_per_profession.items()) if n > 0]
    for gender, share in sorted(rules.min_share_gender.items()):
        n = math.ceil(share * rules.capacity - 1e-9)
        if n > 0:
            minimums.append(("gender", gender, n, _("the minimum share of %(pct)s%% for gender %(gender)s")
                             % {"pct": round(share * 100), "gender": gender}))
    return minimums


def select(candidates: list[Candidate], rules: Rules) -> dict[int, Decision]:
    """Decide every candidate. Deterministic: the same candidates and rules give the same decisions."""
    decisions: dict[int, Decision] = {}
    eligible = sorted((c for c in candidates if not c.refusal), key=_order)
    chosen: dict[int, str | None] = {}  # key -> the minimum it was chosen for
    countries: Counter = Counter()
    professions: Counter = Counter()
    genders: Counter = Counter()

    def take(candidate: Candidate, minimum: str | None) -> None:
        chosen[candidate.key] = minimum
        countries[candidate.country] += 1
        professions[candidate.profession] += 1
        genders[candidate.gender] += 1

    for attribute, value, count, description in _minimums(rules):
        held = professions if attribute == "profession" else genders
        for candidate in eligible:
            if held[value] >= count or len(chosen) >= rules.capacity:
                break
            if (candidate.key in chosen or getattr(candidate, attribute) != value
                    or _blocking_maximum(candidate, countries, professions, rules)):
                continue
            take(candidate, description)

    blocked: dict[int, str] = {}
    for candidate in eligible:
        if candidate.key in chosen:
            continue
        if len(chosen) >= rules.capacity:
            break
        reason = _blocking_maximum(candidate, countries, professions, rules)
        if reason:
            blocked[candidate.key] = reason
            continue
        take(candidate, None)

    rank = position = 0
    for candidate in eligible:
        if candidate.key in chosen:
            rank += 1
            minimum = chosen[candidate.key]
            text = _("selected: rank %(rank)s by score %(score)s") % {"rank": rank, "score": candidate.score}
            if minimum:
                text += _(", on %(minimum)s") % {"minimum": minimum}
            decisions[candidate.key] = Decision(SELECTED, rank, text, minimum=minimum)
        else:
            position += 1
            # A candidate passed over while places were left was kept out by a maximum; one reached after the
            # places ran out may still be kept out by one now, which is the more useful thing to say.
            why = blocked.get(candidate.key) or _blocking_maximum(candidate, countries, professions, rules)
            text = _("waiting list position %(position)s: ") % {"position": position}
            text += why or (_("all %(capacity)s places are taken by higher scores or quota places")
                            % {"capacity": rules.capacity})
            decisions[candidate.key] = Decision(WAITING, position, text, blocked_by=why)
    for candidate in candidates:
        if candidate.refusal:
            decisions[candidate.key] = Decision(REFUSED, None, _("refused: %(why)s") % {
                "why": "; ".join(candidate.refusal)})
    return decisions
