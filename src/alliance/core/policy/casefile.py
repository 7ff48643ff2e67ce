"""Who reads which note or document of a case file they already read in full: its sensitivity decides.

Standard parts are read by everyone with the full file, confidential ones by the author's organisation
only, restricted ones by their author only. The rule is written for one row and for a queryset side by
side; tests/cases/test_casefile_visibility.py checks that the two agree.
"""

from __future__ import annotations

from django.db.models import Q

from alliance.core.actor import Actor

# The values of cases.Note.Sensitivity and cases.Document.Sensitivity (core names no app's models).
STANDARD, CONFIDENTIAL, RESTRICTED = "standard", "confidential", "restricted"


def may_read_part(actor: Actor, *, sensitivity: str, organisation_id: int | None, author_id: int | None) -> bool:
    if sensitivity == STANDARD:
        return True
    if sensitivity == CONFIDENTIAL:
        return organisation_id is not None and organisation_id == actor.organisation_id
    return sensitivity == RESTRICTED and author_id is not None and author_id == actor.user_id


def readable_parts(actor: Actor, *, author_field: str) -> Q:
    return (Q(sensitivity=STANDARD)
            | Q(sensitivity=CONFIDENTIAL, organisation_id=actor.organisation_id)
            | Q(sensitivity=RESTRICTED, **{author_field: actor.user_id}))
