"""Each shipped scenario played end to end (issue 10, "Tests that must exist"): the scenario's world built in
an exercise realm, a team's scripted actions on the real services (screening, case, consent, referral, the
shelter's answer, the NRM steps, the FIU), then the evaluation. A team that does everything scores every
expected action; a team that skips consent (and shares on a stated legal basis instead) loses exactly the
consent point; a team in another sandbox doing everything scores nothing for this team.

The world gives the case owner's account a real platform role beside `trainee` (world.yaml's
platform_roles may), so that sharing without consent is possible at all: a trainee alone cannot override
the consent gate, and the lapse the consent check exists to catch is an account that can.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.utils import timezone

from alliance.cases.services import case_create, case_share, consent_record
from alliance.cases.services.details import case_details_update
from alliance.cases.services.nrm import case_transition
from alliance.cases.services.referrals import case_refer, referral_accept
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.exercises.selectors.evaluation import team_evaluation_for
from alliance.exercises.services.scenarios import scenario_import
from alliance.screening.services import screening_submit
from tests import factories
from tests.exercises.test_scenario_mutations import SHIPPED
from tests.screening import screening_world

LEGAL_BASIS = "Dreamland Anti-Trafficking Act s.12: urgent protection, no time to ask"
ONLINE, FIELDS, CHILDREN = ("dreamland-online-recruitment", "dreamland-fields-and-scaffolds",
                            "dreamland-children-of-the-station")


@dataclass
class World:
    """One team's sandbox: the package's agencies as organisations, an actor per account kind."""

    realm_id: int
    orgs: dict[str, int]
    actors: dict[str, Actor] = field(default_factory=dict)


def build_world(package_content: dict, name: str, owner_roles: dict[str, list[str]]) -> World:
    realm = factories.exercise_realm(name)
    world = World(realm_id=realm.pk, orgs={})
    for agency in package_content["world.yaml"]["agencies"]:
        org = factories.organisation(name=f"{agency['name']['en']} [{name}]", sector=agency["sector"],
                                     country=agency["country"])
        world.orgs[agency["id"]] = org.pk
        for account in agency.get("accounts", []):
            roles = list(account["platform_roles"]) + owner_roles.get(account["id"], [])
            member = factories.member(org, roles)
            world.actors[account["id"]] = factories.actor(member, realm)
    return world


class Team:
    """Scripted actions on the real services; `consent=False` shares on a stated legal basis instead."""

    def __init__(self, world: World, *, consent: bool = True):
        self.world, self.consent = world, consent

    def share(self, owner: str, case_id: int, to: str, *, refer: bool = False, scope: str = "full"):
        actor, organisation_id = self.world.actors[owner], self.world.orgs[to]
        basis = ""
        if self.consent:
            consent_record(actor=actor, case_id=case_id, purpose="share_organisation",
                           organisation_id=organisation_id, language="en")
        else:
            basis = LEGAL_BASIS
        if refer:
            return case_refer(actor=actor, case_id=case_id, organisation_id=organisation_id, scope=scope,
                              purpose="Protection and support", legal_basis=basis)
        return case_share(actor=actor, case_id=case_id, organisation_id=organisation_id, scope=scope,
                          purpose="Joint work on the case", legal_basis=basis)

    def screen(self, who: str, yes: list[str], **options):
        interview = screening_world.load()
        screening, _created = screening_submit(actor=self.world.actors[who],
                                               payload=screening_world.payload(interview, yes=yes, **options))
        return screening

    def open_case(self, who: str, exploitation_type: str, **options):
        actor = self.world.actors[who]
        case = case_create(actor=actor, given_name="Test", family_name="Person", **options)
        case_details_update(actor=actor, case_id=case.pk, victim_context={"exploitation_types": [exploitation_type]})
        return case


def play_online(team: Team) -> None:
    """Lina at Club Velvet: the social worker screens and opens the case, refers her to Safe Harbour (which
    accepts), the identification board decides, the FIU gets the QuickSend transfers."""
    team.screen("social-trainee", ["dr-job-nature", "cd-documents", "cd-debt"], work_type="sexual")
    case = team.open_case("social-trainee", "SexualExploitation")
    referral = team.share("social-trainee", case.pk, "safe-harbour", refer=True)
    referral_accept(actor=team.world.actors["shelter-staff"], share_id=referral.pk)
    team.share("social-trainee", case.pk, "xd-identification-board")
    case_transition(actor=team.world.actors["board-staff"], case_id=case.pk, transition="reasonable_grounds",
                    outcome="positive")
    team.share("social-trainee", case.pk, "xd-fiu", scope="limited")


def play_fields(team: Team) -> None:
    """Tomas on the farm: the NGO caseworker screens with the ILO-EC operational indicators the interview asks,
    the police open the case and refer him to the New Start house, the board decides, the FIU gets the bank
    statement."""
    team.screen("ngo-trainee", ["dr-job-nature", "cd-documents", "ec-wages", "cd-debt"], work_type="labour")
    case = team.open_case("police-trainee", "ForcedLabour")
    referral = team.share("police-trainee", case.pk, "new-start-house", refer=True)
    referral_accept(actor=team.world.actors["house-staff"], share_id=referral.pk)
    team.share("police-trainee", case.pk, "xd-identification-board")
    case_transition(actor=team.world.actors["board-staff"], case_id=case.pk, transition="reasonable_grounds",
                    outcome="positive")
    team.share("police-trainee", case.pk, "xd-fiu", refer=False, scope="limited")


def play_children(team: Team) -> None:
    """Adi at the station: child protection screens, the police open a child's case and send it to child
    protection (the child procedure: no consent needed, the law's own basis), which has a guardian appointed,
    records the best-interests assessment and refers Adi to Children First (which accepts)."""
    team.screen("child-protection-trainee", ["unaccompanied", "adult-controls", "begging"], is_child=True,
                work_type="labour", age=12)
    case = team.open_case("police-trainee", "ForcedBegging", is_child=True)
    police = team.world.actors["police-trainee"]
    case_share(actor=police, case_id=case.pk, organisation_id=team.world.orgs["xd-child-protection"],
               scope="full", purpose="Child procedure")
    worker = team.world.actors["child-protection-trainee"]
    case_transition(actor=police, case_id=case.pk, transition="appoint_guardian")
    case_transition(actor=worker, case_id=case.pk, transition="best_interests_assessment")
    referral = team.share("police-trainee", case.pk, "children-first", refer=True)
    referral_accept(actor=team.world.actors["shelter-staff"], share_id=referral.pk)


PLAYS = {ONLINE: (play_online, {"social-trainee": [R.CASE_WORKER]}),
         FIELDS: (play_fields, {"police-trainee": [R.INVESTIGATOR]}),
         CHILDREN: (play_children, {"police-trainee": [R.INVESTIGATOR]})}


@pytest.fixture
def coordinator(db):
    member = factories.member(factories.organisation(name="Training Academy", sector="international"),
                              [R.TRAINING_COORDINATOR])
    return factories.actor(member)


def _evaluate(coordinator, package, world, started_at, *, finished=True):
    return team_evaluation_for(actor=coordinator, package_id=package.pk, realm_id=world.realm_id,
                               started_at=started_at, finished=finished,
                               now=timezone.now() + dt.timedelta(seconds=1))


def _play(package, name, *, consent=True):
    play, owner_roles = PLAYS[package.slug]
    world = build_world(package.content, name, owner_roles)
    play(Team(world, consent=consent))
    return world


@pytest.mark.parametrize("slug", [ONLINE, FIELDS, CHILDREN])
def test_a_team_that_does_everything_meets_every_expected_action(coordinator, slug):
    package = scenario_import(actor=coordinator, path=SHIPPED / slug)
    started_at = timezone.now() - dt.timedelta(seconds=1)
    world = _play(package, "Team A")
    evaluation = _evaluate(coordinator, package, world, started_at)
    assert [r.reason for r in evaluation.results if not r.met] == []
    expected = package.content["expected_actions.yaml"]["expected_actions"]
    assert evaluation.score.met == evaluation.score.total == len(expected)
    assert all(t.met == t.total for t in evaluation.score.by_objective.values())
    assert all(r.reason.startswith("met at 00:0") for r in evaluation.results)


@pytest.mark.parametrize("slug", [ONLINE, FIELDS, CHILDREN])
def test_a_team_that_skips_consent_loses_exactly_that_point(coordinator, slug):
    package = scenario_import(actor=coordinator, path=SHIPPED / slug)
    started_at = timezone.now() - dt.timedelta(seconds=1)
    careful = _evaluate(coordinator, package, _play(package, "Team A"), started_at)
    hasty = _evaluate(coordinator, package, _play(package, "Team B", consent=False), started_at)
    lost = {r.action_id for r in careful.results if r.met} - {r.action_id for r in hasty.results if r.met}
    assert lost == {"ea-consent"}
    assert hasty.score.met == careful.score.met - 1
    [consent] = [r for r in hasty.results if r.action_id == "ea-consent"]
    assert consent.reason.startswith("not met at 00:0") and "before any consent" in consent.reason
    unchanged = [(r.action_id, r.status) for r in careful.results if r.action_id != "ea-consent"]
    assert unchanged == [(r.action_id, r.status) for r in hasty.results if r.action_id != "ea-consent"]


def test_another_team_doing_everything_scores_nothing_for_this_team(coordinator):
    package = scenario_import(actor=coordinator, path=SHIPPED / ONLINE)
    started_at = timezone.now() - dt.timedelta(seconds=1)
    idle = build_world(package.content, "Team A", {})
    _play(package, "Team B")
    evaluation = _evaluate(coordinator, package, idle, started_at)
    assert evaluation.score.met == 0
    assert {r.status for r in evaluation.results} == {"not_met"}
    running = _evaluate(coordinator, package, idle, started_at, finished=False)
    assert {r.status for r in running.results} == {"not_yet"}
