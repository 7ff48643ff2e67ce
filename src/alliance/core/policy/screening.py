"""Screenings and what a facility dashboard may count."""

from __future__ import annotations

from django.db.models import Q

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.base import ObjectPolicy, Relation, may

# --- Screenings: the organisation that made them (a screening names nobody until it becomes a case) ----
SCREENING = ObjectPolicy(
    object_type="screening",
    model_label="screening.Screening",
    relations=(
        Relation(
            name="own_organisation",
            grants=frozenset({R.SCREENING_VIEW}),
            holds=lambda actor, screening: screening.organisation_id == actor.organisation_id,
            where=lambda actor: Q(organisation_id=actor.organisation_id),
        ),
    ),
)

# --- Catalogues: who edits them, and who may take the XLSForm export ------------------------------------
def may_edit_catalogues(actor: Actor) -> bool:
    """Drafts, translations, publishing and retiring: catalogue editors only (draft versions are theirs)."""
    return may(actor, R.CATALOGUE_EDIT)


def may_download_xlsform(actor: Actor) -> bool:
    """The published catalogue as an XLSForm, for field kits: whoever screens, and the editors. It holds
    questions, never answers."""
    return may(actor, R.SCREENING_CONDUCT) or may(actor, R.CATALOGUE_EDIT)


# --- Screening aggregates: what a facility dashboard may count (it never shows a person) -----------------
SCREENING_AGGREGATES_REALM_WIDE = frozenset({R.NATIONAL_COORDINATOR, R.ANALYST})


def screening_aggregates_realm_wide(actor: Actor) -> bool:
    """Co-ordinators and analysts count every facility of their realm; a reception manager only their own."""
    return may(actor, R.SCREENING_DASHBOARD) and bool(actor.roles & SCREENING_AGGREGATES_REALM_WIDE)


def screening_aggregate_scope(actor: Actor) -> Q | None:
    """The screenings the actor's dashboard may count, or None when it may count none."""
    if not may(actor, R.SCREENING_DASHBOARD):
        return None
    if screening_aggregates_realm_wide(actor):
        return Q(realm_id=actor.realm_id)
    if actor.organisation_id is None:
        return None
    return Q(realm_id=actor.realm_id, organisation_id=actor.organisation_id)


