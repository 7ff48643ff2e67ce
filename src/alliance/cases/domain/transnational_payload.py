"""What a transnational referral carries: one explicit field set, read from a case and checked on arrival.

A consent with purpose "transnational" names a country, not fields, so the fields it covers are fixed
here, once, and documented in docs/transnational-packages.md ("What travels"). The set is what a
receiving agency needs to take the person on: who they are (names, birth date or estimated age, sex or
gender, citizenships, languages), where the case stands (NRM stage, trafficking status, child), what
happened (types of exploitation) and what support they need. Identity numbers, contact details,
addresses, free-text summaries, notes, documents, decisions' reasons and perpetrators never travel.

The payload is the inner, encrypted JSON of a sealed package (core/sealed_package.py). The package
metadata, which is readable without decrypting, names the fields that are present and never a value.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from alliance.cases.htcds import vocabulary as htcds
from alliance.cases.models import Case, Consent, SupportPlan

PAYLOAD_FORMAT = "alliance-transnational-referral/1"

# Person columns, then Person.details keys (cases/htcds/vocabulary.py), then case columns, victim context, support.
PERSON_COLUMNS = ("given_name", "middle_name", "family_name", "birth_date")
PERSON_DETAILS = ("sex", "gender", "estimated_age", "age_basis", "citizenships", "primary_language",
                  "secondary_language")
CASE_COLUMNS = ("is_child", "nrm_stage", "trafficking_status")
VICTIM_CONTEXT = ("exploitation_types",)
SUPPORT = ("support_types",)
# Not about the person: the sender's case number (to correspond about the referral) and what the
# transfer rests on (the consent's date, language and country, or the legal basis stated without one).
ENVELOPE = ("reference", "consent", "legal_basis")

CASE_DATA_FIELDS = PERSON_COLUMNS + PERSON_DETAILS + CASE_COLUMNS + VICTIM_CONTEXT + SUPPORT
TRANSNATIONAL_FIELDS = CASE_DATA_FIELDS + ENVELOPE

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_COUNTRY = re.compile(r"[A-Z]{2}\Z")
_LANGUAGE = re.compile(r"[a-z]{2,3}\Z")
_CODE = re.compile(r"[a-z0-9_]{1,64}\Z")
MAX_TEXT = 200
MAX_PAYLOAD = 64 * 1024


@dataclass(frozen=True)
class Referral:
    """A checked payload: `fields` holds exactly the names the metadata listed, with valid values."""

    fields: dict[str, Any]

    @property
    def names(self) -> list[str]:
        return sorted(self.fields)

    def get(self, name: str, default: Any = None) -> Any:
        return self.fields.get(name, default)


def _present(value: Any) -> bool:
    return value not in (None, "", [], {})


def read_case(case: Case, *, consent: Consent | None, legal_basis: str) -> Referral:
    """The field set's values for one case; empty fields are left out, so the metadata lists only what
    actually travels."""
    person = case.person
    details = person.details if isinstance(person.details, dict) else {}
    context = case.victim_context if isinstance(case.victim_context, dict) else {}
    values: dict[str, Any] = {name: getattr(person, name) for name in PERSON_COLUMNS}
    values |= {name: details.get(name) for name in PERSON_DETAILS}
    values |= {"is_child": case.is_child, "nrm_stage": case.nrm_stage,
               "trafficking_status": case.trafficking_status}
    values["exploitation_types"] = context.get("exploitation_types")
    plan = SupportPlan.objects.filter(case=case).first()
    values["support_types"] = list(plan.support_types) if plan is not None and plan.support_types else None
    values["reference"] = case.number
    if consent is not None:
        values["consent"] = {"country": consent.country, "given_on": consent.given_on.isoformat(),
                             "language": consent.language, "interpreter": consent.interpreter}
    else:
        values["legal_basis"] = legal_basis
    fields = {name: value for name, value in values.items() if _present(value) or name == "is_child"}
    return Referral(fields=check_fields(fields))


def encode(referral: Referral) -> bytes:
    return json.dumps({"format": PAYLOAD_FORMAT, "fields": referral.fields}, ensure_ascii=False,
                      sort_keys=True, separators=(",", ":")).encode("utf-8")


def metadata_of(referral: Referral) -> dict[str, Any]:
    """What the receiver sees before accepting: field names only (the header travels in clear)."""
    return {"format": PAYLOAD_FORMAT, "fields": referral.names}


def decode(payload: bytes, metadata: dict[str, Any]) -> Referral:
    """Check a received payload against the field set and against the metadata the sender signed.

    Raises ValueError with a message that names fields, never values."""
    if len(payload) > MAX_PAYLOAD:
        raise ValueError("the referral is larger than a referral can be")
    try:
        document = json.loads(payload.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise ValueError("the referral is not JSON") from None
    if not isinstance(document, dict) or set(document) != {"format", "fields"}:
        raise ValueError("the referral does not have the expected parts")
    if document["format"] != PAYLOAD_FORMAT or metadata.get("format") != PAYLOAD_FORMAT:
        raise ValueError("the referral is in a format this installation does not read")
    fields = document["fields"]
    if not isinstance(fields, dict):
        raise ValueError("the referral does not have the expected parts")
    if sorted(fields) != metadata.get("fields"):
        raise ValueError("the referral holds other fields than its description lists")
    return Referral(fields=check_fields(fields))


def check_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The same rules on both sides: the sender refuses to seal what the receiver would refuse to open.
    HTCDS codes are checked against cases/htcds/vocabulary.py, so a value means the same on both installations."""
    unknown = sorted(set(fields) - set(TRANSNATIONAL_FIELDS))
    if unknown:
        raise ValueError(f"fields outside the transnational field set: {', '.join(unknown[:5])}")
    if ("consent" in fields) == ("legal_basis" in fields):
        raise ValueError("a referral rests on either a consent or a legal basis")
    for name, value in fields.items():
        if name in _CHECKS and not _CHECKS[name](value):
            raise ValueError(f"field {name} does not hold a valid value")
    details = {k: fields[k] for k in PERSON_DETAILS if k in fields}
    cleaned, errors = htcds.person_details_errors(details)
    if errors:
        raise ValueError(f"field {sorted(errors)[0]} does not hold a valid value")
    if cleaned != details:
        raise ValueError("person details are not in their canonical form")
    if "exploitation_types" in fields:
        context = {"exploitation_types": fields["exploitation_types"]}
        cleaned, errors = htcds.victim_context_errors(context)
        if errors or cleaned != context:
            raise ValueError("field exploitation_types does not hold a valid value")
    return fields


def _text(limit: int = MAX_TEXT):
    return lambda v: isinstance(v, str) and 0 < len(v) <= limit


def _code(v: Any) -> bool:
    return isinstance(v, str) and bool(_CODE.match(v))


def _date(v: Any) -> bool:
    if not isinstance(v, str) or not _ISO_DATE.match(v):
        return False
    try:
        dt.date.fromisoformat(v)
    except ValueError:
        return False
    return True


def _consent(v: Any) -> bool:
    return (isinstance(v, dict) and set(v) == {"country", "given_on", "language", "interpreter"}
            and isinstance(v["country"], str) and bool(_COUNTRY.match(v["country"])) and _date(v["given_on"])
            and isinstance(v["language"], str) and bool(_LANGUAGE.match(v["language"]))
            and isinstance(v["interpreter"], bool))


def _support(v: Any) -> bool:
    return (isinstance(v, list) and 0 < len(v) <= len(htcds.SupportType.values) and len(set(v)) == len(v)
            and all(i in htcds.SupportType.values for i in v))


_CHECKS = {
    "given_name": _text(), "middle_name": _text(), "family_name": _text(), "birth_date": _date,
    "is_child": lambda v: isinstance(v, bool), "nrm_stage": _code, "trafficking_status": _code,
    "support_types": _support, "reference": _text(32), "consent": _consent, "legal_basis": _text(500),
}
