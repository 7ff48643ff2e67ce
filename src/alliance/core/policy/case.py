"""Who may do what to a victim's case: its owner, organisations it is shared with, emergency overrides."""

from __future__ import annotations

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.base import FULL, LIMITED, ObjectPolicy, Relation

# --- Cases ---------------------------------------------------------------------------------------
_CASE_ALL = frozenset({R.CASE_VIEW, R.CASE_LIST, R.CASE_SEARCH, R.CASE_EXPORT, R.CASE_CREATE, R.CASE_SHARE,
                       R.CASE_DECIDE, R.CASE_PROGRESS, R.CASE_EDIT, R.CASE_ACCESS_LOG, R.CASE_DATA_PROTECTION})
_CASE_READ = frozenset({R.CASE_VIEW, R.CASE_LIST, R.CASE_SEARCH, R.CASE_EXPORT})
# A full share lets the receiver act on the case too (the competent authority decides on cases shared with
# it; a shelter moves its residents through assistance). A limited share only reads.
_CASE_SHARED_WORK = _CASE_READ | {R.CASE_DECIDE, R.CASE_PROGRESS, R.CASE_EDIT}


def _active_share(actor: Actor, scope: str):
    """Accepted shares in this scope. A referral still waiting for an answer lets the receiver read the
    limited fields only, whatever scope it offers, so it can decide without seeing the file."""
    share = apps.get_model("cases.CaseShare")
    live = share.objects.filter(organisation_id=actor.organisation_id, revoked_at__isnull=True)
    if scope == FULL:
        return live.filter(scope=FULL, status="accepted")
    return live.filter(Q(scope=LIMITED, status="accepted") | Q(status="pending"))


def _active_override(actor: Actor):
    override = apps.get_model("core.EmergencyOverride")
    return override.objects.filter(
        user_id=actor.user_id, realm_id=actor.realm_id, object_type="case", expires_at__gt=timezone.now()
    )


def _shared(scope: str) -> Relation:
    return Relation(
        name=f"shared_{scope}",
        grants=_CASE_SHARED_WORK if scope == FULL else _CASE_READ,
        holds=lambda actor, case: _active_share(actor, scope).filter(case_id=case.pk).exists(),
        where=lambda actor: Exists(_active_share(actor, scope).filter(case_id=OuterRef("pk"))),
        field_scope=scope,
    )


# Relations are tried in order and full-scope ones come first, so an emergency override on a case that is
# also shared with a limited scope shows the whole file (as with_field_scope does for lists).
CASE = ObjectPolicy(
    object_type="case",
    model_label="cases.Case",
    relations=(
        Relation(
            name="own",
            grants=_CASE_ALL,
            holds=lambda actor, case: case.owner_organisation_id == actor.organisation_id,
            where=lambda actor: Q(owner_organisation_id=actor.organisation_id),
        ),
        # Packages abroad leave from the live realm only, and only the owner sends them (an exercise case is
        # never real enough to leave the installation).
        Relation(
            name="own_live",
            grants=frozenset({R.CASE_SEND_ABROAD}),
            holds=lambda actor, case: (not actor.realm_is_exercise
                                       and case.owner_organisation_id == actor.organisation_id),
            where=lambda actor: (Q(pk__in=[]) if actor.realm_is_exercise
                                 else Q(owner_organisation_id=actor.organisation_id)),
        ),
        _shared(FULL),
        Relation(
            name="override",
            grants=frozenset({R.CASE_VIEW}),
            holds=lambda actor, case: _active_override(actor).filter(object_id=case.pk).exists(),
            where=lambda actor: Exists(_active_override(actor).filter(object_id=OuterRef("pk"))),
        ),
        _shared(LIMITED),
    ),
)

