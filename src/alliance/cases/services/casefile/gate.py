"""What every write to the case file shares: the one gate (case.edit, "not found" alike for missing and
forbidden, the refusal audited) and the text and date checks."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _

from alliance.cases.models import Case
from alliance.cases.services.register import refuse_if_anonymised
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import NotFound


def editable_case(actor: Actor, case_id: object, *, what: str, with_person: bool = False) -> Case:
    """The one gate for edits to a case file (details, tasks, notes, documents, support): their organisation
    owns it or holds an accepted full share; 'not found' alike for missing and forbidden, the refusal
    audited; an anonymised case is read-only."""
    cases = Case.objects.select_related("person") if with_person else Case.objects
    found = list(cases.filter(pk=case_id, realm_id=actor.realm_id)[:1]) if isinstance(case_id, int) else []
    case = found[0] if found else None
    if case is None or not policy.CASE.can(actor, R.CASE_EDIT, case):
        audit.record(actor=actor, action="denied", object_type="case", object_id=case_id,
                     reason=f"case.edit: {what}" if what else "case.edit")
        raise NotFound("case")
    refuse_if_anonymised(case)
    return case


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
