"""The screenings of one exercise sandbox, as the evaluation checks them: when each was received, by which
organisation, with which catalogues, and which indicators were answered "yes". Indicator ids only: no
person's answers beyond yes to an indicator, no stated age, no explanation text.

The live realm is refused outright (cases/selectors/exercise_record.py holds the one gate for both apps).
The HTCDS methods of control of each catalogue's indicators come along: they are the crosswalk between
catalogues (indicators.md), so an expected ILO-11 indicator can be recognised in a screening that asked the
ILO/EC operational indicators.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from alliance.cases.selectors.exercise_record import exercise_realm_checked
from alliance.core import audit
from alliance.core.actor import Actor
from alliance.screening.models import Catalogue, Screening

Key = tuple[str, str]  # (catalogue code, indicator id)


@dataclass(frozen=True)
class ScreeningFact:
    id: int
    received_at: dt.datetime  # the server's clock: a phone's finished_at is the phone's to say
    organisation_id: int
    catalogues: frozenset[str]
    yes: frozenset[Key]
    is_child: bool


@dataclass(frozen=True)
class ScreeningRecord:
    screenings: tuple[ScreeningFact, ...]
    methods_of_control: dict[Key, frozenset[str]]


def exercise_screening_record_for(*, actor: Actor, realm_id: int) -> ScreeningRecord:
    realm = exercise_realm_checked(actor=actor, realm_id=realm_id, what="exercise_record.screenings")
    rows = (Screening.objects.filter(realm_id=realm.pk).prefetch_related("catalogues")
            .order_by("received_at", "id"))
    facts = []
    for row in rows:
        observations = (row.answers or {}).get("observations") or []
        facts.append(ScreeningFact(
            id=row.pk, received_at=row.received_at, organisation_id=row.organisation_id,
            catalogues=frozenset(c.code for c in row.catalogues.all()), is_child=row.is_child,
            yes=frozenset((a.get("catalogue"), a.get("indicator")) for a in observations
                          if isinstance(a, dict) and a.get("answer") == "yes")))
    audit.record(actor=actor, action="view", object_type="realm", object_id=realm.pk,
                 fields=["screenings.answers"], reason="exercise evaluation",
                 repeat_window=audit.REFRESHED_READ_WINDOW)
    return ScreeningRecord(screenings=tuple(facts), methods_of_control=_methods_of_control())


def _methods_of_control() -> dict[Key, frozenset[str]]:
    """Every published catalogue's indicators and their HTCDS methods of control (public reference data)."""
    methods: dict[Key, frozenset[str]] = {}
    for code, content in Catalogue.objects.filter(published_at__isnull=False).values_list("code", "content"):
        for item in (content or {}).get("indicators", []):
            methods[(code, item["id"])] = frozenset(item.get("methods_of_control") or ())
    return methods
