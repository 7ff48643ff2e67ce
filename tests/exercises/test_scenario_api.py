"""/api/v1/exercises/scenarios: import (422 with file:line problems, nothing stored), list, content, zip."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from alliance.core import roles as R
from alliance.directory.services import token_issue
from alliance.exercises.domain import scenario_package as sp
from alliance.exercises.domain.scenario_package import archive
from alliance.exercises.models import ScenarioPackage
from tests import factories
from tests.exercises.test_scenario_mutations import MUTATIONS, shipped_files

SLUG = "dreamland-children-of-the-station"


def bearer(role: str) -> dict:
    member = factories.member(factories.organisation(sector="international"), [role])
    _token, raw = token_issue(actor=factories.actor(member), name="api", days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def post_zip(client, files, headers):
    upload = SimpleUploadedFile("p.zip", archive.write_zip(files, top=SLUG), content_type="application/zip")
    return client.post("/api/v1/exercises/scenarios", {"file": upload}, **headers)


def test_import_list_get_and_download(client, db):
    headers = bearer(R.TRAINING_COORDINATOR)
    created = post_zip(client, shipped_files(SLUG), headers)
    assert created.status_code == 201 and created.json()["slug"] == SLUG
    assert [r["version"] for r in client.get("/api/v1/exercises/scenarios", **headers).json()] == ["1.0"]
    body = client.get(f"/api/v1/exercises/scenarios/{SLUG}/1.0", **headers).json()
    assert len(body["content"]["msel.yaml"]["injects"]) == 13 and len(body["evidence"]) == 5
    download = client.get(f"/api/v1/exercises/scenarios/{SLUG}/1.0/package.zip", **headers)
    assert sp.read_bytes(b"".join(download.streaming_content) if download.streaming else download.content
                         ).files == shipped_files(SLUG)
    again = post_zip(client, shipped_files(SLUG), headers)
    assert again.status_code == 422 and "already imported" in again.json()["error"]["details"]["package"][0]


def test_a_refused_import_answers_422_with_every_problem(client, db):
    files, expected = MUTATIONS["cycle"](shipped_files(SLUG), 0)
    response = post_zip(client, files, bearer(R.TRAINING_COORDINATOR))
    assert response.status_code == 422
    problems = response.json()["error"]["details"]["package"]
    assert any(p.startswith(f"{expected.file}:{expected.line}: ") for p in problems), problems
    assert not ScenarioPackage.objects.exists()
    assert post_zip(client, {"package.yaml": b"x"}, bearer(R.TRAINING_COORDINATOR)).status_code == 422
    junk = SimpleUploadedFile("p.zip", io.BytesIO(b"junk").getvalue())
    assert client.post("/api/v1/exercises/scenarios", {"file": junk},
                       **bearer(R.TRAINING_COORDINATOR)).status_code == 422


@pytest.mark.parametrize("role", [R.CASE_WORKER, R.TRAINER, R.TRAINEE, R.SYSTEM_ADMINISTRATOR])
def test_other_roles_are_refused(client, db, role):
    headers = bearer(role)
    assert post_zip(client, shipped_files(SLUG), headers).status_code == 403
    assert client.get("/api/v1/exercises/scenarios", **headers).status_code == 403
    assert client.get(f"/api/v1/exercises/scenarios/{SLUG}/1.0", **headers).status_code == 403
    assert client.get("/api/v1/exercises/scenarios").status_code == 401
    assert not ScenarioPackage.objects.exists()
