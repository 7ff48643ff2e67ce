"""Isolation: a run's sandboxes never reach the live realm, and no team reaches another's.

A sandbox agency is an organisation of that sandbox's realm only (directory.Organisation.realm), so every
choice list and every service that takes an organisation id refuses it elsewhere; a trainee's memberships
are in sandbox agencies only, so their sessions and tokens open their team's sandbox and nothing else."""

from __future__ import annotations

import pytest

from alliance.cases.forms.referrals import ReferForm
from alliance.cases.forms.register import CaseShareForm, ConsentForm
from alliance.cases.selectors.register import case_export_for, case_get_for, case_list_for, case_search_for
from alliance.cases.services import case_create, consent_record
from alliance.cases.services.referrals import case_refer
from alliance.core import roles as R
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.directory.models import Membership, Organisation
from alliance.directory.selectors import actor_for, live_realm, organisations_in_realm, realms_for
from alliance.directory.services import token_issue
from alliance.exercises.selectors.runs import inbox_for
from alliance.exercises.services.injects import inject_release
from alliance.exercises.services.runs import run_start
from alliance.screening.selectors.dashboard import dashboard
from alliance.screening.selectors.screenings import screening_get_for
from alliance.screening.services.referral import screening_refer
from alliance.screening.services.submission import screening_submit
from tests import factories
from tests.exercises.test_run_world import make_run, staff_actor, trainee_actor
from tests.screening import screening_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    screening_world.load()
    run, _boss, controller, trainees = make_run(teams=2)
    team_a, team_b = run.teams.all()
    a = trainee_actor(trainees[0][0], team_a)
    b = trainee_actor(trainees[1][0], team_b)
    case_a = case_create(actor=a, given_name="Lina", family_name="Marek", summary="sandbox A")
    case_b = case_create(actor=b, given_name="Ana", family_name="Voss", summary="sandbox B")
    screening_b, _ = screening_submit(actor=b, payload=screening_world.payload(yes=["forced-to-work"], age=24))
    live_org = factories.organisation("Harbour City Shelter (live)")
    worker = factories.actor(factories.member(factories.organisation(sector="social_services"),
                                              [R.CASE_WORKER], org_admin=True))
    return {"run": run, "team_a": team_a, "team_b": team_b, "a": a, "b": b, "case_a": case_a, "case_b": case_b,
            "screening_b": screening_b, "live_org": live_org, "worker": worker, "controller": controller,
            "trainees": trainees}


def sandbox_agency(team, sector="ngo") -> Organisation:
    return Organisation.objects.get(sandbox=team.realm, sector=sector)


def test_live_choice_lists_never_show_a_sandbox_agency(world):
    live = live_realm().pk
    for form in (CaseShareForm(realm_id=live), ConsentForm(realm_id=live), ReferForm(realm_id=live)):
        names = set(form.fields["organisation"].queryset.values_list("sandbox_id", flat=True))
        assert names == {None}
    in_a = set(CaseShareForm(realm_id=world["team_a"].realm_id).fields["organisation"].queryset)
    assert in_a == set(Organisation.objects.filter(sandbox=world["team_a"].realm))
    assert not set(organisations_in_realm(realm_id=live)) & in_a
    assert not CaseShareForm(realm_id=None).fields["organisation"].queryset.exists()  # deny by default


def test_a_live_case_cannot_be_shared_with_consented_to_or_referred_to_a_sandbox_agency(world):
    worker = world["worker"]
    case = case_create(actor=worker, given_name="Mira", family_name="Lund")
    target = sandbox_agency(world["team_a"])
    with pytest.raises(ValidationFailed) as refused:
        consent_record(actor=worker, case_id=case.pk, purpose="share_organisation", organisation_id=target.pk,
                       language="en")
    assert "organisation" in refused.value.errors
    consent_record(actor=worker, case_id=case.pk, purpose="share_sector", sector="ngo", language="en")
    with pytest.raises(ValidationFailed):
        case_refer(actor=worker, case_id=case.pk, organisation_id=target.pk, scope="full", purpose="x")
    from alliance.cases.services import case_share
    with pytest.raises(ValidationFailed):
        case_share(actor=worker, case_id=case.pk, organisation_id=target.pk, scope="full", purpose="x")


def test_a_live_screening_cannot_be_referred_to_a_sandbox_agency(world):
    responder = screening_world.conductor()
    screening, _ = screening_submit(actor=responder, payload=screening_world.payload(yes=["forced-to-work"], age=24))
    with pytest.raises(ValidationFailed) as refused:
        screening_refer(actor=responder, screening_id=screening.pk, given_name="A", family_name="B",
                        organisation_id=sandbox_agency(world["team_a"]).pk, consent=True)
    assert "organisation" in refused.value.errors


def test_team_a_cannot_reach_team_b(world):
    a, team_b = world["a"], world["team_b"]
    trainee_a = world["trainees"][0][0]
    assert realms_for(user=trainee_a) == [world["team_a"].realm]  # not live, not team B
    with pytest.raises(NotFound):
        case_get_for(actor=a, case_id=world["case_b"].pk, action=R.CASE_VIEW)
    with pytest.raises(NotFound):
        screening_get_for(actor=a, screening_id=world["screening_b"].pk)
    assert list(case_list_for(actor=a)) == [world["case_a"]]
    consent_record(actor=a, case_id=world["case_a"].pk, purpose="share_sector", sector="ngo", language="en")
    with pytest.raises(ValidationFailed):  # team B's shelter is not an agency of team A's world
        case_refer(actor=a, case_id=world["case_a"].pk, organisation_id=sandbox_agency(team_b).pk,
                   scope="full", purpose="shelter")
    # Even forcing team B's realm onto a team A membership gives no rights there.
    membership = Membership.objects.select_related("organisation").get(user=trainee_a)
    forced = actor_for(user=trainee_a, membership=membership, realm=team_b.realm, address="", channel="web")
    assert forced.actions == frozenset() and forced.organisation_id is None
    with pytest.raises(ValidationFailed):
        token_issue(actor=a, name="into B", realm_id=team_b.realm_id)
    with pytest.raises(NotFound):
        inbox_for(actor=forced)


def test_an_inject_reaches_only_its_own_teams(world):
    control = staff_actor(world["controller"])
    run_start(actor=control, run_id=world["run"].pk)
    inject_release(actor=control, run_id=world["run"].pk, inject_id="inj-12", team_ids=[world["team_a"].pk])
    assert [i["inject"] for i in inbox_for(actor=world["a"])["items"]] == ["inj-12"]
    assert inbox_for(actor=world["b"])["items"] == []
    with pytest.raises(NotFound):  # a live session has no inbox
        inbox_for(actor=world["worker"])


def test_a_trainee_has_no_right_in_the_live_realm(world):
    trainee_a = world["trainees"][0][0]
    membership = Membership.objects.select_related("organisation").get(user=trainee_a)
    in_live = actor_for(user=trainee_a, membership=membership, realm=live_realm(), address="", channel="web")
    assert in_live.actions == frozenset()
    with pytest.raises(Forbidden):
        case_list_for(actor=in_live)


def test_nothing_of_a_run_appears_in_live_lists_searches_exports_or_dashboards(world):
    # A live member who is also a trainee of team A (their memberships in both): in the live realm, nothing
    # of the sandbox shows.
    trainee_a = world["trainees"][0][0]
    live_membership = Membership.objects.create(user=trainee_a, organisation=world["live_org"],
                                                roles=[R.CASE_WORKER, R.NATIONAL_COORDINATOR])
    live_actor = actor_for(user=trainee_a, membership=live_membership, realm=live_realm(), address="",
                           channel="web")
    assert list(case_list_for(actor=live_actor)) == []
    for number in (world["case_a"].number, world["case_b"].number):
        assert case_search_for(actor=live_actor, number=number) == []
    assert case_search_for(actor=live_actor, name="Lina Marek") == []
    _header, rows = case_export_for(actor=live_actor)
    assert rows == []
    with pytest.raises(NotFound):
        case_get_for(actor=live_actor, case_id=world["case_a"].pk, action=R.CASE_VIEW)
    figures = dashboard(actor=live_actor)
    assert figures["total"] == 0  # the sandbox's screening is not counted in the live figures
