"""Audit events, staff memberships and background jobs."""

from __future__ import annotations

from django.db.models import Q

from alliance.core import roles as R
from alliance.core.policy.base import ObjectPolicy, Relation

# --- Audit events: an auditor reads the events of their own organisation's staff -------------------
AUDIT_EVENT = ObjectPolicy(
    object_type="audit_event",
    model_label="core.AuditEvent",
    realm_bound=False,
    relations=(
        Relation(
            name="own_organisation",
            grants=frozenset({R.AUDIT_VIEW}),
            holds=lambda actor, event: event.organisation_id == actor.organisation_id,
            where=lambda actor: Q(organisation_id=actor.organisation_id),
        ),
    ),
)

# --- Staff: organisation admins manage their own organisation; system administrators every one ----
MEMBERSHIP = ObjectPolicy(
    object_type="membership",
    model_label="directory.Membership",
    realm_bound=False,
    relations=(
        Relation(
            name="system_administrator",
            grants=frozenset({R.STAFF_MANAGE}),
            holds=lambda actor, m: actor.has_role(R.SYSTEM_ADMINISTRATOR),
            # Not Q(): an empty Q vanishes when ORed, which would silently grant nothing.
            where=lambda actor: Q(pk__isnull=False) if actor.has_role(R.SYSTEM_ADMINISTRATOR) else Q(pk__in=[]),
        ),
        Relation(
            name="organisation_admin",
            grants=frozenset({R.STAFF_MANAGE}),
            holds=lambda actor, m: actor.is_organisation_admin and m.organisation_id == actor.organisation_id,
            where=lambda actor: Q(organisation_id=actor.organisation_id)
            if actor.is_organisation_admin
            else Q(pk__in=[]),
        ),
    ),
)

# --- Background jobs: their starter, or colleagues with the right to see jobs ----------------------
JOB = ObjectPolicy(
    object_type="job",
    model_label="core.JobRun",
    realm_bound=False,
    relations=(
        Relation(
            name="starter",
            grants=frozenset({R.JOB_VIEW}),
            holds=lambda actor, job: job.user_id == actor.user_id,
            where=lambda actor: Q(user_id=actor.user_id),
        ),
    ),
)

