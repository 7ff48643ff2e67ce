"""The one access policy: who may do what to which object, split by type.

base.py holds the machinery (a relation answers `can` on one object and `scope` on a queryset from one
definition; tests/core/test_policy_properties.py checks they agree); each other module holds the rules of
one kind of object. Anything not listed is denied. Callers import `alliance.core.policy` and use the names
re-exported here.
"""

from __future__ import annotations

from alliance.core.actor import Actor
from alliance.core.policy.base import (
    CASE_LIMITED_FIELDS,
    FULL,
    LIMITED,
    ObjectPolicy,
    Relation,
    fields_of_scope,
    may,
)
from alliance.core.policy.case import CASE
from alliance.core.policy.screening import (
    SCREENING,
    SCREENING_AGGREGATES_REALM_WIDE,
    screening_aggregate_scope,
    screening_aggregates_realm_wide,
)
from alliance.core.policy.staff import AUDIT_EVENT, JOB, MEMBERSHIP

POLICIES: dict[str, ObjectPolicy] = {p.object_type: p for p in (CASE, AUDIT_EVENT, MEMBERSHIP, JOB, SCREENING)}


def policy_for(object_type: str) -> ObjectPolicy:
    return POLICIES[object_type]


def can(actor: Actor, action: str, object_type: str, obj) -> bool:
    policy = POLICIES.get(object_type)
    return policy is not None and policy.can(actor, action, obj)


__all__ = ["AUDIT_EVENT", "CASE", "CASE_LIMITED_FIELDS", "FULL", "JOB", "LIMITED", "MEMBERSHIP", "POLICIES",
           "SCREENING", "SCREENING_AGGREGATES_REALM_WIDE", "ObjectPolicy", "Relation", "can", "fields_of_scope",
           "may", "policy_for", "screening_aggregate_scope", "screening_aggregates_realm_wide"]
