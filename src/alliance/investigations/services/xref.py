"""Cross-referencing an investigation against the others of its realm (xref), under the hit/no-hit rule.

Candidates come from the blind-indexed keys alone (investigations/domain/keys.py): an entity of ours and one
of theirs that share a key (a phone, an IBAN, a document number, a name under some transliteration). Each
candidate is then scored here, on the server, with the matcher xref and `alliance match pairs` share
(domain/matching.py). A shared identifier is strong evidence on its own; a name needs the matcher's score.
The requester learns that a hit exists, who holds it and why it matched; the holder's lead decides whether
to disclose the entity itself.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain.checks import clean_text
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import NotFound, ValidationFailed
from alliance.investigations.domain import keys as K
from alliance.investigations.domain.matching import PersonRecord, score_pair
from alliance.investigations.domain.names import compare_names
from alliance.investigations.models import Entity, EntityKey, PairJudgement, XrefHit, XrefRequest
from alliance.investigations.selectors.investigations import investigation_get_for

# A name-only candidate becomes a hit from this score (matching.py's scale; 0.5 is the benchmark's best
# threshold on balanced pairs, and a real candidate list holds far more non-matches, so higher here).
HIT_SCORE = 0.8
IDENTIFIER_REASONS = {
    K.PHONE: "same phone number", K.IBAN: "same IBAN", K.DOCUMENT: "same document number",
    K.EMAIL: "same e-mail address", K.ADDRESS: "same address",
}
# An address is shared by everyone in one building (or one trafficker's flat): evidence, not proof.
IDENTIFIER_SCORES = {K.PHONE: 0.97, K.IBAN: 0.99, K.DOCUMENT: 0.99, K.EMAIL: 0.97, K.ADDRESS: 0.85}
NAME_KINDS = frozenset({K.NAME, K.PART, K.CONSONANTS})
_PARTIES = frozenset({"Person", "Company", "Organization"})
CHUNK = 500  # digests per query: below every backend's parameter limit


def _candidates(investigation, realm_id: int) -> dict[tuple[int, int], set[str]]:
    """(our entity, their entity) -> the kinds of key they share."""
    ours: dict[str, list[tuple[int, str]]] = defaultdict(list)
    for entity_id, kind, digest in EntityKey.objects.filter(investigation=investigation).values_list(
            "entity_id", "kind", "digest"):
        if digest:
            ours[digest].append((entity_id, kind))
    pairs: dict[tuple[int, int], set[str]] = defaultdict(set)
    digests = list(ours)
    for start in range(0, len(digests), CHUNK):
        theirs = (EntityKey.objects.filter(realm_id=realm_id, digest__in=digests[start:start + CHUNK])
                  .exclude(investigation=investigation).values_list("entity_id", "digest"))
        for other_id, digest in theirs:
            for entity_id, kind in ours[digest]:
                pairs[(entity_id, other_id)].add(kind)
    return pairs


def _first(entity: Entity, prop: str) -> str | None:
    values = (entity.properties or {}).get(prop) or []
    return values[0] if values else None


def _person(entity: Entity, name: str) -> PersonRecord:
    return PersonRecord(name, _first(entity, "birthDate"), _first(entity, "nationality") or _first(entity, "country"))


def _name_score(ours: Entity, theirs: Entity) -> tuple[float, tuple[str, ...]]:
    if ours.schema not in _PARTIES or theirs.schema not in _PARTIES:
        return 0.0, ()
    if (ours.schema == "Person") != (theirs.schema == "Person"):
        return 0.0, ()
    best: tuple[float, tuple[str, ...]] = (0.0, ())
    for name_a in (ours.properties or {}).get("name", [])[:5]:
        for name_b in (theirs.properties or {}).get("name", [])[:5]:
            if ours.schema == "Person":
                scored = score_pair(_person(ours, name_a), _person(theirs, name_b))
                result = (scored.score, scored.reasons)
            else:
                # The person-name explanation (given name, surname) does not fit a company: say it plainly.
                compared = compare_names(name_a, name_b)
                words = "company names agree" if compared.score >= 0.9 else "company names are alike"
                result = (compared.score, (words,))
            best = max(best, result, key=lambda r: r[0])
    return best


def _judge(ours: Entity, theirs: Entity, kinds: set[str]) -> tuple[float, list[str]]:
    identifiers = sorted(kinds & set(IDENTIFIER_REASONS), key=lambda k: -IDENTIFIER_SCORES[k])
    score, reasons = 0.0, [IDENTIFIER_REASONS[k] for k in identifiers]
    if identifiers:
        score = IDENTIFIER_SCORES[identifiers[0]]
    if kinds & NAME_KINDS:
        name_score, name_reasons = _name_score(ours, theirs)
        reasons.extend(name_reasons)
        # A shared identifier and an agreeing name together are stronger than either.
        score = max(score, name_score) if not identifiers else min(1.0, score + (1 - score) * name_score)
    return score, reasons


def xref_request(*, actor: Actor, investigation_id: int, legal_basis: str, purpose: str) -> XrefRequest:
    """Cross-reference the investigation's entities against the others of the realm. Refused without a
    legal basis and a purpose, which are kept with the request and in the audit."""
    errors: dict[str, list[str]] = {}
    legal_basis = clean_text(legal_basis, "legal_basis", required=True, max_length=300, errors=errors)
    purpose = clean_text(purpose, "purpose", required=True, max_length=500, errors=errors)
    if errors:
        audit.record(actor=actor, action="denied", object_type="investigation", object_id=investigation_id,
                     reason="xref without a legal basis or purpose")
        raise ValidationFailed(errors)
    with transaction.atomic():
        investigation = investigation_get_for(actor=actor, investigation_id=investigation_id,
                                              action=R.INVESTIGATION_EDIT, what="investigation.xref")
        request = XrefRequest.objects.create(realm_id=actor.realm_id, investigation=investigation,
                                             requested_by_id=actor.user_id, legal_basis=legal_basis, purpose=purpose)
        pairs = _candidates(investigation, actor.realm_id)
        ids = {i for pair in pairs for i in pair}
        entities = Entity.objects.in_bulk(ids)
        # What analysts already said of a pair is kept: "not the same" is not raised again; "the same"
        # is raised whatever today's score, with the judgement as its reason.
        judged = dict(((j.entity_id, j.other_entity_id), j.verdict) for j in PairJudgement.objects.filter(
            entity__investigation=investigation))
        hits = []
        for (ours, theirs), kinds in sorted(pairs.items()):
            verdict = judged.get((ours, theirs))
            if verdict == PairJudgement.Verdict.NOT_SAME:
                continue
            score, reasons = _judge(entities[ours], entities[theirs], kinds)
            if verdict == PairJudgement.Verdict.SAME:
                score, reasons = max(score, 1.0), ["judged the same by an analyst", *reasons]
            if score >= HIT_SCORE:
                hits.append(XrefHit(request=request, entity_id=ours, other_entity_id=theirs,
                                    other_investigation_id=entities[theirs].investigation_id, score=round(score, 4),
                                    reasons=reasons))
        XrefHit.objects.bulk_create(hits)
        request.candidates = len(pairs)
        request.save(update_fields=["candidates"])
        audit.record(actor=actor, action="search", object_type="investigation", object_id=investigation.pk,
                     fields=["entities"],
                     reason=f"xref request {request.pk}, {len(hits)} hits; legal basis: {legal_basis}"[:500])
    return request


def xref_disclosure_decide(*, actor: Actor, hit_id: object, approve: bool, note: str = "") -> XrefHit:
    """The holding investigation's lead discloses the matched entity to the requesting team, or refuses
    (a refusal says why). Decided once; both are audited."""
    errors: dict[str, list[str]] = {}
    note = clean_text(note, "note", required=not approve, max_length=500, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        hit = (XrefHit.objects.select_for_update().select_related("request").filter(pk=hit_id).first()
               if type(hit_id) is int else None)
        allowed = hit is not None and policy.XREF_HIT.can(actor, R.INVESTIGATION_EDIT, hit)
        if allowed:
            if hit.disclosure != XrefHit.Disclosure.PENDING:
                raise ValidationFailed(_("This request was already decided."))
            hit.disclosure = XrefHit.Disclosure.APPROVED if approve else XrefHit.Disclosure.REFUSED
            hit.decided_by_id, hit.decided_at, hit.decision_note = actor.user_id, timezone.now(), note
            hit.save(update_fields=["disclosure", "decided_by", "decided_at", "decision_note"])
            audit.record(actor=actor, action="share" if approve else "update", object_type="investigation_entity",
                         object_id=hit.other_entity_id,
                         fields=["caption", "properties"] if approve else ["disclosure"],
                         reason=f"xref hit {hit.pk} to investigation {hit.request.investigation_id}: "
                                f"{'disclosed' if approve else 'refused'}")
    if not allowed:
        # After the transaction, so the refusal's audit row stays.
        audit.record(actor=actor, action="denied", object_type="xref_hit", object_id=hit_id,
                     reason="xref.disclosure")
        raise NotFound("hit")
    return hit


def pair_judge(*, actor: Actor, hit_id: object, verdict: str, note: str = "") -> PairJudgement:
    """The requesting team's judgement of a hit: the same, not the same, or unsure. Remembered for the pair,
    so the next cross-reference uses it (xref_request); changed by judging again."""
    errors: dict[str, list[str]] = {}
    if verdict not in PairJudgement.Verdict.values:
        errors["verdict"] = [_("Choose one of the listed values.")]
    note = clean_text(note, "note", required=False, max_length=500, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        hit = (XrefHit.objects.select_related("request").filter(pk=hit_id).first() if type(hit_id) is int else None)
        allowed = hit is not None and policy.may_judge_hit(actor, hit)
        if allowed:
            judgement, _created = PairJudgement.objects.update_or_create(
                entity_id=hit.entity_id, other_entity_id=hit.other_entity_id,
                defaults={"realm_id": actor.realm_id, "verdict": verdict, "note": note, "judged_by_id": actor.user_id})
            audit.record(actor=actor, action="update", object_type="xref_hit", object_id=hit.pk,
                         fields=["judgement"], reason=verdict)
    if not allowed:
        audit.record(actor=actor, action="denied", object_type="xref_hit", object_id=hit_id, reason="xref.judge")
        raise NotFound("hit")
    return judgement
