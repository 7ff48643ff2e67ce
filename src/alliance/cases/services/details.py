"""Editing the HTCDS side of a case file: the person's names, number and birth date, their details
(Person.details) and the victim context (Case.victim_context). Each call replaces the documents it is
given whole; a name left as None stays as it is."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from alliance.cases.htcds import vocabulary as htcds
from alliance.cases.htcds.mapping import PLAIN_MAX_LENGTH
from alliance.cases.models import Case
from alliance.cases.services.casefile import gate as casefile_gate
from alliance.core import audit
from alliance.core.actor import Actor
from alliance.core.errors import ValidationFailed

NAME_FIELDS = ("given_name", "middle_name", "family_name", "identity_number", "birth_date")
_REQUIRED = {"given_name", "family_name"}
_INDEXES = ["full_name_index", "family_name_index", "identity_number_index"]


def _editable_case(actor: Actor, case_id: int) -> Case:
    return casefile_gate.editable_case(actor=actor, case_id=case_id, what="", with_person=True)


def _clean_names(names: dict[str, str | None], errors: dict) -> dict[str, str | None]:
    cleaned: dict[str, str | None] = {}
    for field, value in names.items():
        if value is None:
            continue
        if field == "birth_date":
            cleaned[field] = htcds.clean_date(value, path=field, errors=errors)
            continue
        text = htcds.clean_text(value, max_length=PLAIN_MAX_LENGTH[f"person.{field}"], path=field, errors=errors)
        if field in _REQUIRED and not text and field not in errors:
            errors[field] = [_("This field is required.")]
        cleaned[field] = text
    return cleaned


def _changed(old: dict, new: dict, prefix: str) -> list[str]:
    return [f"{prefix}{key}" for key in sorted(set(old) | set(new)) if old.get(key) != new.get(key)]


def case_details_update(
    *, actor: Actor, case_id: int, names: dict[str, str | None] | None = None, details: dict | None = None,
    victim_context: dict | None = None,
) -> Case:
    """Names, person details and victim context in one transaction; every error of the three together."""
    case = _editable_case(actor, case_id)
    person = case.person
    errors: dict[str, list[str]] = {}
    unknown = set(names or {}) - set(NAME_FIELDS)
    if unknown:
        raise ValueError(f"not a name field: {sorted(unknown)}")
    clean_names = _clean_names(names or {}, errors)
    new_details = new_context = None
    if details is not None:
        new_details, found = htcds.person_details_errors(details)
        errors.update({f"details.{path}": messages for path, messages in found.items()})
    if victim_context is not None:
        new_context, found = htcds.victim_context_errors(victim_context)
        errors.update({f"victim_context.{path}": messages for path, messages in found.items()})
    if errors:
        raise ValidationFailed(errors)

    old_names = {field: getattr(person, field) for field in NAME_FIELDS}
    changed = [f for f, v in clean_names.items() if (v or None) != (old_names[f] or None)]
    if new_details is not None:
        changed += _changed(person.details or {}, new_details, "details.")
    if new_context is not None:
        changed += _changed(case.victim_context or {}, new_context, "victim_context.")
    if not changed:
        return case
    with transaction.atomic():
        person_fields = [f for f in changed if f in NAME_FIELDS]
        for field in person_fields:
            setattr(person, field, clean_names[field] or None)
        if new_details is not None and any(f.startswith("details.") for f in changed):
            person.details = new_details or None
            person_fields.append("details")
        if person_fields:
            person.save(update_fields=person_fields + _INDEXES)
        case_fields = []
        if new_context is not None and any(f.startswith("victim_context.") for f in changed):
            case.victim_context = new_context or None
            case_fields.append("victim_context")
        # Under 18, or presumed so: the child procedure applies from now on; it is never switched off here.
        if not case.is_child and htcds.is_presumed_child(birth_date=person.birth_date, details=person.details or {}):
            case.is_child = True
            case_fields.append("is_child")
            changed.append("is_child")
        if case_fields:
            case.save(update_fields=case_fields)
        audit.record(actor=actor, action="update", object_type="case", object_id=case.pk, fields=changed)
    return case


def person_details_update(
    *, actor: Actor, case_id: int, details: dict | None = None, given_name: str | None = None,
    middle_name: str | None = None, family_name: str | None = None, identity_number: str | None = None,
    birth_date: str | None = None,
) -> Case:
    names = {"given_name": given_name, "middle_name": middle_name, "family_name": family_name,
             "identity_number": identity_number, "birth_date": birth_date}
    return case_details_update(actor=actor, case_id=case_id, names=names, details=details)


def victim_context_update(*, actor: Actor, case_id: int, victim_context: dict) -> Case:
    return case_details_update(actor=actor, case_id=case_id, victim_context=victim_context)
