"""Cross-referencing under the hit/no-hit rule: a legal basis first; the requester learns that a match
exists and whom to ask, never the other agency's entity, until that agency's lead discloses it."""

from __future__ import annotations

import pytest

from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.investigations.models import XrefHit
from alliance.investigations.selectors.xref import disclosure_requests_for, xref_hits_for
from alliance.investigations.services.entities import entities_add, source_register
from alliance.investigations.services.investigations import investigation_open
from alliance.investigations.services.xref import xref_disclosure_decide, xref_request
from tests import factories
from tests.investigations.world import police_world

pytestmark = pytest.mark.django_db

WORK_PERMITS = [
    # The raid report's Дмитрий Иванов, as a Latin work permit writes him, a day off on the birth date.
    {"id": "wp-1", "schema": "Person", "properties": {"name": ["IVANOV DMITRII"], "birthDate": ["1988-03-15"],
                                                      "nationality": ["kz"]}},
    # Someone else whose permit gives the raid report's phone number.
    {"id": "wp-2", "schema": "Person", "properties": {"name": ["Nurlan Abenov"], "phone": ["+77015550101"]}},
    {"id": "wp-3", "schema": "Person", "properties": {"name": ["Olga Sidorenko"], "birthDate": ["1979-11-02"]}},
]


def _inspectorate_investigation(world):
    inspector = factories.actor(world["inspector"])
    investigation = investigation_open(actor=inspector, title="Farm inspections 2026", purpose="Permit checks",
                                       legal_basis="Labour Inspection Act, s. 7")
    source = source_register(actor=inspector, investigation_id=investigation.pk, kind="work_permits",
                             reference="WP-REG-2026", legal_basis="Labour Inspection Act, s. 7")
    entities_add(actor=inspector, investigation_id=investigation.pk, source_id=source.pk, entities=WORK_PERMITS)
    return investigation


def _xref(world):
    lead = factories.actor(world["lead"])
    return xref_request(actor=lead, investigation_id=world["investigation"].pk,
                        legal_basis="Criminal Procedure Code, art. 12", purpose="Identify the ring's recruiters")


def test_a_request_without_legal_basis_is_refused_and_audited():
    world = police_world()
    _inspectorate_investigation(world)
    lead = factories.actor(world["lead"])
    with pytest.raises(ValidationFailed) as refused:
        xref_request(actor=lead, investigation_id=world["investigation"].pk, legal_basis=" ", purpose="x")
    assert "legal_basis" in refused.value.errors
    assert not XrefHit.objects.exists()
    assert AuditEvent.objects.filter(action="denied", reason__contains="legal basis").exists()


def test_hits_across_scripts_and_identifiers_but_not_strangers():
    world = police_world()
    theirs = _inspectorate_investigation(world)
    request = _xref(world)
    hits = {(h.entity.ftm_id, h.other_entity.ftm_id): h for h in request.hits.select_related("entity",
                                                                                             "other_entity")}
    assert set(hits) == {("p-ivanov", "wp-1"), ("p-ivanov", "wp-2")}
    assert all(h.other_investigation_id == theirs.pk for h in hits.values())
    assert "same phone number" in hits[("p-ivanov", "wp-2")].reasons
    assert any("birth dates 1 day apart" in r for r in hits[("p-ivanov", "wp-1")].reasons)
    audit = AuditEvent.objects.get(action="search", object_type="investigation")
    assert "Criminal Procedure Code" in audit.reason


def test_nothing_is_disclosed_before_the_holder_approves():
    world = police_world()
    _inspectorate_investigation(world)
    _xref(world)
    lead = factories.actor(world["lead"])
    views = xref_hits_for(actor=lead, investigation_id=world["investigation"].pk)
    assert len(views) == 2
    for view in views:
        assert view.disclosed is None and view.disclosure == "pending"
        assert view.holder == "Dreamland Labour Inspectorate" and world["inspector"].user.email in view.contact
        text = repr(view)
        assert "IVANOV" not in text and "Abenov" not in text and "dmitrii" not in text.lower()


def test_the_holding_lead_decides_and_only_then_the_requester_sees():
    world = police_world()
    _inspectorate_investigation(world)
    _xref(world)
    inspector, lead = factories.actor(world["inspector"]), factories.actor(world["lead"])
    waiting = disclosure_requests_for(actor=inspector)
    assert {w.requester for w in waiting} == {"Dreamland Police"}
    assert all(w.legal_basis == "Criminal Procedure Code, art. 12" for w in waiting)
    assert disclosure_requests_for(actor=lead) == []  # the requester cannot decide on its own request
    by_caption = {w.entity_caption: w for w in waiting}
    with pytest.raises(NotFound):
        xref_disclosure_decide(actor=lead, hit_id=by_caption["IVANOV DMITRII"].hit_id, approve=True)
    with pytest.raises(ValidationFailed):  # a refusal says why
        xref_disclosure_decide(actor=inspector, hit_id=by_caption["Nurlan Abenov"].hit_id, approve=False)
    xref_disclosure_decide(actor=inspector, hit_id=by_caption["Nurlan Abenov"].hit_id, approve=False,
                           note="Witness protection; contact us by phone")
    xref_disclosure_decide(actor=inspector, hit_id=by_caption["IVANOV DMITRII"].hit_id, approve=True)
    with pytest.raises(ValidationFailed, match="already decided"):
        xref_disclosure_decide(actor=inspector, hit_id=by_caption["IVANOV DMITRII"].hit_id, approve=False,
                               note="changed my mind")
    views = {v.disclosure: v for v in xref_hits_for(actor=lead, investigation_id=world["investigation"].pk)}
    assert views["approved"].disclosed["caption"] == "IVANOV DMITRII"
    assert views["refused"].disclosed is None and "Witness protection" in views["refused"].decision_note
    assert AuditEvent.objects.filter(action="share", object_type="investigation_entity").count() == 1
    assert AuditEvent.objects.filter(action="view", object_type="investigation_entity",
                                     reason="disclosed under xref").count() == 1


def test_outsiders_see_no_hits_and_cannot_request():
    world = police_world()
    _inspectorate_investigation(world)
    _xref(world)
    colleague = factories.actor(world["colleague"])
    with pytest.raises(NotFound):
        xref_hits_for(actor=colleague, investigation_id=world["investigation"].pk)
    with pytest.raises(NotFound):
        xref_request(actor=colleague, investigation_id=world["investigation"].pk, legal_basis="CPC", purpose="p")
    assert disclosure_requests_for(actor=colleague) == []  # an investigator who leads nothing


def test_exercise_sandboxes_never_meet_the_live_realm():
    from alliance.core import roles as R

    world = police_world()
    sandbox = factories.exercise_realm("Xref sandbox")
    trainee = factories.member(world["police"], [R.TRAINEE])
    sandbox.participants.add(trainee.user)
    actor = factories.actor(trainee, sandbox)
    investigation = investigation_open(actor=actor, title="Exercise", purpose="Training", legal_basis="Exercise")
    source = source_register(actor=actor, investigation_id=investigation.pk, kind="work_permits",
                             reference="EX-1", legal_basis="Exercise")
    entities_add(actor=actor, investigation_id=investigation.pk, source_id=source.pk, entities=WORK_PERMITS)
    request = xref_request(actor=actor, investigation_id=investigation.pk, legal_basis="Exercise", purpose="p")
    assert request.hits.count() == 0
    assert _xref(world).hits.count() == 0


def test_the_api_and_the_export_disclose_nothing_before_approval(client):
    from alliance.directory.services import token_issue

    world = police_world()
    _inspectorate_investigation(world)
    lead = factories.actor(world["lead"])
    _token, raw = token_issue(actor=lead, name="xref", days=1)
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    investigation = world["investigation"]
    refused = client.post(f"/api/v1/investigations/{investigation.pk}/xref", {"legal_basis": " ", "purpose": "p"},
                          content_type="application/json", **bearer)
    assert refused.status_code == 422
    made = client.post(f"/api/v1/investigations/{investigation.pk}/xref",
                       {"legal_basis": "CPC art. 12", "purpose": "Recruiters"}, content_type="application/json",
                       **bearer).json()
    assert made["hits"] == 2
    hits = client.get(f"/api/v1/investigations/{investigation.pk}/hits", **bearer)
    body = hits.content.decode()
    assert all(h["disclosed"] is None for h in hits.json())
    assert "IVANOV" not in body and "Abenov" not in body and "dmitrii" not in body.lower()
    exported = client.get(f"/api/v1/investigations/{investigation.pk}/export.ftm", **bearer)
    text = b"".join(exported.streaming_content).decode()
    assert "wp-1" not in text and "IVANOV" not in text
    inspector = factories.actor(world["inspector"])
    _t, raw_inspector = token_issue(actor=inspector, name="xref", days=1)
    waiting = client.get("/api/v1/investigations/disclosures", HTTP_AUTHORIZATION=f"Bearer {raw_inspector}").json()
    hit_id = next(w["hit_id"] for w in waiting if w["entity_caption"] == "IVANOV DMITRII")
    decided = client.post(f"/api/v1/investigations/hits/{hit_id}/decision", {"approve": True},
                          content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw_inspector}")
    assert decided.json()["disclosure"] == "approved"
    after = client.get(f"/api/v1/investigations/{investigation.pk}/hits", **bearer).json()
    assert {h["disclosed"]["caption"] for h in after if h["disclosed"]} == {"IVANOV DMITRII"}


def test_judgements_are_remembered_by_the_next_cross_reference():
    from alliance.investigations.services.xref import pair_judge

    world = police_world()
    _inspectorate_investigation(world)
    first = _xref(world)
    lead = factories.actor(world["lead"])
    by_other = {h.other_entity.ftm_id: h for h in first.hits.select_related("other_entity")}
    pair_judge(actor=lead, hit_id=by_other["wp-2"].pk, verdict="not_same", note="A different man, same SIM")
    pair_judge(actor=lead, hit_id=by_other["wp-1"].pk, verdict="same")
    with pytest.raises(NotFound):  # the holder decides disclosure, not what the requester's hit is
        pair_judge(actor=factories.actor(world["inspector"]), hit_id=by_other["wp-1"].pk, verdict="not_same")
    with pytest.raises(ValidationFailed):
        pair_judge(actor=lead, hit_id=by_other["wp-1"].pk, verdict="maybe")
    second = _xref(world)
    again = {h.other_entity.ftm_id: h for h in second.hits.select_related("other_entity")}
    assert set(again) == {"wp-1"}  # the pair judged not the same is not raised again
    assert again["wp-1"].reasons[0] == "judged the same by an analyst"
    views = xref_hits_for(actor=lead, investigation_id=world["investigation"].pk)
    assert {v.judgement for v in views} == {"same", "not_same"}  # the first request's hits show the verdicts
