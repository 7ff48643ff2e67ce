"""Reading the HTCDS side of a case file: only with the full scope (a limited share sees none of it), and
audited with the names of the fields shown."""

from __future__ import annotations

from dataclasses import dataclass

from alliance.cases.htcds import vocabulary as htcds
from alliance.cases.models import Case
from alliance.cases.selectors.register import CaseView, case_get_for
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor

NAME_FIELDS = ("given_name", "middle_name", "family_name", "identity_number", "birth_date")


@dataclass(frozen=True)
class DetailsView:
    case: Case
    names: dict[str, str | None]
    details: dict
    victim_context: dict
    can_edit: bool


def _view_of(actor: Actor, case: Case, *, with_names: bool) -> DetailsView:
    person = case.person
    view = DetailsView(
        case=case, names={f: getattr(person, f) for f in NAME_FIELDS}, details=person.details or {},
        victim_context=case.victim_context or {}, can_edit=policy.CASE.can(actor, R.CASE_EDIT, case),
    )
    shown = [f for f in NAME_FIELDS if with_names or f == "middle_name"]
    shown += [f"details.{k}" for k in view.details] + [f"victim_context.{k}" for k in view.victim_context]
    audit.record(actor=actor, action="view", object_type="case", object_id=case.pk, fields=shown)
    return view


def case_details_for(*, actor: Actor, case_id: int, action: str = R.CASE_VIEW) -> DetailsView:
    """The gate for the details alone (API, edit page with action=case.edit): 'not found' alike for
    missing, forbidden and limited-scope cases."""
    case = case_get_for(actor=actor, case_id=case_id, action=action, need_full=True, related=("person",))
    return _view_of(actor, case, with_names=True)


def details_of(*, actor: Actor, view: CaseView) -> DetailsView | None:
    """For the case page, whose gate (selectors.case_view_for) already passed and audited the names it shows;
    None for a limited scope."""
    if view.scope != policy.FULL:
        return None
    return _view_of(actor, view.case, with_names=False)


def labelled(*, specs: tuple[htcds.Spec, ...], document: dict) -> list[tuple[str, object]]:
    """(label, shown value) for each filled field, codes as their labels, in the order of the specs."""
    rows: list[tuple[str, object]] = []
    for spec in specs:
        value = document.get(spec.key)
        if value in (None, "", []):
            continue
        if spec.kind == htcds.RECORDS:
            value = [labelled(specs=spec.parts, document=item) for item in value]
        elif spec.vocabulary is not None:
            codes = value if isinstance(value, list) else [value]
            value = ", ".join(htcds.label_of(spec.vocabulary, code) for code in codes)
        elif isinstance(value, list):
            value = ", ".join(str(v) for v in value)
        rows.append((str(spec.label), value))
    return rows
