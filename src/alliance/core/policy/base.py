"""The machinery of the access policy: relations, object policies, field scopes.

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
from django.db.models import BooleanField, Exists, ExpressionWrapper, Q, QuerySet

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


def may(actor: Actor, action: str) -> bool:
    """May the actor perform this kind of action at all (on some object)? Used for menus and 403s."""
    return actor.is_authenticated and actor.has_action(action)
