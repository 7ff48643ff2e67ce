"""Transnational referral as people use it: keys and partners pages, the case-page panel that downloads a
sealed package, and the received-packages page with its preview, acceptance and refusal; and the API."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alliance.cases.models import Case, PartnerOrganisation, TransnationalPackage
from alliance.cases.services import transnational as tn
from alliance.core import sealed_package as sp
from alliance.directory.models import Membership
from alliance.directory.services import token_issue
from tests.cases.transnational_world import consented_case, fresh_card, side, trust


@pytest.fixture
def world(db):
    sender = side("Safe Harbour", "XD", "XD:safe-harbour")
    receiver = side("Harbour North", "XP", "XP:harbour-north")
    partner = trust(sender, receiver)
    trust(receiver, sender)
    return {"sender": sender, "receiver": receiver, "partner": partner, "case": consented_case(sender, "XP")}


def _login(client, actor):
    client.force_login(Membership.objects.get(user_id=actor.user_id).user)


def test_keys_page_shows_the_fingerprint_and_gives_the_card(client, world):
    _login(client, world["sender"].admin)
    page = client.get("/cases/transnational/keys/")
    pair = tn.active_keys(organisation_id=world["sender"].organisation.pk)
    assert page.status_code == 200
    assert pair.fingerprint[:4].upper().encode() in page.content and b"XD:safe-harbour" in page.content
    card = client.get("/cases/transnational/keys/card.json")
    assert card["Content-Disposition"].startswith("attachment")
    assert sp.PublicIdentity.from_json(card.content).fingerprint_hex == pair.fingerprint
    assert b"private" not in card.content
    client.post("/cases/transnational/keys/", {"package_id": ""})
    assert tn.active_keys(organisation_id=world["sender"].organisation.pk).fingerprint != pair.fingerprint


def test_keys_page_is_closed_to_staff_who_do_not_administer(client, world):
    _login(client, world["sender"].worker)
    assert client.get("/cases/transnational/keys/").status_code == 403
    assert client.get("/cases/transnational/partners/").status_code == 403


def test_partners_page_refuses_a_wrong_fingerprint_and_adds_with_the_right_one(client, world):
    _login(client, world["sender"].admin)
    card, fingerprint = fresh_card()
    upload = SimpleUploadedFile("partner.card.json", card.encode(), content_type="application/json")
    page = client.post("/cases/transnational/partners/", {"name": "Elsewhere", "country": "XM",
                                                          "card_file": upload, "fingerprint": "AAAA " * 16})
    assert page.status_code == 200 and b"does not match" in page.content
    assert not PartnerOrganisation.objects.filter(name="Elsewhere").exists()
    page = client.post("/cases/transnational/partners/", {"name": "Elsewhere", "country": "XM", "card": card,
                                                          "fingerprint": fingerprint})
    assert page.status_code == 302
    partner = PartnerOrganisation.objects.get(name="Elsewhere")
    assert b"Elsewhere" in client.get("/cases/transnational/partners/").content
    client.post(f"/cases/transnational/partners/{partner.pk}/remove/")
    assert not PartnerOrganisation.objects.filter(name="Elsewhere").exists()


def test_case_page_offers_sending_only_with_consent_or_an_override(client, world):
    _login(client, world["sender"].worker)
    page = client.get(f"/cases/{world['case'].pk}/?tab=transnational")
    assert b'data-testid="send-package"' in page.content and b"Harbour North" in page.content
    unconsented = consented_case(world["sender"], "XM", given_name="Amira", family_name="Haddad")
    from tests import factories

    frontline = factories.member(world["sender"].organisation, ["frontline_responder"])
    client.force_login(frontline.user)
    page = client.get(f"/cases/{unconsented.pk}/?tab=transnational")
    assert b'data-testid="transnational"' in page.content and b'data-testid="send-package"' not in page.content


def test_sending_downloads_a_sealed_package_and_receiving_previews_then_accepts(client, world):
    _login(client, world["sender"].worker)
    sent = client.post(f"/cases/{world['case'].pk}/packages/", {"partner": world["partner"].pk})
    assert sent.status_code == 200 and sent["Content-Type"] == "application/octet-stream"
    assert sent["Content-Disposition"].startswith("attachment") and b"Olena" not in sent.content
    assert world["case"].number.encode() not in sent["Content-Disposition"].encode()
    sealed = sent.content

    client.logout()
    _login(client, world["receiver"].worker)
    upload = SimpleUploadedFile("p.alliance-package", sealed, content_type="application/octet-stream")
    response = client.post("/cases/transnational/packages/", {"package": upload})
    record = TransnationalPackage.objects.get(direction="received")
    assert response.status_code == 302 and response["Location"].endswith(f"/packages/{record.pk}/")
    preview = client.get(response["Location"])
    assert b'data-testid="verified"' in preview.content and b"XD:safe-harbour" in preview.content
    assert b"Given name" in preview.content and b"Olena" not in preview.content
    accepted = client.post(f"/cases/transnational/packages/{record.pk}/accept/")
    case = Case.objects.get(source="transnational")
    assert accepted["Location"] == f"/cases/{case.pk}/"
    assert b"Olena" in client.get(accepted["Location"]).content


def test_a_tampered_upload_shows_the_reason_and_stores_nothing(client, world):
    _record, sealed = tn.package_send(actor=world["sender"].worker, case_id=world["case"].pk,
                                      partner_id=world["partner"].pk)
    tampered = bytearray(sealed)
    tampered[-1] ^= 0x80
    _login(client, world["receiver"].worker)
    page = client.post("/cases/transnational/packages/",
                       {"package": SimpleUploadedFile("p", bytes(tampered))})
    assert page.status_code == 200 and b"signature does not match" in page.content
    assert not TransnationalPackage.objects.filter(direction="received").exists()


def test_refusing_from_the_preview(client, world):
    _record, sealed = tn.package_send(actor=world["sender"].worker, case_id=world["case"].pk,
                                      partner_id=world["partner"].pk)
    record = tn.package_receive(actor=world["receiver"].worker, data=sealed)
    _login(client, world["receiver"].worker)
    client.post(f"/cases/transnational/packages/{record.pk}/refuse/", {"reason": "Outside our mandate"})
    record.refresh_from_db()
    assert record.status == "refused" and record.refusal_reason == "Outside our mandate"
    listing = client.get("/cases/transnational/packages/")
    assert b"Refused" in listing.content


def _bearer(actor) -> dict:
    _token, raw = token_issue(actor=actor, name="t", days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_the_api_round_trip(client, world):
    admin = _bearer(world["sender"].admin)
    keys = client.get("/api/v1/cases/keys", **admin).json()["items"]
    assert keys[0]["package_id"] == "XD:safe-harbour" and "private" not in str(keys)
    partners = client.get("/api/v1/cases/partners", **admin).json()["items"]
    assert [p["package_id"] for p in partners] == ["XP:harbour-north"]

    sent = client.post(f"/api/v1/cases/{world['case'].pk}/packages", {"partner_id": world["partner"].pk},
                       content_type="application/json", **_bearer(world["sender"].worker))
    assert sent.status_code == 200 and sent["Content-Type"] == "application/octet-stream"

    receiver = _bearer(world["receiver"].worker)
    received = client.post("/api/v1/cases/packages/receive",
                           {"package": SimpleUploadedFile("p", sent.content)}, **receiver)
    assert received.status_code == 201, received.content
    body = received.json()
    assert body["verified"] and body["status"] == "pending" and body["sender_id"] == "XD:safe-harbour"
    assert "given_name" in body["fields"]
    again = client.post("/api/v1/cases/packages/receive", {"package": SimpleUploadedFile("p", sent.content)},
                        **receiver)
    assert again.status_code == 422 and "already received" in again.json()["error"]["details"]["package"][0]
    listed = client.get("/api/v1/cases/packages", **receiver).json()
    assert listed["count"] == 1
    accepted = client.post(f"/api/v1/cases/packages/{body['id']}/accept", **receiver)
    assert accepted.status_code == 200 and accepted.json()["package"]["status"] == "accepted"
    assert Case.objects.get(pk=accepted.json()["case_id"]).source == "transnational"


def test_the_api_adds_and_removes_partners_and_creates_keys(client, world):
    admin = _bearer(world["sender"].admin)
    card, fingerprint = fresh_card()
    wrong = client.post("/api/v1/cases/partners", {"name": "Elsewhere", "country": "XM", "card": card,
                                                   "fingerprint": "00" * 32}, content_type="application/json",
                        **admin)
    assert wrong.status_code == 422 and "fingerprint" in wrong.json()["error"]["details"]
    added = client.post("/api/v1/cases/partners", {"name": "Elsewhere", "country": "XM", "card": card,
                                                   "fingerprint": fingerprint}, content_type="application/json",
                        **admin)
    assert added.status_code == 201
    assert client.delete(f"/api/v1/cases/partners/{added.json()['id']}", **admin).status_code == 204
    created = client.post("/api/v1/cases/keys", {}, content_type="application/json", **admin)
    assert created.status_code == 201 and created.json()["package_id"] == "XD:safe-harbour"
    assert client.get("/api/v1/cases/keys", **_bearer(world["sender"].worker)).status_code == 403
