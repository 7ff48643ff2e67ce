"""What every write to the case file shares: the case's gate for case.edit (cases.selectors.register), the
anonymised-case check, and the text and date checks."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from alliance.cases.models import Case
from alliance.cases.selectors.register import case_get_for, case_of_part_for
from alliance.cases.services.register import refuse_if_anonymised
from alliance.core import roles as R
from alliance.core.actor import Actor


def editable_case(*, actor: Actor, case_id: object, what: str, with_person: bool = False) -> Case:
    """The case for an edit to its file (details, tasks, notes, documents, support), through the case's gate
    for case.edit (the owner or an accepted full share); an anonymised case is read-only."""
    case = case_get_for(actor=actor, case_id=case_id, action=R.CASE_EDIT,
                        what=f"case.edit: {what}" if what else "case.edit", related=("person",) if with_person else ())
    refuse_if_anonymised(case=case)
    return case


def editable_part(*, actor: Actor, part: str, part_id: object, case_id: int | None, what: str) -> None:
    """The gate for one part of a case file (a task, a support service): its case's gate for case.edit; an
    anonymised case is read-only."""
    refuse_if_anonymised(case=case_of_part_for(actor=actor, part=part, part_id=part_id, case_id=case_id,
                                          action=R.CASE_EDIT, what=f"case.edit: {what}"))


def clean_text(value: str | None, field: str, *, required: bool, max_length: int, errors: dict) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(value) > max_length:
        errors.setdefault(field, []).append(_("At most %(n)d characters.") % {"n": max_length})
    return value


def in_order(first: dt.date | None, then: dt.date | None, field: str, errors: dict, message: str) -> None:
    if first is not None and then is not None and then < first:
        errors.setdefault(field, []).append(message)


def choice(value: str, allowed, field: str, errors: dict) -> str:
    if value not in allowed:
        errors.setdefault(field, []).append(_("Choose one of the listed values."))
    return value


class Keep:
    """A PATCH leaves a field alone unless it is given: this marks "not given" (None may mean "clear")."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()
