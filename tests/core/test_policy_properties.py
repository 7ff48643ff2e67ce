"""Property: for every actor, action and case, the single-object answer equals queryset membership."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from alliance.cases.models import Case, CaseShare, Person
from alliance.core import policy
from alliance.core import roles as R
from alliance.core.models import EmergencyOverride, Realm
from alliance.directory.selectors import live_realm
from tests import factories

ACTIONS = [R.CASE_VIEW, R.CASE_LIST, R.CASE_SEARCH, R.CASE_EXPORT, R.CASE_CREATE, R.CASE_SHARE, "case.unknown"]

world = st.fixed_dictionaries({
    "cases": st.lists(st.tuples(st.integers(0, 2), st.booleans()), min_size=1, max_size=6),  # (owner, exercise?)
    "shares": st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2), st.sampled_from(["full", "limited"]),
                                 st.booleans()), max_size=6),  # (case, org, scope, revoked?)
    "overrides": st.lists(st.tuples(st.integers(0, 5), st.booleans()), max_size=3),  # (case, expired?)
    "actor_org": st.integers(0, 2),
    "roles": st.sets(st.sampled_from(sorted(R.ALL_ROLES)), min_size=1, max_size=3),
    "in_exercise": st.booleans(),
})


class TestPolicyAgreement(TestCase):
    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(spec=world)
    def test_can_equals_scope_membership(self, spec):
        orgs = [factories.organisation() for _ in range(3)]
        live = live_realm()
        exercise = Realm.objects.create(slug=f"ex-{Realm.objects.count()}", name="Ex", kind=Realm.Kind.EXERCISE)
        cases = []
        for number, (owner, in_exercise) in enumerate(spec["cases"]):
            realm = exercise if in_exercise else live
            person = Person.objects.create(realm=realm, given_name="A", family_name="B")
            cases.append(Case.objects.create(realm=realm, number=f"P-{number}", pseudonym="p", person=person,
                                             owner_organisation=orgs[owner]))
        for case_index, org_index, scope, revoked in spec["shares"]:
            if case_index < len(cases):
                CaseShare.objects.filter(case=cases[case_index], organisation=orgs[org_index],
                                         revoked_at__isnull=True).delete()
                CaseShare.objects.create(case=cases[case_index], organisation=orgs[org_index], scope=scope,
                                         purpose="p", revoked_at=timezone.now() if revoked else None)
        membership = factories.member(orgs[spec["actor_org"]], sorted(spec["roles"]))
        realm = exercise if spec["in_exercise"] else live
        actor = factories.actor(membership, realm)
        for case_index, expired in spec["overrides"]:
            if case_index < len(cases):
                delta = dt.timedelta(hours=-1 if expired else 1)
                EmergencyOverride.objects.create(user=membership.user, realm=cases[case_index].realm,
                                                 object_type="case", object_id=cases[case_index].pk,
                                                 justification="j" * 20, expires_at=timezone.now() + delta)
        for action in ACTIONS:
            listed = set(policy.CASE.scope(actor, action).values_list("pk", flat=True))
            full = dict(policy.CASE.with_field_scope(actor, action, policy.CASE.scope(actor, action))
                        .values_list("pk", "full_scope"))
            for case in cases:
                assert policy.CASE.can(actor, action, case) == (case.pk in listed), (action, case.number)
                if case.realm_id != actor.realm_id:
                    assert case.pk not in listed
                if case.pk in listed:
                    # Row-by-row field limits (lists, exports) agree with the single-object answer.
                    assert (policy.CASE.visible_fields(actor, action, case) is None) == bool(full[case.pk])


@pytest.mark.django_db
def test_trainer_rights_do_not_reach_the_live_realm():
    org = factories.organisation()
    membership = factories.member(org, [R.TRAINER])
    assert not factories.actor(membership).has_action(R.CASE_VIEW)
    exercise = factories.exercise_realm("T")
    assert factories.actor(membership, exercise).has_action(R.CASE_VIEW)


@pytest.mark.django_db
def test_override_on_a_limited_share_shows_the_whole_file():
    from alliance.cases.services import case_create, case_override

    police, shelter = factories.organisation(), factories.organisation()
    owner = factories.actor(factories.member(police, [R.INVESTIGATOR]))
    case = case_create(actor=owner, given_name="Lim", family_name="Ited")
    factories.share(actor=owner, case_id=case.pk, organisation_id=shelter.pk, scope="limited", purpose="p")
    worker = factories.actor(factories.member(shelter, [R.CASE_WORKER]))
    assert policy.CASE.visible_fields(worker, R.CASE_VIEW, case) == policy.CASE_LIMITED_FIELDS
    case_override(actor=worker, case_id=case.pk, justification="Risk to life; owner unreachable tonight.")
    assert policy.CASE.visible_fields(worker, R.CASE_VIEW, case) is None
    annotated = policy.CASE.with_field_scope(worker, R.CASE_VIEW, policy.CASE.scope(worker, R.CASE_VIEW)).get()
    assert annotated.full_scope
