"""The one access policy: who may do what to which object.

Roles grant actions (roles.py); relations grant objects (this module). Each rule below answers both
questions from the same definition: `can(actor, action, obj)` evaluates each relation's predicate on one
object, and `scope(actor, action, queryset)` ORs the same relations' query expressions. A property test
(tests/core/test_policy_properties.py) checks that the two always agree. Anything not listed is denied.

Models are named by label and resolved lazily, so core imports no other app.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q, QuerySet
from django.utils import timezone

from alliance.core import roles as R
from alliance.core.actor import Actor

FULL = "full"
LIMITED = "limited"

# A limited share exposes these case fields only, on every path (UI, API, search, export).
# The NRM stage and the trafficking status (the decision) are shared; who decided, when, why, the deadlines
# and whether the person is a child are not (cases/selectors/nrm.py).
CASE_LIMITED_FIELDS = frozenset({"id", "number", "status", "pseudonym", "owner_organisation", "created_at",
                                 "nrm_stage", "trafficking_status"})


@dataclass(frozen=True)
class Relation:
    name: str
    grants: frozenset[str]
    holds: Callable[[Actor, object], bool]  # on one object
    where: Callable[[Actor], Q | Exists]  # on a queryset
    field_scope: str = FULL


@dataclass(frozen=True)
class ObjectPolicy:
    object_type: str
    model_label: str
    relations: tuple[Relation, ...]
    realm_bound: bool = True

    @property
    def model(self):
        return apps.get_model(self.model_label)

    def relation(self, actor: Actor, action: str, obj) -> Relation | None:
        if not actor.is_authenticated or not actor.has_action(action):
            return None
        if self.realm_bound and obj.realm_id != actor.realm_id:
            return None
        for relation in self.relations:
            if action in relation.grants and relation.holds(actor, obj):
                return relation
        return None

    def can(self, actor: Actor, action: str, obj) -> bool:
        return self.relation(actor, action, obj) is not None

    def scope(self, actor: Actor, action: str, queryset: QuerySet | None = None) -> QuerySet:
        queryset = self.model.objects.all() if queryset is None else queryset
        if not actor.is_authenticated or not actor.has_action(action):
            return queryset.none()
        condition = Q(pk__in=[])
        for relation in self.relations:
            if action in relation.grants:
                condition |= relation.where(actor)
        if self.realm_bound:
            queryset = queryset.filter(realm_id=actor.realm_id)
        return queryset.filter(condition)

    def visible_fields(self, actor: Actor, action: str, obj) -> frozenset[str] | None:
        """None means every field; a set means only those fields may leave the service layer."""
        relation = self.relation(actor, action, obj)
        if relation is None:
            return frozenset()
        return fields_of_scope(relation.field_scope)

    def with_field_scope(self, actor: Actor, action: str, queryset: QuerySet) -> QuerySet:
        """Annotate each row with whether a full-scope relation grants it (`full_scope`), so a list or an
        export limits fields row by row without one query per row. Rows come from scope(), so some
        relation holds; when no full one does, the row is limited."""
        condition = Q(pk__in=[])
        for relation in self.relations:
            if action in relation.grants and relation.field_scope == FULL:
                condition |= relation.where(actor)
        return queryset.annotate(full_scope=ExpressionWrapper(condition, output_field=BooleanField()))


def fields_of_scope(field_scope: str) -> frozenset[str] | None:
    return CASE_LIMITED_FIELDS if field_scope == LIMITED else None


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

POLICIES: dict[str, ObjectPolicy] = {p.object_type: p for p in (CASE, AUDIT_EVENT, MEMBERSHIP, JOB, SCREENING)}

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


def policy_for(object_type: str) -> ObjectPolicy:
    return POLICIES[object_type]


def can(actor: Actor, action: str, object_type: str, obj) -> bool:
    policy = POLICIES.get(object_type)
    return policy is not None and policy.can(actor, action, obj)


def may(actor: Actor, action: str) -> bool:
    """May the actor perform this kind of action at all (on some object)? Used for menus and 403s."""
    return actor.is_authenticated and actor.has_action(action)
