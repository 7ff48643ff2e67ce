"""A run for the evaluation tests (no test here): a shipped scenario, a run of two teams of four trainees
(the world's seats: two police investigators, a social worker, a prosecutor, in that order), a controller
and an observer of the run (analysts: the relation grants, not the role), a role-player, and the staff of
another run; plus the evaluation endpoints' requests for the permission matrix."""

from __future__ import annotations

from dataclasses import dataclass

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.directory.models import User
from alliance.exercises.models import ExerciseRun, Team
from alliance.exercises.services.runs import run_create, run_start
from tests import factories
from tests.exercises.test_run_world import coordinator, scenario, staff_actor, trainee_actor, user


@dataclass
class Setting:
    run: ExerciseRun
    boss: Actor  # a training co-ordinator
    controller: User
    observer: User
    role_player: User
    trainees: list[list[User]]
    other_run: ExerciseRun
    other_controller: User

    @property
    def teams(self) -> list[Team]:
        return list(self.run.teams.order_by("number"))

    def staff(self, who: User) -> Actor:
        return staff_actor(who)

    def player(self, team: Team, k: int, agency: str | None = None) -> Actor:
        """Trainee k of the team, acting in the sandbox agency of their seat."""
        seat = team.seats.filter(user=self.trainees[team.number - 1][k]).first()
        return trainee_actor(self.trainees[team.number - 1][k], team, seat.organisation if seat else None)


def _analyst(name: str) -> User:
    return factories.member(factories.organisation(name=name, sector="international"), [R.ANALYST]).user


def make_setting(*, started: bool = True, slug: str = "dreamland-online-recruitment") -> Setting:
    boss = coordinator()
    controller, observer, role_player, other = (_analyst(n) for n in ("Control", "Watch", "Play", "Elsewhere"))
    trainees = [[user(f"e{n}-{k}-{User.objects.count()}") for k in range(4)] for n in (1, 2)]
    run = run_create(actor=boss, scenario_id=scenario(slug).pk, name="Evaluation run", teams=2,
                     trainees=[[u.pk for u in t] for t in trainees], controller_ids=[controller.pk],
                     observer_ids=[observer.pk], role_players=[(role_player.pk, _first_card(slug))])
    other_run = run_create(actor=boss, scenario_id=scenario(slug).pk, name="Other run", teams=1,
                           controller_ids=[other.pk], observer_ids=[other.pk])
    if started:
        run = run_start(actor=boss, run_id=run.pk)
    return Setting(run=run, boss=boss, controller=controller, observer=observer, role_player=role_player,
                   trainees=trainees, other_run=other_run, other_controller=other)


def _first_card(slug: str) -> str:
    return scenario(slug).content["roleplayers.yaml"]["cards"][0]["id"]


# -- the permission matrix (tests/test_permission_matrix.py) --------------------------------------------------

UI = {"exercises:evaluation_board": "GET", "exercises:evaluation_board_rows": "GET",
      "exercises:evaluation_rate": "POST", "exercises:evaluation_log": "POST",
      "exercises:evaluation_debrief": "GET", "exercises:evaluation_debrief_pdf": "GET"}
API = {"evaluation_team_get": "GET", "evaluation_rating_record": "POST", "evaluation_log_add": "POST"}


def is_matrix_endpoint(name: str, api: bool) -> bool:
    return name in (API if api else UI)


def matrix_request(client, name: str, *, api: bool, world: dict, token: str | None):
    """A run made by another agency's co-ordinator: only the matrix actor's role decides (it holds no staff
    row), and the ids are real, so a granted request does its work."""
    from django.urls import reverse

    if "evaluation_run" not in world:
        made = make_setting()
        world["evaluation_run"], world["evaluation_team"] = made.run.pk, made.teams[0].pk
    run, team = world["evaluation_run"], world["evaluation_team"]
    if api:
        base = f"/api/v1/exercises/evaluation/runs/{run}"
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        if name == "evaluation_team_get":
            return client.get(f"{base}/teams/{team}", **headers)
        path, body = ((f"{base}/teams/{team}/ratings", {"capability_target": "ct-case", "rating": "S"})
                      if name == "evaluation_rating_record" else (f"{base}/log", {"kind": "control", "text": "m"}))
        return client.post(path, body, content_type="application/json", **headers)
    url = reverse(name)
    if UI[name] == "GET":
        query = {"run": run, "team": team} if "debrief" in name else {"run": run}
        return client.get(url, query)
    body = ({"run": run, "team": team, "capability_target": "ct-case", "rating": "S"}
            if name == "exercises:evaluation_rate" else {"run": run, "kind": "control", "text": "matrix"})
    return client.post(url, body)
