"""What every write to the case file shares: the case's gate for case.edit (cases.selectors.register) and the
anonymised-case check. The text, choice and date checks are domain rules (cases.domain.checks)."""

from __future__ import annotations

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


class Keep:
    """A PATCH leaves a field alone unless it is given: this marks "not given" (None may mean "clear")."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP = Keep()
