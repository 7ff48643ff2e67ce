"""The scenario endpoints in the permission matrix (tests/test_permission_matrix.py): how to call each one.

Packages belong to the installation, not to an organisation or a realm, so every relation of the matrix is
the same for them: one shipped package imported by the installation, read or changed by the matrix member.
A granted POST with an empty body answers the form again (200), a refused one 403.
"""

from __future__ import annotations

import itertools

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import URLPattern, get_resolver

from alliance.core.actor import system_actor
from alliance.exercises.domain.scenario_package import archive
from alliance.exercises.models import ScenarioPackage
from alliance.exercises.services.scenarios import scenario_import
from tests.exercises.test_scenario_mutations import SHIPPED, shipped_files

SLUG, VERSION = "dreamland-online-recruitment", "1.0"
_BASE = f"/exercises/scenarios/{SLUG}/{VERSION}/"
MATRIX_WEB = {
    "exercises:scenarios": ("GET", "/exercises/scenarios/"),
    "exercises:scenario_upload": ("POST", "/exercises/scenarios/upload/"),
    "exercises:scenario": ("GET", _BASE),
    "exercises:scenario_download": ("GET", _BASE + "download/"),
    "exercises:scenario_evidence": ("GET", _BASE + "evidence/job-advert.md"),
    "exercises:scenario_msel_edit": ("GET", _BASE + "msel/"),
    "exercises:scenario_file_edit": ("GET", _BASE + "edit/roleplayers.yaml/"),
}
MATRIX_API = {
    "scenario_list": ("GET", "/api/v1/exercises/scenarios"),
    "scenario_import": ("POST", "/api/v1/exercises/scenarios"),
    "scenario_get": ("GET", f"/api/v1/exercises/scenarios/{SLUG}/{VERSION}"),
    "scenario_download": ("GET", f"/api/v1/exercises/scenarios/{SLUG}/{VERSION}/package.zip"),
}


_versions = itertools.count(1)


def _fresh_zip() -> SimpleUploadedFile:
    """The package under a version not imported yet, so that a granted import succeeds each time."""
    files = shipped_files(SLUG)
    files["package.yaml"] = files["package.yaml"].replace(b'version: "1.0"', f'version: "9.{next(_versions)}"'.encode())
    return SimpleUploadedFile("package.zip", archive.write_zip(files, top=SLUG), content_type="application/zip")


def is_matrix_endpoint(name: str, api: bool) -> bool:
    return name in (MATRIX_API if api else MATRIX_WEB)


def matrix_request(client, name: str, *, api: bool, live_realm_id: int, token: str | None):
    if not ScenarioPackage.objects.filter(slug=SLUG, version=VERSION).exists():
        scenario_import(actor=system_actor(realm_id=live_realm_id, channel="cli"), path=SHIPPED / SLUG)
    method, path = (MATRIX_API if api else MATRIX_WEB)[name]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if api and token else {}
    if method == "GET":
        return client.get(path, **headers)
    return client.post(path, {"file": _fresh_zip()} if api else {}, **headers)


def test_every_scenario_page_has_a_matrix_request():
    resolver = next(p for p in get_resolver().url_patterns if getattr(p, "namespace", None) == "exercises")
    names = {f"exercises:{p.name}" for p in resolver.url_patterns if isinstance(p, URLPattern)
             and p.name.startswith("scenario")}
    assert names == set(MATRIX_WEB)
