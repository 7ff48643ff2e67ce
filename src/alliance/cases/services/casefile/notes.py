"""Case notes: written once, never edited, each with the sensitivity that decides who reads it."""

from __future__ import annotations

from django.db import transaction

from alliance.cases.domain.checks import choice, clean_text
from alliance.cases.models import Note
from alliance.cases.services.casefile.gate import editable_case
from alliance.core import audit
from alliance.core.actor import Actor
from alliance.core.errors import ValidationFailed

BODY_MAX = 10_000


def note_add(*, actor: Actor, case_id: int, body: str, sensitivity: str = Note.Sensitivity.STANDARD) -> Note:
    case = editable_case(actor=actor, case_id=case_id, what="note")
    errors: dict[str, list[str]] = {}
    body = clean_text(body, "body", required=True, max_length=BODY_MAX, errors=errors)
    choice(sensitivity, Note.Sensitivity.values, "sensitivity", errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        note = Note.objects.create(case=case, organisation_id=actor.organisation_id, author_id=actor.user_id,
                                   sensitivity=sensitivity, body=body)
        audit.record(actor=actor, action="create", object_type="note", object_id=note.pk,
                     fields=["body", f"sensitivity:{sensitivity}"], reason=f"case {case.pk}")
    return note
