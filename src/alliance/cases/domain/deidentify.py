"""The de-identified residue of a case: what may outlive the person's identity.

Anonymisation keeps it for statistics (sex, age band, citizenships; the exploitation facts), and the
anonymous duty-to-notify notification is built from nothing else. Everything here is a category, a
country code or a month, never a name, a date of birth or free text (CTDC's public columns, htcds.md).
"""

from __future__ import annotations

import datetime as dt

# CTDC's broad age groups (htcds.md): lower bound of each band, and its label.
AGE_BANDS = ((0, "0-8"), (9, "9-17"), (18, "18-20"), (21, "21-23"), (24, "24-26"), (27, "27-29"),
             (30, "30-38"), (39, "39-47"), (48, "48+"))

# Keys of Person.details (cases/htcds/vocabulary.py PERSON_FIELDS) that anonymisation keeps, besides the age band it
# adds ("age_band", CTDC's broad group at detection). Languages, marital status, children, education,
# migration and protection status, vulnerabilities and contact details go.
PERSON_RESIDUE = ("sex", "gender", "citizenships")
# Keys of Case.victim_context (cases/htcds/vocabulary.py VICTIM_FIELDS) that are categories or countries, kept.
# Places, websites, the age when trafficked, perpetrators and route events (beyond their stage and
# country) go.
VICTIM_RESIDUE = ("exploitation_types", "forced_labour_industry", "sex_exploitation_types", "methods_of_control",
                  "recruitment_method", "recruitment_country", "relationship_to_trafficker", "exploitation_country")
ROUTE_RESIDUE = ("type", "country")


def age_band(age: int | None) -> str:
    if age is None or age < 0:
        return "unknown"
    label = AGE_BANDS[0][1]
    for lower, name in AGE_BANDS:
        if age >= lower:
            label = name
    return label


def age_on(born: dt.date, day: dt.date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _age_at_detection(person, case) -> int | None:
    detected = case.created_at.date()
    if person.birth_date:
        try:
            return age_on(dt.date.fromisoformat(person.birth_date), detected)
        except ValueError:
            pass
    details = person.details or {}
    value = details.get("estimated_age")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    # Already anonymised: the band is all that is left.
    band = details.get("age_band")
    return None if not isinstance(band, str) else _lower_bound(band)


def _lower_bound(band: str) -> int | None:
    for lower, name in AGE_BANDS:
        if name == band:
            return lower
    return None


def _categories(value) -> list[str]:
    """A category or a list of categories, as a sorted list of short strings; anything else is dropped."""
    values = value if isinstance(value, list) else [value]
    return sorted({v for v in values if isinstance(v, str) and 0 < len(v) <= 64})


def person_residue(person, case) -> dict:
    """What Person.details keeps after anonymisation."""
    details = person.details or {}
    kept = {key: details[key] for key in PERSON_RESIDUE if key in details and details[key] not in ("", None, [])}
    if "citizenships" in kept:
        kept["citizenships"] = _categories(kept["citizenships"])
    kept["age_band"] = age_band(_age_at_detection(person, case))
    return kept


def victim_residue(victim_context: dict | None) -> dict:
    """What Case.victim_context keeps after anonymisation: categories and countries only."""
    context = victim_context or {}
    kept = {key: context[key] for key in VICTIM_RESIDUE if context.get(key) not in (None, "", [])}
    route = [{key: event[key] for key in ROUTE_RESIDUE if key in event}
             for event in context.get("route_events") or [] if isinstance(event, dict) and "type" in event]
    if route:
        kept["route_events"] = route
    return kept


def anonymous_notification(case) -> dict:
    """The duty-to-notify payload: anonymous fields only (nrm.md; the MS1 form asks for no more)."""
    person = person_residue(case.person, case)
    context = case.victim_context or {}
    country = context.get("exploitation_country")
    return {
        "sex": person.get("sex", "Unknown"),
        "age_band": person["age_band"],
        "citizenships": person.get("citizenships", []),
        "exploitation_types": _categories(context.get("exploitation_types", [])),
        "country_of_exploitation": country if isinstance(country, str) and len(country) == 2 else None,
        "detected_month": case.created_at.strftime("%Y-%m"),
        "profile": case.country,
    }
