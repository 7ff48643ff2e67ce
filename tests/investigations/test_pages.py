"""The investigation pages as an investigator uses them: open one, record a source, import a file (refused
whole when one value is wrong), export it, cross-reference, and the holder's disclosure page."""

from __future__ import annotations

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alliance.investigations.models import Entity, Investigation, XrefHit
from tests.investigations.test_xref import _inspectorate_investigation
from tests.investigations.world import RAID_REPORT, police_world

pytestmark = pytest.mark.django_db


def _ftm(entities) -> SimpleUploadedFile:
    return SimpleUploadedFile("raid.ftm.json", "\n".join(json.dumps(e, ensure_ascii=False) for e in entities).encode())


def test_an_investigator_opens_an_investigation_imports_and_exports(client):
    world = police_world()
    client.force_login(world["colleague"].user)
    response = client.post("/investigations/new/", {"title": "Operation Vineyard", "purpose": "Labour ring",
                                                    "legal_basis": "CPC art. 12"})
    investigation = Investigation.objects.get(title="Operation Vineyard")
    assert response.status_code == 302 and response["Location"] == f"/investigations/{investigation.pk}/"
    client.post(f"/investigations/{investigation.pk}/sources/", {"kind": "police_report", "reference": "RR-7",
                                                                  "legal_basis": "CPC art. 12"})
    source = investigation.sources.get()
    bad = [dict(RAID_REPORT[3], properties={"iban": ["DE00 1234"]})]
    refused = client.post(f"/investigations/{investigation.pk}/import/", {"source": source.pk, "file": _ftm(bad)})
    assert refused.status_code == 400 and "line 1, iban" in refused.content.decode()
    assert not Entity.objects.filter(investigation=investigation).exists()
    client.post(f"/investigations/{investigation.pk}/import/", {"source": source.pk, "file": _ftm(RAID_REPORT)})
    page = client.get(f"/investigations/{investigation.pk}/").content.decode()
    assert "Дмитрий Иванов" in page and "Golden Fields Agro LLC" in page
    exported = client.get(f"/investigations/{investigation.pk}/export.ftm")
    assert exported["Content-Disposition"].startswith("attachment")
    assert {json.loads(line)["id"] for line in exported.content.decode().splitlines()} == {e["id"] for e in RAID_REPORT}


def test_someone_off_the_team_gets_not_found(client):
    world = police_world()
    client.force_login(world["colleague"].user)
    investigation = world["investigation"]
    for path in ("", "export.ftm"):
        assert client.get(f"/investigations/{investigation.pk}/{path}").status_code == 404
    assert investigation.number not in client.get("/investigations/").content.decode()


def test_the_hit_shows_the_holder_and_the_disclosure_page_decides(client):
    world = police_world()
    _inspectorate_investigation(world)
    client.force_login(world["lead"].user)
    investigation = world["investigation"]
    client.post(f"/investigations/{investigation.pk}/xref/", {"legal_basis": "CPC art. 12", "purpose": "Recruiters"})
    page = client.get(f"/investigations/{investigation.pk}/").content.decode()
    assert "Dreamland Labour Inspectorate" in page and "IVANOV DMITRII" not in page
    client.force_login(world["inspector"].user)
    waiting = client.get("/investigations/disclosures/").content.decode()
    assert "Criminal Procedure Code" in waiting or "CPC art. 12" in waiting
    hit = XrefHit.objects.get(other_entity__ftm_id="wp-1")
    client.post(f"/investigations/hits/{hit.pk}/decision/", {"decision": "approve", "note": ""})
    client.force_login(world["lead"].user)
    assert "IVANOV DMITRII" in client.get(f"/investigations/{investigation.pk}/").content.decode()


def test_a_cross_reference_without_legal_basis_is_refused_on_the_page(client):
    world = police_world()
    client.force_login(world["lead"].user)
    response = client.post(f"/investigations/{world['investigation'].pk}/xref/", {"legal_basis": "", "purpose": "p"})
    assert response.status_code == 400
    assert not XrefHit.objects.exists()


def test_a_bank_statement_through_the_preset_and_a_saved_mapping(client):
    from alliance.investigations.models import ImportMapping
    from tests.investigations.test_tables import STATEMENT

    world = police_world()
    client.force_login(world["lead"].user)
    investigation = world["investigation"]
    client.post(f"/investigations/{investigation.pk}/sources/", {"kind": "bank_statement", "reference": "PO-1",
                                                                  "legal_basis": "CPC art. 12"})
    source = investigation.sources.get(kind="bank_statement")
    bad = STATEMENT.replace("2026-05-03", "03.05.2026")
    refused = client.post(f"/investigations/{investigation.pk}/spreadsheet/", {
        "source": source.pk, "file": SimpleUploadedFile("s.csv", bad.encode()), "save_as": "Our bank"})
    assert refused.status_code == 400 and "row 3, column booking_date" in refused.content.decode()
    assert not ImportMapping.objects.exists()  # kept only once it has imported a file
    client.post(f"/investigations/{investigation.pk}/spreadsheet/", {
        "source": source.pk, "file": SimpleUploadedFile("s.csv", STATEMENT.encode()), "save_as": "Our bank"})
    assert Entity.objects.filter(source=source, schema="Payment").count() == 3
    saved = ImportMapping.objects.get(name="Our bank")
    page = client.get(f"/investigations/{investigation.pk}/").content.decode()
    assert f"saved:{saved.pk}" in page
