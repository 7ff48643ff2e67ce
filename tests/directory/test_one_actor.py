"""A token acts as the session it was issued from: the same user, organisation, roles, realm and rights
(directory/selectors.py member_actor builds both), and one rule decides when a session needs a second factor
(core/policy/session.py), for pages and for the API's session alike."""

from __future__ import annotations

import dataclasses

import pytest
from django.test import RequestFactory
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.middleware import SESSION_MEMBERSHIP, SESSION_REALM
from alliance.core.policy import second_factor_required
from alliance.directory.selectors import actor_for_session, live_realm
from alliance.directory.services import token_issue, token_resolve
from tests import factories


def _session_actor(membership, realm):
    request = RequestFactory().get("/")
    request.user = membership.user
    request.session = {SESSION_MEMBERSHIP: membership.pk, SESSION_REALM: realm.pk}
    request.META["REMOTE_ADDR"] = "127.0.0.1"
    return actor_for_session(request=request)


def _same_rights(actor):
    return dataclasses.replace(actor, channel="-", address="-")


class TestTokenActsAsItsSession(TestCase):
    @settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(roles=st.sets(st.sampled_from(sorted(R.ALL_ROLES)), min_size=1, max_size=3), org_admin=st.booleans(),
           in_exercise=st.booleans())
    def test_a_token_actor_equals_the_session_actor(self, roles, org_admin, in_exercise):
        membership = factories.member(factories.organisation(), sorted(roles), org_admin=org_admin)
        realm = live_realm()
        if in_exercise:
            realm = factories.exercise_realm(f"Drill {membership.pk}")
            realm.participants.add(membership.user)
        session = _session_actor(membership, realm)
        assert session.realm_id == realm.pk and session.user_id == membership.user_id
        _token, raw = token_issue(actor=session, name="script", days=1)
        token = token_resolve(raw=raw, address="127.0.0.1").actor
        assert token.channel == "api" and session.channel == "web"
        assert _same_rights(token) == _same_rights(session)
        assert token.actions == session.actions


@pytest.mark.parametrize("demanded", [True, False])
def test_one_rule_decides_the_second_factor(settings, demanded):
    settings.ALLIANCE_REQUIRE_SECOND_FACTOR = demanded
    reader, trainee = _actor_with(R.CASE_WORKER), _actor_with(R.TRAINEE)
    assert second_factor_required(reader, enrolled=False) is demanded
    assert second_factor_required(trainee, enrolled=False) is False  # exercise roles read no personal data
    assert second_factor_required(trainee, enrolled=True) is True  # once enrolled, always asked


def _actor_with(role: str) -> Actor:
    return Actor(user_id=1, organisation_id=1, roles=frozenset({role}), realm_id=1)
