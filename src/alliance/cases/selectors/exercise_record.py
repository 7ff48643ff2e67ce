"""The facts of one exercise sandbox that the evaluation checks: cases, consents, shares and referrals, NRM
steps. Ids, times, kinds, sectors and HTCDS exploitation types only: no name, no summary, no reason, no free
text leaves here, so an evaluator learns what the team did, never what the role-played victim said.

Only an exercise realm is ever read; the live realm is refused outright (audited), whoever asks, because
evaluation reads across realms and live victims must never be within its reach (core/policy/evaluation.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from alliance.cases.models import Case, CaseShare, Consent, NrmEvent
from alliance.cases.services.register import CHILD_PROCEDURE
from alliance.core import audit, policy
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound
from alliance.core.models import AuditEvent, Realm

EXPLOITATION_FIELD = "victim_context.exploitation_types"


@dataclass(frozen=True)
class CaseFact:
    id: int
    number: str
    opened_at: dt.datetime
    owner_organisation_id: int
    is_child: bool
    exploitation_types: frozenset[str]
    # When the exploitation types last changed (the audit log names the field, never the value): the case has
    # named its present types since then. None when they never changed after the case was opened.
    exploitation_types_at: dt.datetime | None


@dataclass(frozen=True)
class ConsentFact:
    id: int
    case_id: int
    purpose: str
    organisation_id: int | None
    sector: str
    recorded_at: dt.datetime
    withdrawn_on: dt.date | None


@dataclass(frozen=True)
class ShareFact:
    id: int
    case_id: int
    kind: str  # share, referral, transfer
    status: str
    organisation_id: int
    sector: str
    granted_at: dt.datetime
    responded_at: dt.datetime | None
    consent_id: int | None
    basis: str  # consent, child_procedure or legal_basis (what the share rested on; never the text)


@dataclass(frozen=True)
class NrmFact:
    case_id: int
    transition: str
    outcome: str
    at: dt.datetime


@dataclass(frozen=True)
class CaseRecord:
    cases: tuple[CaseFact, ...]
    consents: tuple[ConsentFact, ...]
    shares: tuple[ShareFact, ...]
    nrm_events: tuple[NrmFact, ...]


def exercise_realm_checked(*, actor: Actor, realm_id: int, what: str) -> Realm:
    """The sandbox to read, or a refusal: the live realm always, a missing realm as not found, an actor who
    may not evaluate as forbidden. Every refusal is audited."""
    realm = Realm.objects.filter(pk=realm_id).first() if type(realm_id) is int else None
    if realm is None:
        audit.record(actor=actor, action="denied", object_type="realm", object_id=realm_id, reason=what)
        raise NotFound("realm")
    if not policy.may_read_exercise_realm(actor, realm_is_exercise=realm.is_exercise, realm_id=realm.pk):
        audit.record(actor=actor, action="denied", object_type="realm", object_id=realm_id,
                     reason=f"{what}: {'not an exercise realm' if not realm.is_exercise else 'evaluation'}")
        raise Forbidden(what)
    return realm


def exercise_case_record_for(*, actor: Actor, realm_id: int) -> CaseRecord:
    realm = exercise_realm_checked(actor=actor, realm_id=realm_id, what="exercise_record.cases")
    cases = list(Case.objects.filter(realm_id=realm.pk).order_by("created_at", "id"))
    changed = _exploitation_changes(realm.pk, [c.pk for c in cases])
    share_rows = (CaseShare.objects.filter(case__realm_id=realm.pk).select_related("organisation")
                  .order_by("granted_at", "id"))
    record = CaseRecord(
        cases=tuple(CaseFact(
            id=c.pk, number=c.number, opened_at=c.created_at, owner_organisation_id=c.owner_organisation_id,
            is_child=c.is_child, exploitation_types=frozenset((c.victim_context or {}).get("exploitation_types")
                                                               or ()),
            exploitation_types_at=changed.get(c.pk)) for c in cases),
        consents=tuple(ConsentFact(
            id=c.pk, case_id=c.case_id, purpose=c.purpose, organisation_id=c.organisation_id, sector=c.sector,
            recorded_at=c.recorded_at, withdrawn_on=c.withdrawn_on)
            for c in Consent.objects.filter(case__realm_id=realm.pk).order_by("recorded_at", "id")),
        shares=tuple(ShareFact(
            id=s.pk, case_id=s.case_id, kind=s.kind, status=s.status, organisation_id=s.organisation_id,
            sector=s.organisation.sector, granted_at=s.granted_at, responded_at=s.responded_at,
            consent_id=s.consent_id, basis=_basis(s)) for s in share_rows),
        nrm_events=tuple(NrmFact(case_id=e.case_id, transition=e.transition, outcome=e.outcome, at=e.at)
                         for e in NrmEvent.objects.filter(case__realm_id=realm.pk).order_by("at", "id")),
    )
    # A read of exercise data only (fictitious people), audited all the same: who evaluated which sandbox.
    audit.record(actor=actor, action="view", object_type="realm", object_id=realm.pk,
                 fields=["cases", "consents", "shares", "nrm_events", EXPLOITATION_FIELD],
                 reason="exercise evaluation", repeat_window=audit.REFRESHED_READ_WINDOW)
    return record


def _basis(share: CaseShare) -> str:
    if share.consent_id is not None:
        return "consent"
    return "child_procedure" if share.legal_basis == CHILD_PROCEDURE else "legal_basis"


def _exploitation_changes(realm_id: int, case_ids: list[int]) -> dict[int, dt.datetime]:
    """The last time each case's exploitation types were written, from the audit log (field names only)."""
    if not case_ids:
        return {}
    found: dict[int, dt.datetime] = {}
    rows = (AuditEvent.objects.filter(realm_id=realm_id, object_type="case", action="update",
                                      object_id__in=[str(i) for i in case_ids])
            .order_by("seq").values_list("object_id", "fields", "at"))
    for object_id, fields, at in rows:
        if EXPLOITATION_FIELD in (fields or ()):
            found[int(object_id)] = at
    return found
