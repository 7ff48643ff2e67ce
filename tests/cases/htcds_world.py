"""Requests of the permission matrix (tests/test_permission_matrix.py) for the HTCDS details, export and
import endpoints: which URL, which method, which body."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

WEB = {"cases:details_edit", "cases:htcds_export", "cases:htcds_import"}
API = {"details_get", "details_update", "htcds_export", "htcds_import"}
ONE_ROW = b"prs_FirstName,prs_SecondName,prs_Gender\r\nNew,Person,Feminine\r\n"


def is_matrix_endpoint(name: str, api: bool) -> bool:
    return name in (API if api else WEB)


def _upload() -> SimpleUploadedFile:
    return SimpleUploadedFile("cases.csv", ONE_ROW, content_type="text/csv")


def matrix_request(client, name: str, *, api: bool, case, token: str | None):
    if not api:
        if name == "cases:details_edit":
            return client.get(reverse(name, kwargs={"case_id": case.pk}))
        if name == "cases:htcds_export":
            return client.get(reverse(name) + "?format=csv")
        return client.post(reverse(name), {"file": _upload(), "mode": "all_or_nothing"})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if name == "details_get":
        return client.get(f"/api/v1/cases/{case.pk}/details", **headers)
    if name == "details_update":
        return client.put(f"/api/v1/cases/{case.pk}/details", {"details": {"gender": "Feminine"}},
                          content_type="application/json", **headers)
    if name == "htcds_export":
        return client.get("/api/v1/cases/htcds/export?format=csv", **headers)
    return client.post("/api/v1/cases/htcds/import", {"file": _upload(), "mode": "all_or_nothing"}, **headers)
