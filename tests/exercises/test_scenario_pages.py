"""The scenario pages of a training co-ordinator: list, upload (problems as file:line), preview, download,
evidence, the MSEL table and the file editor with their previews, each save a new version."""

from __future__ import annotations

import io
import zipfile

import pytest

from alliance.core import roles as R
from alliance.exercises.domain.scenario_package import archive
from alliance.exercises.models import ScenarioPackage
from alliance.exercises.selectors.scenarios import scenario_files_of
from tests import factories
from tests.exercises.test_scenario_mutations import MUTATIONS, shipped_files

SLUG = "dreamland-online-recruitment"
BASE = f"/exercises/scenarios/{SLUG}/1.0/"


@pytest.fixture
def coordinator_client(client, db):
    member = factories.member(factories.organisation(sector="international"), [R.TRAINING_COORDINATOR])
    client.force_login(member.user)
    return client


def upload(client, files) -> object:
    data = io.BytesIO(archive.write_zip(files, top=SLUG))
    data.name = "package.zip"
    return client.post("/exercises/scenarios/upload/", {"package": data})


def test_upload_preview_download_and_evidence(coordinator_client):
    client = coordinator_client
    assert b"No scenario package is imported yet" in client.get("/exercises/scenarios/").content
    response = upload(client, shipped_files(SLUG))
    assert response.status_code == 302 and response["Location"] == BASE
    page = client.get(BASE).content.decode()
    for text in ("inj-12", "Lina Morav", "on referral_accepted sector=ngo", "screening_completed", "Dreamland",
                 "Safe Harbour shelter (NGO)", "Dario keeps it"):
        assert text in page, text
    download = client.get(BASE + "download/")
    assert download["Content-Disposition"] == f'attachment; filename="{SLUG}-1.0.zip"'
    assert zipfile.ZipFile(io.BytesIO(download.content)).read(f"{SLUG}-1.0/msel.yaml") == shipped_files(SLUG)[
        "msel.yaml"]
    scan = client.get(BASE + "evidence/id-scan.png")
    assert scan["Content-Type"] == "image/png" and scan["X-Content-Type-Options"] == "nosniff"
    assert scan["Content-Disposition"].startswith("attachment")
    assert client.get(BASE + "evidence/../package.yaml").status_code == 404
    assert client.get(f"/exercises/scenarios/{SLUG}/9.9/").status_code == 404


def test_a_refused_upload_lists_file_line_reason_and_stores_nothing(coordinator_client):
    files, expected = MUTATIONS["unknown_recipient"](shipped_files(SLUG), 2)
    response = upload(coordinator_client, files)
    assert response.status_code == 200
    assert f"<code>{expected.file}:{expected.line}:</code> unknown recipient role" in response.content.decode()
    assert not ScenarioPackage.objects.exists()


def test_the_msel_table_previews_then_saves_a_new_version(coordinator_client):
    client = coordinator_client
    upload(client, shipped_files(SLUG))
    form = client.get(BASE + "msel/")
    assert form.status_code == 200 and b'name="row-11-id"' in form.content and b'name="row-12-id"' in form.content
    row = ScenarioPackage.objects.get()
    data = _table_post(row)
    data["row-0-subject_en"] = "Patrol report, corrected"
    data["row-3-recipient"] = "nobody"
    preview = client.post(BASE + "msel/", {**data, "preview": "1"}).content.decode()
    assert "msel.yaml:" in preview and "unknown recipient role &#x27;nobody&#x27;" in preview
    data["row-3-recipient"] = "social-worker"
    preview = client.post(BASE + "msel/", {**data, "preview": "1"}).content.decode()
    assert "The package is valid with this MSEL." in preview and "Patrol report, corrected" in preview
    assert ScenarioPackage.objects.count() == 1
    saved = client.post(BASE + "msel/", {**data, "save": "1"})
    assert saved.status_code == 302 and saved["Location"] == f"/exercises/scenarios/{SLUG}/1.1/"
    new = ScenarioPackage.objects.get(version="1.1")
    assert new.content["msel.yaml"]["injects"][0]["subject"]["en"] == "Patrol report, corrected"
    assert scenario_files_of(package=new).keys() == scenario_files_of(package=row).keys()


def test_a_row_can_be_removed_and_a_broken_trigger_is_named(coordinator_client):
    client = coordinator_client
    upload(client, shipped_files(SLUG))
    data = _table_post(ScenarioPackage.objects.get())
    data["row-1-trigger"], data["row-1-at"] = "{after: [", ""
    page = client.post(BASE + "msel/", {**data, "preview": "1"}).content.decode()
    assert "row 2: a trigger is written" in page
    data = _table_post(ScenarioPackage.objects.get())
    data["row-11-delete"] = "on"  # inj-12, which nothing waits for
    assert client.post(BASE + "msel/", {**data, "save": "1"}).status_code == 302
    assert [i["id"] for i in ScenarioPackage.objects.get(version="1.1").content["msel.yaml"]["injects"]][-1] == "inj-11"


def test_the_file_editor_keeps_the_text_and_refuses_an_alias(coordinator_client):
    client = coordinator_client
    upload(client, shipped_files(SLUG))
    text = shipped_files(SLUG)["roleplayers.yaml"].decode()
    bad = client.post(BASE + "edit/roleplayers.yaml/", {"new_version": "2.0", "text": text + "x: &a 1\n",
                                                       "save": "1"})
    assert bad.status_code == 200 and "roleplayers.yaml:" in bad.content.decode() and b"anchor" in bad.content
    preview = client.post(BASE + "edit/roleplayers.yaml/", {"new_version": "2.0", "preview": "1",
                                                           "text": text.replace("Lina Morav", "Lina Moravec")},
                          HTTP_HX_REQUEST="true")
    assert b"The package is valid with this change." in preview.content and b"Lina Moravec" in preview.content
    assert ScenarioPackage.objects.count() == 1
    page = client.get(BASE, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Лина Морав" in page and "Lina Morav" not in page  # the package's Russian texts for a Russian reader
    good = client.post(BASE + "edit/roleplayers.yaml/", {"new_version": "2.0", "save": "1",
                                                        "text": text.replace("Lina Morav", "Lina Moravec")})
    assert good.status_code == 302
    assert "Lina Moravec" in ScenarioPackage.objects.get(version="2.0").sources["roleplayers.yaml"]
    assert client.get(BASE + "edit/msel.yaml/").status_code == 404  # the MSEL has its table


@pytest.mark.parametrize("role", sorted(R.ALL_ROLES - {R.TRAINING_COORDINATOR}))
def test_other_roles_are_refused(client, db, role):
    client.force_login(factories.member(factories.organisation(), [role]).user)
    assert client.get("/exercises/scenarios/").status_code == 403
    assert upload(client, shipped_files(SLUG)).status_code == 403
    assert not ScenarioPackage.objects.exists()


def _table_post(row) -> dict:
    data = {"rows": str(len(row.content["msel.yaml"]["injects"]) + 1), "new_version": "1.1"}
    for n, inject in enumerate(row.content["msel.yaml"]["injects"]):
        p = f"row-{n}-"
        data.update({p + "id": inject["id"], p + "storyline": inject["storyline"], p + "at": inject.get("at", ""),
                     p + "channel": inject["channel"], p + "sender": inject["sender"],
                     p + "recipient": inject["recipient"], p + "role_player": inject.get("role_player", ""),
                     p + "objectives": ", ".join(inject["objectives"]),
                     p + "evidence": ", ".join(inject.get("evidence", []))})
        trigger = inject.get("trigger")
        data[p + "trigger"] = "{" + ", ".join(f"{k}: {v}" for k, v in trigger.items()) + "}" if trigger else ""
        for language in row.languages:
            data[p + f"subject_{language}"] = inject["subject"][language]
            data[p + f"content_{language}"] = inject["content"][language]
            data[p + f"notes_{language}"] = inject["controller_notes"][language]
    return data
