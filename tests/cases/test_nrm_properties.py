"""Property: random sequences of NRM steps by random roles never reach an invalid state and never let a
role act outside its rights; a refused step changes nothing."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from alliance.cases.domain import nrm
from alliance.cases.models import Case, CaseClock, NrmEvent
from alliance.cases.services import case_create, case_transition
from alliance.core import roles as R
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from tests import factories

ROLES = sorted(R.ALL_ROLES)
steps = st.lists(
    st.tuples(
        st.sampled_from(["owner", "partner", "stranger"]),  # whose organisation acts
        st.sampled_from(ROLES),
        st.sampled_from([*nrm.TRANSITIONS, "teleport"]),
        st.sampled_from(["", nrm.POSITIVE, nrm.NEGATIVE, "maybe"]),
        st.sampled_from(["", "Because the file says so"]),
    ),
    min_size=1, max_size=25,
)


def _snapshot(case_id: int):
    case = Case.objects.get(pk=case_id)
    return (case.nrm_stage, case.status, case.trafficking_status, NrmEvent.objects.filter(case_id=case_id).count(),
            CaseClock.objects.filter(case_id=case_id, stopped_on__isnull=True).count())


class TestRandomWorkflows(TestCase):
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(sequence=steps, is_child=st.booleans())
    def test_no_invalid_state_and_no_role_beyond_its_rights(self, sequence, is_child):
        orgs = {"owner": factories.organisation(), "partner": factories.organisation(),
                "stranger": factories.organisation()}
        creator = factories.actor(factories.member(orgs["owner"], [R.CASE_WORKER]))
        case = case_create(actor=creator, given_name="Prop", family_name="Erty", is_child=is_child)
        factories.share(actor=creator, case_id=case.pk, organisation_id=orgs["partner"].pk, scope="full", purpose="p")
        actors = {}
        for org_key, role, transition, outcome, reason in sequence:
            key = (org_key, role)
            if key not in actors:
                actors[key] = factories.actor(factories.member(orgs[org_key], [role]))
            actor = actors[key]
            before = _snapshot(case.pk)
            try:
                case_transition(actor=actor, case_id=case.pk, transition=transition, outcome=outcome, reason=reason)
            except (Forbidden, NotFound, ValidationFailed):
                assert _snapshot(case.pk) == before, "a refused step changed the case"
                continue
            step = nrm.TRANSITIONS[transition]
            # It went through: the role grants the step's action and the relation allows it.
            assert step.action in actor.actions
            assert org_key in ("owner", "partner")
            self._assert_consistent(case.pk)

    def _assert_consistent(self, case_id: int) -> None:
        case = Case.objects.get(pk=case_id)
        assert case.nrm_stage in nrm.Stage.values
        assert (case.nrm_stage == nrm.Stage.CLOSED) == (case.status in nrm.CLOSURE_STATUSES)
        if case.nrm_stage == nrm.Stage.CLOSED:
            assert not CaseClock.objects.filter(case_id=case_id, stopped_on__isnull=True).exists()
        if case.trafficking_status == nrm.TraffickingStatus.IDENTIFIED:
            assert case.deciding_organisation_id is not None
        running = list(CaseClock.objects.filter(case_id=case_id, stopped_on__isnull=True)
                       .values_list("kind", flat=True))
        assert len(running) == len(set(running))
        last = NrmEvent.objects.filter(case_id=case_id).last()
        assert last.to_stage == case.nrm_stage
        if case.is_child and case.nrm_stage == nrm.Stage.REFLECTION:
            assert NrmEvent.objects.filter(case_id=case_id, transition="appoint_guardian").exists()
