"""A world for the run tests (no test here): a shipped scenario imported, a co-ordinator, a controller and
trainees, a run of N teams made through the services, and actors for each side."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from alliance.core import roles as R
from alliance.core.actor import system_actor
from alliance.directory.models import Membership, User
from alliance.directory.selectors import actor_for, live_realm
from alliance.exercises.models import ExerciseRun, ScenarioPackage
from alliance.exercises.services.runs import run_create
from alliance.exercises.services.scenarios import scenario_import
from tests import factories

SHIPPED = Path(__file__).resolve().parents[2] / "src" / "alliance" / "exercises" / "scenario_packages"
SLUG = "dreamland-online-recruitment"


def scenario(slug: str = SLUG) -> ScenarioPackage:
    found = ScenarioPackage.objects.filter(slug=slug).first()
    return found or scenario_import(actor=system_actor(realm_id=live_realm().pk), path=SHIPPED / slug)


def coordinator():
    return factories.actor(factories.member(factories.organisation(sector="international"),
                                            [R.TRAINING_COORDINATOR]))


def user(name: str) -> User:
    return User.objects.create_user(email=f"{name}@training.test", password=factories.PASSWORD,
                                    display_name=name)


def make_run(*, teams: int = 2, trainees_per_team: int = 2, slug: str = SLUG, language: str = "en"):
    """A prepared run; returns (run, coordinator actor, controller user, [[trainee users] per team])."""
    boss = coordinator()
    # A controller holds the run through its staff row, not through a role: an analyst here.
    controller = factories.member(factories.organisation(sector="international"), [R.ANALYST]).user
    trainees = [[user(f"t{n}-{k}-{User.objects.count()}") for k in range(trainees_per_team)]
                for n in range(1, teams + 1)]
    run = run_create(actor=boss, scenario_id=scenario(slug).pk, name="Vicenza run", teams=teams,
                     language=language, trainees=[[u.pk for u in t] for t in trainees],
                     controller_ids=[controller.pk])
    return run, boss, controller, trainees


def trainee_actor(user: User, team, organisation=None):
    """The trainee (or a controller playing a sandbox agency) as a session in the team's sandbox would be."""
    memberships = Membership.objects.select_related("organisation").filter(
        user=user, organisation__sandbox_id=team.realm_id)
    membership = (memberships.filter(organisation=organisation) if organisation else memberships).first()
    return actor_for(user=user, membership=membership, realm=team.realm, address="127.0.0.1", channel="web")


def staff_actor(user: User):
    membership = Membership.objects.select_related("organisation").filter(
        user=user, organisation__sandbox__isnull=True).first()
    return actor_for(user=user, membership=membership, realm=live_realm(), address="127.0.0.1", channel="web")


def shift_start(run: ExerciseRun, minutes: float) -> None:
    """Pretend the running clock started `minutes` real minutes ago (pace 1)."""
    moved = dt.timedelta(minutes=minutes)
    ExerciseRun.objects.filter(pk=run.pk).update(started_at=run.started_at - moved,
                                                 clock_anchor_real=run.clock_anchor_real - moved)
    run.refresh_from_db()
