"""The API's promises: one error shape, field-level validation, unknown fields refused, size limits,
pagination, OpenAPI document."""

from __future__ import annotations

import pytest

from alliance.cases.models import Case
from alliance.cases.services import case_create
from alliance.core import roles as R
from alliance.directory.services import token_issue
from tests import factories


@pytest.fixture
def api(db, client):
    membership = factories.member(factories.organisation(), [R.CASE_WORKER])
    _t, raw = token_issue(actor=factories.actor(membership), name="t", days=1)

    class Api:
        actor = factories.actor(membership)

        def get(self, path, **kw):
            return client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}", **kw)

        def post(self, path, body, content_type="application/json", **kw):
            return client.post(path, body, content_type=content_type, HTTP_AUTHORIZATION=f"Bearer {raw}", **kw)

    return Api()


def _error(response, status, code):
    assert response.status_code == status
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    return body["error"]


def test_openapi_document_lists_the_operations(client, db):
    document = client.get("/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.")
    assert "/api/v1/cases" in document["paths"] and "/api/v1/me" in document["paths"]


def test_unauthenticated_gets_the_error_shape(client, db):
    _error(client.get("/api/v1/me"), 401, "unauthenticated")


def test_field_level_errors_and_nothing_written(api):
    error = _error(api.post("/api/v1/cases", {"given_name": "", "family_name": "x" * 300}), 422, "invalid")
    assert "given_name" in error["details"] and "family_name" in error["details"]
    assert not Case.objects.exists()


def test_service_level_errors_share_the_shape(api):
    error = _error(api.post("/api/v1/cases", {"given_name": "A", "family_name": "B", "birth_date": "2999-01-01"}),
                   422, "invalid")
    assert "birth_date" in error["details"]
    assert not Case.objects.exists()


def test_unknown_fields_are_refused(api):
    error = _error(api.post("/api/v1/cases", {"given_name": "A", "family_name": "B", "is_admin": True}),
                   422, "invalid")
    assert "is_admin" in error["details"]
    assert not Case.objects.exists()


def test_malformed_json_is_refused(api):
    response = api.post("/api/v1/cases", "{not json")
    assert response.status_code in (400, 422)
    assert "error" in response.json()


def test_a_body_django_cannot_parse_is_answered_in_the_api_shape(api, settings):
    """Too many form fields (Django refuses to parse them, a SuspiciousOperation): a JSON 400, not an HTML
    page, and nothing received."""
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    boundary = "b0undary"
    parts = "".join(f'--{boundary}\r\nContent-Disposition: form-data; name="f{i}"\r\n\r\nx\r\n' for i in range(9))
    response = api.post("/api/v1/cases/packages/receive", f"{parts}--{boundary}--\r\n",
                        content_type=f"multipart/form-data; boundary={boundary}")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "bad_request"


def test_oversized_body_is_refused_before_parsing(api, settings):
    settings.ALLIANCE_MAX_REQUEST_BYTES = 1000
    response = api.post("/api/v1/cases", {"given_name": "A" * 2000, "family_name": "B"})
    assert response.status_code == 413
    assert not Case.objects.exists()


def test_not_found_is_the_same_for_missing_and_forbidden(api):
    other = factories.member(factories.organisation(), [R.CASE_WORKER])
    hidden = case_create(actor=factories.actor(other), given_name="Hidden", family_name="Case")
    missing = _error(api.get("/api/v1/cases/999999"), 404, "not_found")
    forbidden = _error(api.get(f"/api/v1/cases/{hidden.pk}"), 404, "not_found")
    assert missing == forbidden


def test_pagination(api):
    for i in range(7):
        case_create(actor=api.actor, given_name=f"G{i}", family_name="F")
    first = api.get("/api/v1/cases?page=1&page_size=5").json()
    second = api.get("/api/v1/cases?page=2&page_size=5").json()
    assert first["count"] == 7 and len(first["items"]) == 5 and len(second["items"]) == 2
    assert not {r["id"] for r in first["items"]} & {r["id"] for r in second["items"]}
    _error(api.get("/api/v1/cases?page_size=1000"), 422, "invalid")
    _error(api.get("/api/v1/cases?page=0"), 422, "invalid")


def test_list_rows_carry_no_names(api):
    case_create(actor=api.actor, given_name="Visible", family_name="Nowhere")
    assert "Visible" not in api.get("/api/v1/cases").content.decode()


def test_nul_characters_are_refused_at_the_edge(api, client):
    """PostgreSQL cannot store NUL in text: refused with a clear error before anything reads the input."""
    response = api.post("/api/v1/cases", {"given_name": "A", "family_name": "B", "pseudonym": "x\x00y"})
    assert response.status_code == 400 and response.json()["error"]["code"] == "bad_request"
    assert api.get("/api/v1/audit/events?object_type=a%00b").status_code == 400
    assert not Case.objects.exists()
