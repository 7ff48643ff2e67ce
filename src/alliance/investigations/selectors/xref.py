"""What each side of a cross-reference sees.

The requesting team: its own entity, that a hit exists, the holding agency and whom to contact there, why it
matched (without the other side's spellings), and the other entity only once disclosed. The holding lead:
the requests waiting for a decision, with the requester's agency, legal basis and purpose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden
from alliance.investigations.models import InvestigationMember, PairJudgement, XrefHit, XrefRequest
from alliance.investigations.selectors.investigations import investigation_get_for

# "given name spelt differently (dmitro/dmitrii)": the bracket holds the holder's spelling; before
# disclosure the requester reads the kind of agreement only.
_SPELLINGS = re.compile(r"\s*\([^)]*\)")


@dataclass(frozen=True)
class HitView:
    id: int
    entity_id: int
    entity_caption: str
    holder: str  # the agency that holds the other entity
    contact: str  # its investigation's lead(s)
    score: float
    reasons: tuple[str, ...]
    disclosure: str
    disclosure_label: str
    decision_note: str
    judgement: str  # the team's verdict on the pair ("" when not judged)
    disclosed: dict | None  # the other entity (schema, caption, properties) once approved


def _contacts(investigation_ids: set[int]) -> dict[int, str]:
    contacts: dict[int, list[str]] = {}
    leads = (InvestigationMember.objects.filter(investigation_id__in=investigation_ids, role="lead")
             .select_related("user").order_by("added_at"))
    for lead in leads:
        contacts.setdefault(lead.investigation_id, []).append(f"{lead.user.display_name} <{lead.user.email}>")
    return {key: ", ".join(value) for key, value in contacts.items()}


def _redacted(reasons) -> tuple[str, ...]:
    return tuple(_SPELLINGS.sub("", reason) for reason in reasons)


def xref_hits_for(*, actor: Actor, investigation_id: object) -> list[HitView]:
    """The hits of the investigation's requests, newest request first; a read of the team's own entities'
    captions and of disclosed entities, audited."""
    investigation = investigation_get_for(actor=actor, investigation_id=investigation_id)
    hits = list(policy.XREF_HIT.scope(actor, R.INVESTIGATION_VIEW, XrefHit.objects.filter(
        request__investigation=investigation)).select_related("entity", "other_entity",
                                                               "other_investigation__organisation")
        .order_by("-request_id", "-score", "pk"))
    contacts = _contacts({h.other_investigation_id for h in hits})
    judged = {(j.entity_id, j.other_entity_id): j.verdict
              for j in PairJudgement.objects.filter(entity__investigation=investigation)}
    views, disclosed_ids = [], []
    for hit in hits:
        disclosed = None
        if policy.may_see_disclosed(actor, hit):
            other = hit.other_entity
            disclosed = {"schema": other.schema, "caption": other.caption or "", "properties": other.properties or {}}
            disclosed_ids.append(other.pk)
        views.append(HitView(
            id=hit.pk, entity_id=hit.entity_id, entity_caption=hit.entity.caption or "",
            holder=hit.other_investigation.organisation.name, contact=contacts.get(hit.other_investigation_id, ""),
            score=hit.score, reasons=tuple(hit.reasons) if disclosed else _redacted(hit.reasons),
            disclosure=hit.disclosure, disclosure_label=str(XrefHit.Disclosure(hit.disclosure).label),
            decision_note=hit.decision_note, judgement=judged.get((hit.entity_id, hit.other_entity_id), ""),
            disclosed=disclosed))
    audit.record(actor=actor, action="view", object_type="investigation", object_id=investigation.pk,
                 fields=["xref_hits"], reason=f"{len(views)} hits, {len(disclosed_ids)} disclosed")
    for other_id in disclosed_ids:
        audit.record(actor=actor, action="view", object_type="investigation_entity", object_id=other_id,
                     fields=["caption", "properties"], reason="disclosed under xref")
    return views


@dataclass(frozen=True)
class DisclosureRequest:
    hit_id: int
    investigation_number: str  # ours, the holder's
    entity_caption: str  # our entity that was matched
    requester: str  # the requesting agency
    requested_by: str
    legal_basis: str
    purpose: str
    reasons: tuple[str, ...]
    score: float


def disclosure_requests_for(*, actor: Actor) -> list[DisclosureRequest]:
    """Hits on investigations the actor leads that wait for a decision."""
    if not policy.may(actor, R.INVESTIGATION_EDIT):
        raise Forbidden(R.INVESTIGATION_EDIT)
    hits = (policy.XREF_HIT.scope(actor, R.INVESTIGATION_EDIT, XrefHit.objects.filter(disclosure="pending"))
            .select_related("other_entity", "other_investigation", "request__investigation__organisation",
                            "request__requested_by").order_by("pk"))
    rows = [DisclosureRequest(
        hit_id=hit.pk, investigation_number=hit.other_investigation.number,
        entity_caption=hit.other_entity.caption or "", requester=hit.request.investigation.organisation.name,
        requested_by=hit.request.requested_by.display_name if hit.request.requested_by else "",
        legal_basis=hit.request.legal_basis, purpose=hit.request.purpose, reasons=tuple(hit.reasons),
        score=hit.score) for hit in hits]
    if rows:
        audit.record(actor=actor, action="list", object_type="xref_hit", fields=["entity.caption"],
                     reason=f"{len(rows)} disclosure requests")
    return rows


def xref_requests_of(*, actor: Actor, investigation_id: object) -> list[XrefRequest]:
    investigation = investigation_get_for(actor=actor, investigation_id=investigation_id)
    return list(XrefRequest.objects.filter(investigation=investigation).order_by("-pk"))
