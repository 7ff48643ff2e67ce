"""Investigation entities on the FtM model: checked whole before anything is written, encrypted at rest,
keyed for exact search, linked for the chart, exported as FtM; the team alone sees them."""

from __future__ import annotations

import copy
import io
import json

import pytest
from django.db import connection

from alliance.core.encryption import blind_index_candidates
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.investigations.domain.ftm_files import ftm_file_entities
from alliance.investigations.models import Entity, EntityKey, EntityLink
from alliance.investigations.selectors.entities import entity_get_for, entity_list_for, ftm_export_for
from alliance.investigations.services.entities import entities_add
from alliance.investigations.services.investigations import investigation_member_add
from tests import factories
from tests.investigations.world import RAID_REPORT, police_world

pytestmark = pytest.mark.django_db


def test_a_raid_report_becomes_entities_keys_and_links():
    world = police_world()
    investigation = world["investigation"]
    assert Entity.objects.filter(investigation=investigation).count() == len(RAID_REPORT)
    kinds = set(EntityKey.objects.filter(investigation=investigation).values_list("kind", flat=True))
    assert {"name", "phone", "iban", "document", "address"} <= kinds
    links = {(link.source_entity.ftm_id, link.kind, link.target_entity.ftm_id)
             for link in EntityLink.objects.filter(investigation=investigation).select_related("source_entity",
                                                                                                "target_entity")}
    assert ("p-worker", "Employment", "c-fields") in links  # the edge, employee -> employer
    assert ("c-fields", "Payment", "p-ivanov") in links
    assert ("pay-1", "beneficiaryAccount", "a-funnel") in links  # a reference that is not the edge's ends
    payment = EntityLink.objects.get(investigation=investigation, kind="Payment")
    assert payment.start_date.isoformat() == "2026-05-02"


def test_values_are_clean_and_encrypted_at_rest():
    world = police_world()
    person = Entity.objects.get(investigation=world["investigation"], ftm_id="p-ivanov")
    assert person.properties["phone"] == ["+77015550101"]  # E.164
    account = Entity.objects.get(investigation=world["investigation"], ftm_id="a-funnel")
    assert account.properties["iban"] == ["DE89370400440532013000"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT caption, properties FROM investigations_entity WHERE id = %s", [person.pk])
        caption, properties = cursor.fetchone()
    assert "Иванов" not in caption and "Иванов" not in properties and "+7701" not in properties


def test_a_phone_finds_its_entity_by_blind_index():
    world = police_world()
    digests = blind_index_candidates("phone:+77015550101", kind="key")
    found = EntityKey.objects.filter(digest__in=digests).values_list("entity__ftm_id", flat=True)
    assert list(found) == ["p-ivanov"]
    assert world  # the world is what holds the key


@pytest.mark.parametrize(("change", "where"), [
    (lambda e: e[3]["properties"].update(iban=["DE89 3704 0044 0532 0130 01"]), "iban"),
    (lambda e: e[0]["properties"].update(phone=["12"]), "phone"),
    (lambda e: e[0]["properties"].update(birthDate=["14.03.1988"]), "birthDate"),
    (lambda e: e[0]["properties"].update(nationality=["Dreamland"]), "nationality"),
    (lambda e: e[0]["properties"].update(shoeSize=["44"]), "shoeSize"),
    (lambda e: e[4]["properties"].update(employer=["c-missing"]), "employer"),
    (lambda e: e[1].update(schema="Vessel"), "schema"),
    (lambda e: e[2].update(id="c fields"), "id"),
    (lambda e: e.append(copy.deepcopy(e[1])), "id"),
])
def test_a_bad_entity_refuses_the_whole_batch_naming_line_and_property(change, where):
    world = police_world()
    actor = factories.actor(world["lead"])
    batch = copy.deepcopy(RAID_REPORT)
    for entity in batch:
        entity["id"] = "new-" + entity["id"]
        for name, values in entity["properties"].items():
            entity["properties"][name] = ["new-" + v if v in {e["id"] for e in RAID_REPORT} else v for v in values]
    change(batch)
    before = Entity.objects.count(), EntityKey.objects.count(), EntityLink.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        entities_add(actor=actor, investigation_id=world["investigation"].pk, source_id=world["source"].pk,
                     entities=batch)
    message = " ".join(refused.value.errors["entities"])
    assert "line " in message and where in message
    assert (Entity.objects.count(), EntityKey.objects.count(), EntityLink.objects.count()) == before


def test_an_id_already_in_the_investigation_is_refused():
    world = police_world()
    with pytest.raises(ValidationFailed, match="already in the investigation"):
        entities_add(actor=factories.actor(world["lead"]), investigation_id=world["investigation"].pk,
                     source_id=world["source"].pk, entities=[RAID_REPORT[1]])


def test_only_the_team_sees_the_entities_and_every_refusal_is_audited():
    world = police_world()
    investigation = world["investigation"]
    person = Entity.objects.get(investigation=investigation, ftm_id="p-ivanov")
    for outsider in ("colleague", "inspector", "analyst"):
        actor = factories.actor(world[outsider])
        with pytest.raises(NotFound):
            entity_list_for(actor=actor, investigation_id=investigation.pk)
        with pytest.raises(NotFound):
            entity_get_for(actor=actor, entity_id=person.pk)
    assert AuditEvent.objects.filter(action="denied", object_type="investigation_entity",
                                     object_id=str(person.pk)).count() == 3
    lead = factories.actor(world["lead"])
    investigation_member_add(actor=lead, investigation_id=investigation.pk, user_id=world["analyst"].user_id)
    analyst = factories.actor(world["analyst"])
    captions = {row.caption for row in entity_list_for(actor=analyst, investigation_id=investigation.pk)}
    assert "Дмитрий Иванов" in captions
    assert entity_get_for(actor=analyst, entity_id=person.pk).properties["passportNumber"] == ["N 0451 2231"]


def test_only_the_lead_adds_to_the_team_and_only_investigating_roles_join():
    from alliance.core import roles as R

    world = police_world()
    investigation, lead = world["investigation"], factories.actor(world["lead"])
    investigation_member_add(actor=lead, investigation_id=investigation.pk, user_id=world["analyst"].user_id)
    with pytest.raises(NotFound):
        investigation_member_add(actor=factories.actor(world["analyst"]), investigation_id=investigation.pk,
                                 user_id=world["colleague"].user_id)
    shelter_worker = factories.member(factories.organisation(), [R.CASE_WORKER])
    with pytest.raises(ValidationFailed, match="role works investigations"):
        investigation_member_add(actor=lead, investigation_id=investigation.pk, user_id=shelter_worker.user_id)
    # A joint team: another agency's investigator.
    investigation_member_add(actor=lead, investigation_id=investigation.pk, user_id=world["inspector"].user_id)
    assert entity_list_for(actor=factories.actor(world["inspector"]), investigation_id=investigation.pk)


def test_ftm_export_reimports_to_the_same_entities():
    world = police_world()
    lead = factories.actor(world["lead"])
    exported = "".join(ftm_export_for(actor=lead, investigation_id=world["investigation"].pk))
    assert AuditEvent.objects.filter(action="export", object_type="investigation").exists()
    from alliance.investigations.services.entities import source_register
    from alliance.investigations.services.investigations import investigation_open

    other = investigation_open(actor=lead, title="Copy", purpose="Round trip", legal_basis="CPC art. 12")
    source = source_register(actor=lead, investigation_id=other.pk, kind="ftm_import", reference="export",
                             legal_basis="CPC art. 12")
    entities = ftm_file_entities(io.BytesIO(exported.encode()))
    entities_add(actor=lead, investigation_id=other.pk, source_id=source.pk, entities=entities)
    again = "".join(ftm_export_for(actor=lead, investigation_id=other.pk))
    assert sorted(exported.splitlines()) == sorted(again.splitlines())
    assert json.loads(exported.splitlines()[0])["schema"]


def test_a_file_that_is_not_json_names_its_line():
    with pytest.raises(ValidationFailed, match="line 2"):
        ftm_file_entities(io.BytesIO(b'{"id": "a", "schema": "Person", "properties": {}}\n{not json\n'))
    with pytest.raises(ValidationFailed, match="UTF-8"):
        ftm_file_entities(io.BytesIO("Дмитрий".encode("cp1251")))
