"""Property: for every policy, actor, action and object, the single-object answer (can) equals queryset
membership (scope)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from alliance.cases.models import Case, CaseShare, Person
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.models import EmergencyOverride, JobRun, Realm
from alliance.directory.selectors import live_realm
from alliance.investigations.models import InvestigationMember
from alliance.screening.models import Screening
from tests import factories
from tests.exercises.test_programme_world import policy_world as programme_world
from tests.investigations.matrix_world import policy_world as investigation_world

# Every action any role grants, and one nobody does (deny by default).
ACTIONS = sorted({action for actions in R.ROLE_ACTIONS.values() for action in actions} | {"case.unknown"})

world = st.fixed_dictionaries({
    "cases": st.lists(st.tuples(st.integers(0, 2), st.booleans()), min_size=1, max_size=6),  # (owner, exercise?)
    # (case, org, scope, status, revoked?): pending referrals, accepted and declined ones, revoked or live.
    "shares": st.lists(st.tuples(st.integers(0, 5), st.integers(0, 2), st.sampled_from(["full", "limited"]),
                                 st.sampled_from(["pending", "accepted", "declined"]), st.booleans()), max_size=6),
    "overrides": st.lists(st.tuples(st.integers(0, 5), st.booleans()), max_size=3),  # (case, expired?)
    "actor_org": st.integers(0, 2),
    "roles": st.sets(st.sampled_from(sorted(R.ALL_ROLES)), min_size=1, max_size=3),
    "org_admin": st.booleans(),
    "in_exercise": st.booleans(),
    # (investigation of setUp, role on its team)
    "teams": st.lists(st.tuples(st.integers(0, 3), st.sampled_from(["lead", "member"])), max_size=3,
                      unique_by=lambda t: t[0]),
})


def _agree(policy_, actor, action, objects):
    """can() and scope() give one answer for every object."""
    listed = set(policy_.scope(actor, action).values_list("pk", flat=True))
    for obj in objects:
        assert policy_.can(actor, action, obj) == (obj.pk in listed), (policy_.object_type, action, obj.pk)
        if policy_.realm_bound and obj.realm_id != actor.realm_id:
            assert obj.pk not in listed
    return listed


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
        for case_index, org_index, scope, status, revoked in spec["shares"]:
            if case_index < len(cases):
                CaseShare.objects.filter(case=cases[case_index], organisation=orgs[org_index],
                                         revoked_at__isnull=True).delete()
                CaseShare.objects.create(case=cases[case_index], organisation=orgs[org_index], scope=scope,
                                         purpose="p", status=status,
                                         revoked_at=timezone.now() if revoked or status == "declined" else None)
        membership = factories.member(orgs[spec["actor_org"]], sorted(spec["roles"]), org_admin=spec["org_admin"])
        realm = exercise if spec["in_exercise"] else live
        actor = factories.actor(membership, realm)
        for case_index, expired in spec["overrides"]:
            if case_index < len(cases):
                delta = dt.timedelta(hours=-1 if expired else 1)
                EmergencyOverride.objects.create(user=membership.user, realm=cases[case_index].realm,
                                                 object_type="case", object_id=cases[case_index].pk,
                                                 justification="j" * 20, expires_at=timezone.now() + delta)
        # The actor on some teams, as lead or member, in both realms (investigations of both organisations).
        for index, role in spec["teams"]:
            InvestigationMember.objects.create(investigation=self.investigations[index], user=membership.user,
                                               role=role)
        for action in ACTIONS:
            listed = _agree(policy.CASE, actor, action, cases)
            full = dict(policy.CASE.with_field_scope(actor, action, policy.CASE.scope(actor, action))
                        .values_list("pk", "full_scope"))
            for case in cases:
                if case.pk in listed:
                    # Row-by-row field limits (lists, exports) agree with the single-object answer.
                    assert (policy.CASE.visible_fields(actor, action, case) is None) == bool(full[case.pk])
            # The other types, on a few objects of each organisation and realm.
            _agree(policy.SCREENING, actor, action, self.screenings)
            _agree(policy.MEMBERSHIP, actor, action, [membership, *self.memberships])
            _agree(policy.AUDIT_EVENT, actor, action, self.events)
            _agree(policy.JOB, actor, action, [*self.jobs, JobRun.objects.create(kind="k", user_id=actor.user_id)])
            _agree(policy.PROGRAMME, actor, action, self.programmes)
            _agree(policy.APPLICANT, actor, action, self.applicants)
            _agree(policy.INVESTIGATION, actor, action, self.investigations)
            _agree(policy.INVESTIGATION_LEAD, actor, action, self.investigations)
            _agree(policy.XREF_HIT, actor, action, self.hits)

    def setUp(self):
        super().setUp()
        live, exercise = live_realm(), factories.exercise_realm("Setup")
        orgs = [factories.organisation() for _ in range(2)]
        self.memberships = [factories.member(org, [R.CASE_WORKER]) for org in orgs]
        now = timezone.now()
        self.screenings = [
            Screening.objects.create(realm=realm, organisation=org, created_by=self.memberships[0].user,
                                     client_uuid=uuid.uuid4(), content_digest="d", started_at=now, finished_at=now,
                                     interviewer_language="en", interviewee_language="en", sex="female",
                                     age_group="18-24", is_child=False, work_type="labour", outcome="none",
                                     answers={}, explanation={})
            for realm in (live, exercise) for org in orgs]
        self.events = [audit.record(actor=factories.actor(m), action="view", object_type="case")
                       for m in self.memberships]
        self.jobs = [JobRun.objects.create(kind="k", user_id=m.user_id) for m in self.memberships]
        self.programmes, self.applicants = programme_world(orgs, (live, exercise))
        self.investigations, self.hits = investigation_world(orgs, (live, exercise))


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
