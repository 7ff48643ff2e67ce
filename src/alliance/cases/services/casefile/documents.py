"""Case documents: checked on their content (cases/domain/uploads.py), stored encrypted and bound to their row,
served only through the policy, every download audited."""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.utils.translation import gettext as _

from alliance.cases.domain.checks import choice, clean_text
from alliance.cases.domain.uploads import checked_upload, read_bounded
from alliance.cases.models import Document, Note
from alliance.cases.selectors.casefile import document_get_for
from alliance.cases.services.casefile.gate import editable_case
from alliance.core import audit
from alliance.core.actor import Actor
from alliance.core.encryption import DecryptionError, decrypt_bytes, encrypt_bytes, row_context
from alliance.core.errors import ValidationFailed

TITLE_MAX = 200


def content_context(*, document_id: int) -> str:
    # The row id is part of the associated data: content copied onto another document fails to decrypt.
    return row_context("cases.Document", "content", document_id)


def document_upload(*, actor: Actor, case_id: int, file, title: str = "",
                    sensitivity: str = Note.Sensitivity.STANDARD) -> Document:
    """`file` is an uploaded file (name, size, content_type, read)."""
    case = editable_case(actor=actor, case_id=case_id, what="document")
    errors: dict[str, list[str]] = {}
    title = clean_text(title, "title", required=False, max_length=TITLE_MAX, errors=errors)
    choice(sensitivity, Note.Sensitivity.values, "sensitivity", errors)
    if file is None:
        errors["file"] = [_("Choose a file to upload.")]
    if errors:
        raise ValidationFailed(errors)
    data = read_bounded(file, declared_size=getattr(file, "size", None))
    checked = checked_upload(data, filename=getattr(file, "name", "") or "",
                             declared_type=getattr(file, "content_type", "") or "")
    with transaction.atomic():
        document = Document.objects.create(
            case=case, organisation_id=actor.organisation_id, title=title or checked.filename,
            filename=checked.filename, content_type=checked.content_type, size=checked.size,
            sha256=checked.sha256, sensitivity=sensitivity, content=b"", uploaded_by_id=actor.user_id,
        )
        Document.objects.filter(pk=document.pk).update(
            content=encrypt_bytes(checked.content, context=content_context(document_id=document.pk)))
        audit.record(actor=actor, action="create", object_type="document", object_id=document.pk,
                     fields=["title", "filename", "content", f"content_type:{checked.content_type}",
                             f"sensitivity:{sensitivity}"], reason=f"case {case.pk}")
    return document


def document_get_content(*, actor: Actor, document_id: int) -> tuple[Document, bytes]:
    """The document and its plaintext, for a download; audited as an export of the content."""
    document = document_get_for(actor=actor, document_id=document_id)
    sealed = Document.objects.filter(pk=document.pk).values_list("content", flat=True).get()
    content = decrypt_bytes(sealed, context=content_context(document_id=document.pk))
    if hashlib.sha256(content).hexdigest() != document.sha256:
        raise DecryptionError(f"document {document.pk}: content does not match its checksum")
    audit.record(actor=actor, action="export", object_type="document", object_id=document.pk,
                 fields=["content"], reason=f"case {document.case_id}")
    return document, content
