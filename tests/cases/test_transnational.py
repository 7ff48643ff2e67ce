"""Transnational referral through the services: a case goes abroad only on consent (or an audited legal
basis), carries only the transnational field set, and arrives only when genuine, addressed to the receiver,
from a trusted partner, fresh and new; both sides audit what happened."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.cases.domain import transnational_payload as payloads
from alliance.cases.models import Case, Consent, Notification, PartnerOrganisation, TransnationalPackage
from alliance.cases.services import consent_withdraw
from alliance.cases.services import transnational as tn
from alliance.core import roles as R
from alliance.core import sealed_package as sp
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from tests import factories
from tests.cases.transnational_world import consented_case, fresh_card, side, trust


@pytest.fixture
def world(db):
    sender = side("Safe Harbour", "XD", "XD:safe-harbour")
    receiver = side("Harbour North", "XP", "XP:harbour-north")
    to_receiver = trust(sender, receiver)
    trust(receiver, sender)
    case = consented_case(sender, "XP")
    return {"sender": sender, "receiver": receiver, "partner": to_receiver, "case": case}


def _send(world, **kw):
    return tn.package_send(actor=world["sender"].worker, case_id=world["case"].pk, partner_id=world["partner"].pk,
                           **kw)


def _receive(world, data):
    return tn.package_receive(actor=world["receiver"].worker, data=data)


def _refused(world, data) -> str:
    with pytest.raises(tn.PackageRefusal) as refusal:
        _receive(world, data)
    return refusal.value.reason_code


def _opened(world, sealed):
    keys = tn._private(tn.active_keys(organisation_id=world["receiver"].organisation.pk))
    senders = {world["sender"].package_id: sp.PublicIdentity.from_json(tn.active_keys(organisation_id=
        world["sender"].organisation.pk).public_card)}
    return sp.open_package(package=sealed, recipient_keys=keys, recipient_id=world["receiver"].package_id,
                           trusted_senders=senders)


def test_round_trip_opens_a_case_abroad_with_the_consented_fields(world):
    record, sealed = _send(world)
    assert record.direction == "sent" and record.partner == world["partner"]
    received = _receive(world, sealed)
    assert received.status == "pending" and received.package_id == record.package_id
    assert received.fields == record.fields
    # The receiver's colleagues who may import hear of it; the uploader knows already.
    told = set(Notification.objects.filter(kind="package_received").values_list("user_id", flat=True))
    assert world["receiver"].admin.user_id in told and world["receiver"].worker.user_id not in told

    case = tn.package_accept(actor=world["receiver"].worker, package_id=received.pk)
    assert case.owner_organisation == world["receiver"].organisation and case.source == "transnational"
    assert (case.person.given_name, case.person.family_name, case.person.birth_date) == (
        "Olena", "Kovalenko", "1990-04-02")
    assert case.person.identity_number is None  # identity numbers never travel
    assert "bus station" not in (case.summary or "") and world["case"].number in case.summary
    assert case.country == "XP" and case.nrm_stage == "detected" and case.clocks.exists()
    noted = Consent.objects.get(case=case)
    assert (noted.purpose, noted.country, noted.language, noted.interpreter) == ("transnational", "XP", "uk", True)
    received.refresh_from_db()
    assert received.status == "accepted" and received.case == case and bytes(received.sealed) == b""


def test_only_the_transnational_field_set_travels_and_the_header_names_fields_only(world):
    from alliance.cases.services.details import case_details_update

    case_details_update(actor=world["sender"].worker, case_id=world["case"].pk, details={
        "sex": "Female", "citizenships": ["XM"], "primary_language": "ukr", "phone": "+999 555 0101",
        "address": "12 Harbour Road", "marital_status": "Single"}, victim_context={
        "exploitation_types": ["ForcedLabour"], "methods_of_control": ["DebtBondage"],
        "exploitation_place": "Fish farm north of the harbour"})
    _record, sealed = _send(world)
    opened = _opened(world, sealed)
    document = json.loads(opened.payload)
    assert set(document["fields"]) <= set(payloads.TRANSNATIONAL_FIELDS)
    assert sorted(document["fields"]) == opened.metadata["fields"]
    assert {"sex", "citizenships", "primary_language", "given_name", "consent", "exploitation_types"} <= set(
        document["fields"])
    for withheld in ("identity_number", "summary", "phone", "address", "marital_status", "methods_of_control",
                     "exploitation_place"):
        assert withheld not in document["fields"]
    assert b"+999" not in opened.payload and b"Harbour Road" not in opened.payload
    assert b"Fish farm" not in opened.payload and b"DebtBondage" not in opened.payload
    header = sealed[: sealed.index(b'"version":1}') + 12]
    assert b"Olena" not in header and b"1990" not in header and b"sex" in header


def test_no_consent_no_package(world):
    other = consented_case(world["sender"], "XM", given_name="Amira", family_name="Haddad")
    with pytest.raises(ValidationFailed) as error:
        tn.package_send(actor=world["sender"].worker, case_id=other.pk, partner_id=world["partner"].pk)
    assert "consent" in error.value.errors
    assert not TransnationalPackage.objects.filter(direction="sent").exists()


def test_withdrawn_consent_no_package(world):
    consent = world["case"].consents.get()
    consent_withdraw(actor=world["sender"].worker, consent_id=consent.pk)
    with pytest.raises(ValidationFailed) as error:
        _send(world)
    assert "consent" in error.value.errors


def test_a_legal_basis_needs_an_overriding_role_and_is_audited_as_an_override(world):
    consent_withdraw(actor=world["sender"].worker, consent_id=world["case"].consents.get().pk)
    frontline = factories.actor(factories.member(world["sender"].organisation, [R.FRONTLINE_RESPONDER]))
    basis = "Risk to life: Dreamland Anti-Trafficking Act s. 12(3), urgent shelter"
    with pytest.raises(ValidationFailed) as error:
        tn.package_send(actor=frontline, case_id=world["case"].pk, partner_id=world["partner"].pk,
                        legal_basis=basis)
    assert "role" in error.value.errors["consent"][0]
    with pytest.raises(ValidationFailed) as error:
        _send(world, legal_basis="urgent")
    assert "legal_basis" in error.value.errors
    _record, sealed = _send(world, legal_basis=basis)
    assert AuditEvent.objects.filter(action="override", object_id=str(world["case"].pk), reason=basis).exists()
    document = json.loads(_opened(world, sealed).payload)
    assert document["fields"]["legal_basis"] == basis and "consent" not in document["fields"]


def test_only_the_owner_may_send(world):
    elsewhere = factories.actor(factories.member(factories.organisation("Elsewhere"), [R.CASE_WORKER]))
    with pytest.raises(NotFound):
        tn.package_send(actor=elsewhere, case_id=world["case"].pk, partner_id=world["partner"].pk)
    assert AuditEvent.objects.filter(action="denied", object_id=str(world["case"].pk),
                                     reason="transnational").exists()


def test_sending_side_audits_the_export_with_field_names(world):
    record, _sealed = _send(world)
    event = AuditEvent.objects.get(action="export", object_type="case", object_id=str(world["case"].pk))
    assert event.fields == sorted(record.fields) and record.package_id in event.reason
    assert "Olena" not in json.dumps(event.fields) + event.reason


def test_receiving_side_audits_receipt_acceptance_and_refusals(world):
    _record, sealed = _send(world)
    received = _receive(world, sealed)
    assert AuditEvent.objects.filter(action="create", object_type="transnational_package",
                                     object_id=str(received.pk)).exists()
    case = tn.package_accept(actor=world["receiver"].worker, package_id=received.pk)
    created = AuditEvent.objects.get(action="create", object_type="case", object_id=str(case.pk))
    assert created.fields == sorted(received.fields) and received.package_id in created.reason
    assert _refused(world, sealed) == tn.REPLAY
    denied = AuditEvent.objects.filter(action="denied", object_type="transnational_package").last()
    assert denied.reason.startswith("replay") and "Olena" not in denied.reason


def test_a_tampered_byte_is_refused_and_nothing_is_stored(world):
    _record, sealed = _send(world)
    signature_at, ciphertext_at = len(sealed) - 10, len(sealed) - 100
    for position in (signature_at, ciphertext_at):
        tampered = bytearray(sealed)
        tampered[position] ^= 0x01
        assert _refused(world, bytes(tampered)) == sp.BAD_SIGNATURE
    assert not TransnationalPackage.objects.filter(direction="received").exists()
    assert AuditEvent.objects.filter(action="denied", reason__startswith="bad_signature").count() == 2


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_flipping_any_byte_anywhere_is_refused(world, data):
    _record, sealed = _send(world) if "sealed" not in world else (None, world["sealed"])
    world["sealed"] = sealed
    position = data.draw(st.integers(0, len(sealed) - 1))
    bit = data.draw(st.integers(0, 7))
    tampered = bytearray(sealed)
    tampered[position] ^= 1 << bit
    code = _refused(world, bytes(tampered))
    assert code in sp.REASONS and code != sp.EXPIRED
    assert not TransnationalPackage.objects.filter(direction="received").exists()


def test_a_package_sealed_for_another_organisation_is_misaddressed(world):
    third = side("Harbour South", "XP", "XP:harbour-south")
    to_third = trust(world["sender"], third)
    _record, sealed = tn.package_send(actor=world["sender"].worker, case_id=world["case"].pk,
                                      partner_id=to_third.pk)
    assert _refused(world, sealed) == sp.MISADDRESSED


def test_a_package_from_an_organisation_that_is_not_a_partner_is_refused(world):
    _record, sealed = _send(world)
    partner = PartnerOrganisation.objects.get(organisation=world["receiver"].organisation)
    tn.partner_remove(actor=world["receiver"].admin, partner_id=partner.pk)
    assert _refused(world, sealed) == sp.UNKNOWN_SENDER


def test_a_replayed_package_is_refused_even_after_a_refusal(world):
    _record, sealed = _send(world)
    received = _receive(world, sealed)
    assert _refused(world, sealed) == tn.REPLAY
    tn.package_refuse(actor=world["receiver"].worker, package_id=received.pk, reason="Not our area of work")
    assert _refused(world, sealed) == tn.REPLAY
    received.refresh_from_db()
    assert received.status == "refused" and bytes(received.sealed) == b""
    with pytest.raises(ValidationFailed):
        tn.package_accept(actor=world["receiver"].worker, package_id=received.pk)


def test_an_old_package_is_refused_as_expired(world):
    sender_pair = tn.active_keys(organisation_id=world["sender"].organisation.pk)
    referral = payloads.read_case(world["case"], consent=world["case"].consents.get(), legal_basis="")
    old = sp.seal(payload=payloads.encode(referral), sender_keys=tn._private(sender_pair),
                  sender_id=sender_pair.package_id, recipient=sp.PublicIdentity.from_json(world["partner"].public_card),
                  metadata=payloads.metadata_of(referral),
                  now=dt.datetime.now(dt.UTC) - tn.PACKAGE_MAX_AGE - dt.timedelta(days=1))
    assert _refused(world, old) == sp.EXPIRED


def test_a_package_whose_content_lists_other_fields_than_its_header_is_refused(world):
    sender_pair = tn.active_keys(organisation_id=world["sender"].organisation.pk)
    smuggled = json.dumps({"format": payloads.PAYLOAD_FORMAT, "fields": {
        "given_name": "Olena", "identity_number": "DL-778812", "legal_basis": "x" * 30}}).encode()
    sealed = sp.seal(payload=smuggled, sender_keys=tn._private(sender_pair), sender_id=sender_pair.package_id,
                     recipient=sp.PublicIdentity.from_json(world["partner"].public_card),
                     metadata={"format": payloads.PAYLOAD_FORMAT, "fields": ["given_name", "legal_basis"]})
    assert _refused(world, sealed) == tn.CONTENT


def test_too_large_is_refused_before_anything_is_read(world):
    assert _refused(world, b"\x89ASP" + b"\0" * tn.MAX_PACKAGE_BYTES) == sp.TOO_LARGE
    assert _refused(world, b"not a package") == sp.MALFORMED


def test_a_rotation_on_the_receiving_side_still_opens_packages_sealed_before_it(world):
    _record, sealed = _send(world)
    tn.organisation_keys_create(actor=world["receiver"].admin)
    received = _receive(world, sealed)
    assert tn.package_accept(actor=world["receiver"].worker, package_id=received.pk).source == "transnational"
    # The partner now needs the new card: a package sealed for the old one opens only during the overlap.
    pairs = list(world["receiver"].organisation.package_keys.order_by("created_at"))
    assert pairs[0].retired_at is not None and pairs[1].retired_at is None
    assert pairs[0].package_id == pairs[1].package_id == "XP:harbour-north"


def test_partner_add_refuses_a_fingerprint_that_was_not_read_out(world):
    card, fingerprint = fresh_card()
    wrong = fingerprint.replace(fingerprint[0], "0" if fingerprint[0] != "0" else "1", 1)
    with pytest.raises(ValidationFailed) as error:
        tn.partner_add(actor=world["sender"].admin, name="Elsewhere", country="XM", card=card, fingerprint=wrong)
    assert set(error.value.errors) == {"fingerprint"}
    with pytest.raises(ValidationFailed) as error:
        tn.partner_add(actor=world["sender"].admin, name="Elsewhere", country="XM", card=card[:-20],
                       fingerprint=fingerprint)
    assert "card" in error.value.errors
    assert not PartnerOrganisation.objects.filter(name="Elsewhere").exists()
    added = tn.partner_add(actor=world["sender"].admin, name="Elsewhere", country="XM", card=card,
                           fingerprint=fingerprint.lower().replace("\n", " "))
    assert added.fingerprint == sp.PublicIdentity.from_json(card).fingerprint_hex


def test_removing_a_partner_keeps_its_history_and_it_can_be_trusted_again(world):
    record, _sealed = _send(world)
    tn.partner_remove(actor=world["sender"].admin, partner_id=world["partner"].pk)
    assert not tn.trusted_partners(actor=world["sender"].admin).exists()
    record.refresh_from_db()
    assert record.partner.name == "Harbour North"
    again = trust(world["sender"], world["receiver"])
    assert again.pk == world["partner"].pk


def test_keys_and_partners_are_for_administrators_in_the_live_realm(world):
    with pytest.raises(Forbidden):
        tn.organisation_keys_create(actor=world["sender"].worker)
    card, fingerprint = fresh_card()
    with pytest.raises(Forbidden):
        tn.partner_add(actor=world["sender"].worker, name="X", country="XM", card=card, fingerprint=fingerprint)
    exercise = factories.exercise_realm("Transnational drill")
    membership = factories.member(world["sender"].organisation, [R.TRAINER], org_admin=True)
    exercise.participants.add(membership.user)
    with pytest.raises(Forbidden):
        tn.organisation_keys_create(actor=factories.actor(membership, exercise))


def test_receiving_needs_a_role_that_imports(world):
    _record, sealed = _send(world)
    frontline = factories.actor(factories.member(world["receiver"].organisation, [R.FRONTLINE_RESPONDER]))
    with pytest.raises(Forbidden):
        tn.package_receive(actor=frontline, data=sealed)
    received = _receive(world, sealed)
    with pytest.raises(Forbidden):
        tn.package_accept(actor=frontline, package_id=received.pk)
    # Another organisation's package is "not found", whatever the role.
    with pytest.raises(NotFound):
        tn.package_accept(actor=world["sender"].worker, package_id=received.pk)


def test_a_package_identifier_is_unique_on_the_installation(world):
    other = factories.actor(factories.member(factories.organisation("Copycat"), [R.CASE_WORKER], org_admin=True))
    with pytest.raises(ValidationFailed) as error:
        tn.organisation_keys_create(actor=other, package_id="XD:safe-harbour")
    assert "package_id" in error.value.errors
    with pytest.raises(ValidationFailed):
        tn.organisation_keys_create(actor=other, package_id="not valid!")


def test_a_child_by_birth_date_arrives_as_a_child(world):
    child = consented_case(world["sender"], "XP", given_name="Sami", family_name="Haile", birth_date="2015-01-01")
    _record, sealed = tn.package_send(actor=world["sender"].worker, case_id=child.pk,
                                      partner_id=world["partner"].pk)
    received = _receive(world, sealed)
    case = tn.package_accept(actor=world["receiver"].worker, package_id=received.pk)
    assert case.is_child and Case.objects.filter(source="transnational").count() == 1
