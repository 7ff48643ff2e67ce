"""Documents through the page and the API: refusals, metadata stripped, encrypted at rest and bound to their
row, served as an attachment that is never sniffed or cached, every download audited."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from alliance.cases.domain.uploads import ALLOWED
from alliance.cases.models import Document
from alliance.cases.services.casefile import document_get_content, document_upload
from alliance.cases.services.casefile.documents import content_context
from alliance.core.encryption import DecryptionError, decrypt_bytes
from alliance.core.errors import ValidationFailed
from alliance.core.models import AuditEvent
from tests.cases.casefile_world import PDF, SECRET, desk_fixture, jpeg_with_gps, png, upload  # noqa: F401

pytestmark = pytest.mark.django_db


def _page_upload(client, desk, content, name, content_type="application/octet-stream", **fields):
    client.force_login(desk.police.user)
    return client.post(f"/cases/{desk.case.pk}/documents/", {"file": upload(content, name, content_type),
                                                             "sensitivity": "standard", **fields}, follow=True)


def test_upload_and_download_through_the_page(client, desk):
    page = _page_upload(client, desk, PDF, "statement.pdf", "application/pdf", title="Witness statement")
    assert "The document is stored." in page.content.decode()
    document = Document.objects.get()
    assert (document.title, document.filename, document.content_type, document.size) == (
        "Witness statement", "statement.pdf", "application/pdf", len(PDF))
    assert f"/cases/documents/{document.pk}/" in page.content.decode()
    response = client.get(f"/cases/documents/{document.pk}/")
    assert response.status_code == 200 and response.content == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename=\"statement.pdf\"; filename*=UTF-8''statement.pdf"
    assert response["X-Content-Type-Options"] == "nosniff" and response["Cache-Control"] == "no-store"
    assert "sandbox" in response["Content-Security-Policy"]
    assert AuditEvent.objects.filter(action="export", object_type="document", object_id=str(document.pk),
                                     user_id=desk.police.user_id).count() == 1


def test_a_non_latin_name_is_given_per_rfc_5987(client, desk):
    _page_upload(client, desk, PDF, "Заявление \"1\".pdf")
    response = client.get(f"/cases/documents/{Document.objects.get().pk}/")
    assert response["Content-Disposition"] == (
        "attachment; filename=\"_________ _1_.pdf\"; "
        "filename*=UTF-8''%D0%97%D0%B0%D1%8F%D0%B2%D0%BB%D0%B5%D0%BD%D0%B8%D0%B5%20%221%22.pdf")


@pytest.mark.parametrize(("content", "name", "declared", "message"), [
    (png(), "report.pdf", "application/pdf", "name or type says otherwise"),
    (b"<html><script>alert(1)</script></html>", "statement.pdf", "application/pdf", "not what its name"),
    (b"", "empty.pdf", "application/pdf", "The file is empty."),
    (b"\x7fELF\x02\x01\x01" + b"\x00" * 100, "tool.bin", "application/octet-stream", "not accepted"),
])
def test_refusals_through_the_page_store_nothing(client, desk, content, name, declared, message):
    page = _page_upload(client, desk, content, name, declared).content.decode()
    assert message in page.replace("&quot;", '"').replace("&#x27;", "'")
    assert not Document.objects.exists()


def test_oversized_is_refused_through_the_page_and_the_api(client, desk, settings):
    settings.ALLIANCE_MAX_UPLOAD_MB = 1
    big = PDF[:-6] + b" " * (1024 * 1024) + b"%%EOF\n"
    assert "larger than 1 MB" in _page_upload(client, desk, big, "big.pdf").content.decode()
    response = client.post(f"/api/v1/cases/{desk.case.pk}/documents", {"file": upload(big, "big.pdf")},
                           **desk.api(client, "police"))
    assert response.status_code == 422 and "file" in response.json()["error"]["details"]
    assert not Document.objects.exists()


def test_exif_gps_is_gone_after_upload_and_download_through_the_api(client, desk):
    auth = desk.api(client, "police")
    response = client.post(f"/api/v1/cases/{desk.case.pk}/documents",
                           {"file": upload(jpeg_with_gps(), "photo.jpg", "image/jpeg"), "title": "Photo of bruise",
                            "sensitivity": "confidential"}, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["content_type"] == "image/jpeg" and body["sensitivity"] == "confidential"
    download = client.get(f"/api/v1/cases/documents/{body['id']}/content", **auth)
    assert download.status_code == 200 and download["X-Content-Type-Options"] == "nosniff"
    assert download["Content-Disposition"].startswith("attachment;")
    image = Image.open(io.BytesIO(download.content))
    assert not image.getexif() and "exif" not in image.info and "xmp" not in image.info
    assert b"DreamPhone" not in download.content and b"Dream Street" not in download.content
    listed = client.get(f"/api/v1/cases/{desk.case.pk}/documents", **auth).json()
    assert [d["id"] for d in listed["items"]] == [body["id"]] and listed["items"][0]["sha256"] == body["sha256"]


def test_stored_encrypted_and_bound_to_the_document(desk):
    first = document_upload(actor=desk.actor("police"), case_id=desk.case.pk, file=upload(PDF, "a.pdf"))
    second = document_upload(actor=desk.actor("police"), case_id=desk.case.pk, file=upload(png(), "b.png"))
    stored = bytes(Document.objects.values_list("content", flat=True).get(pk=first.pk))
    assert SECRET not in stored and b"%PDF" not in stored and stored.startswith(b"a1:")
    assert decrypt_bytes(stored, context=content_context(document_id=first.pk)) == PDF
    with pytest.raises(DecryptionError):
        decrypt_bytes(stored, context=content_context(document_id=second.pk))
    # Content copied onto another row does not decrypt there: the download fails rather than mislead.
    Document.objects.filter(pk=second.pk).update(content=stored)
    with pytest.raises(DecryptionError):
        document_get_content(actor=desk.actor("police"), document_id=second.pk)
    assert document_get_content(actor=desk.actor("police"), document_id=first.pk)[1] == PDF


def test_lists_never_load_the_content(client, desk, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    document_upload(actor=desk.actor("police"), case_id=desk.case.pk, file=upload(PDF, "a.pdf"))
    client.force_login(desk.police.user)
    auth = desk.api(client, "police")
    with CaptureQueriesContext(connection) as queries:
        client.get(f"/api/v1/cases/{desk.case.pk}/documents", **auth)
        client.get(f"/cases/{desk.case.pk}/")
        client.get(f"/api/v1/cases/{desk.case.pk}/timeline", **auth)
    reads = [q["sql"] for q in queries.captured_queries if "cases_document" in q["sql"] and "SELECT" in q["sql"]]
    assert reads and not any('"content"' in sql for sql in reads)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.binary(max_size=512), magic=st.sampled_from([b"", b"%PDF-", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff",
                                                            b"PK\x03\x04"]),
       name=st.sampled_from(["x.pdf", "x.png", "x.jpg", "x.docx", "x.html", "x"]))
def test_random_uploads_through_the_api_never_fail_and_never_store_an_unknown_type(client, desk, body, magic, name):
    auth = getattr(desk, "_auth", None) or desk.api(client, "police")
    desk._auth = auth
    response = client.post(f"/api/v1/cases/{desk.case.pk}/documents", {"file": upload(magic + body, name)}, **auth)
    assert response.status_code in (201, 422), response.content
    assert set(Document.objects.values_list("content_type", flat=True)) <= set(ALLOWED)


def test_service_refuses_a_missing_file(desk):
    with pytest.raises(ValidationFailed) as caught:
        document_upload(actor=desk.actor("police"), case_id=desk.case.pk, file=None)
    assert "file" in caught.value.errors


def test_key_rotation_moves_documents_and_retiring_waits_for_them(own_keyring, desk):
    from alliance.core import key_rotation as kr

    documents = [document_upload(actor=desk.actor("police"), case_id=desk.case.pk, file=upload(content, name))
                 for content, name in ((PDF, "a.pdf"), (png(), "b.png"), (PDF, "c.pdf"))]
    assert kr.key_usage().field["f1"] >= 3

    class Interrupted(Exception):
        pass

    def stop_at_the_first_document(_steps):
        if any(bytes(c).startswith(b"a1:f2:") for c in Document.objects.values_list("content", flat=True)):
            raise Interrupted

    with pytest.raises(Interrupted):
        kr.field_keys_rotate(progress=stop_at_the_first_document, batch_size=1)
    with pytest.raises(kr.KeysInUse):
        kr.field_keys_retire()  # a document still needs the old key
    kr.field_keys_rotate(resume=True)
    assert kr.field_keys_retire() == ["f1"]
    for document in documents:
        stored = bytes(Document.objects.values_list("content", flat=True).get(pk=document.pk))
        assert stored.startswith(b"a1:f2:")
        assert document_get_content(actor=desk.actor("police"), document_id=document.pk)[1] \
            == decrypt_bytes(stored, context=content_context(document_id=document.pk))


def test_a_large_upload_never_touches_the_disk_in_clear(client, desk, monkeypatch):
    """Django spools uploads over 2.5 MB to a temporary file by default; a victim's statement must not sit
    on disk unencrypted, even for a moment."""
    from django.core.files import uploadedfile

    spooled = []
    original = uploadedfile.TemporaryUploadedFile.__init__

    def spy(self, *args, **kwargs):
        spooled.append(args[0] if args else kwargs.get("name"))
        original(self, *args, **kwargs)

    monkeypatch.setattr(uploadedfile.TemporaryUploadedFile, "__init__", spy)
    big = PDF.replace(b"%%EOF", b"% " + b"x" * (4 * 1024 * 1024) + b"\n%%EOF")
    page = _page_upload(client, desk, big, "statement.pdf", "application/pdf", title="Long statement")
    assert "The document is stored." in page.content.decode()
    assert spooled == []
