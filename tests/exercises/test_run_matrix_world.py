"""The exercise-run endpoints in the permission matrix (tests/test_permission_matrix.py; no test here).

Each request gets a fresh one-team run in the state its action needs (start: prepared; pause, finish and
release: running; resume: paused; purge: finished), made by a training co-ordinator of another agency, so
that only what the policy grants the matrix's actor decides the answer: runs are managed by training
co-ordinators (run.manage); staff rows grant the rest, and the matrix's actor holds none; an inbox opens
only from a trainee's session in their sandbox, which no live session is.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

from alliance.core import roles as R
from alliance.exercises.models import InjectRelease
from alliance.exercises.services import runs
from tests import factories
from tests.exercises.test_run_world import scenario

COORDINATORS = {R.TRAINING_COORDINATOR}
UI = {"exercises:run_list": ("GET", "every"), "exercises:run_console": ("GET", "coord"),
      "exercises:run_clock": ("POST", "coord"), "exercises:run_release": ("POST", "coord"),
      "exercises:run_roleplayer": ("GET", "none"), "exercises:run_inbox": ("GET", "none"),
      "exercises:run_inbox_poll": ("GET", "none"), "exercises:run_inbox_read": ("POST", "none"),
      "exercises:run_inbox_evidence": ("GET", "none")}
API = {"exercise_run_list": ("GET", "every"), "exercise_run_create": ("POST", "coord"),
       "exercise_run_get": ("GET", "coord"), "exercise_run_start": ("POST", "coord"),
       "exercise_run_pause": ("POST", "coord"), "exercise_run_resume": ("POST", "coord"),
       "exercise_run_finish": ("POST", "coord"), "exercise_run_purge": ("POST", "coord"),
       "exercise_run_pace": ("POST", "coord"), "exercise_inject_release": ("POST", "coord"),
       "exercise_inject_list": ("GET", "coord"), "exercise_inbox": ("GET", "none")}


def endpoints_of(ui: dict, api: dict) -> list[tuple[str, str, set[str], bool]]:
    """(name, method, roles, api) for the matrix, from tables of {name: (method, who)}: who is "every"
    role, the training "coord"inators, or "none" (the page is a trainee's, and the matrix actor is none)."""
    def roles(who):
        return {"every": set(R.ALL_ROLES), "coord": COORDINATORS, "none": set()}[who]
    return ([(n, m, roles(w), False) for n, (m, w) in ui.items()]
            + [(n, m, roles(w), True) for n, (m, w) in api.items()])


def endpoints() -> list[tuple[str, str, set[str], bool]]:
    return endpoints_of(UI, API)


def is_matrix_endpoint(name: str, api: bool) -> bool:
    return name in (API if api else UI)


def _run(world, state: str):
    boss = world.get("run_boss")
    if boss is None:
        boss = world["run_boss"] = factories.actor(factories.member(factories.organisation("Run control"),
                                                                    [R.TRAINING_COORDINATOR]))
    run = runs.run_create(actor=boss, scenario_id=scenario().pk, name="Matrix run", teams=1)
    if state in ("running", "paused", "finished"):
        runs.run_start(actor=boss, run_id=run.pk)
    if state == "paused":
        runs.run_pause(actor=boss, run_id=run.pk)
    if state == "finished":
        runs.run_finish(actor=boss, run_id=run.pk)
    return run


STATE = {"exercise_run_start": "prepared", "exercise_run_resume": "paused", "exercise_run_purge": "finished"}


def matrix_request(client, name: str, *, api: bool, token: str | None):
    run = _run(client_world(client), STATE.get(name, "running"))
    release = InjectRelease.objects.create(run=run, team=run.teams.get(), inject_id="inj-01",
                                           released_at=timezone.now(), scenario_seconds=0, how="scheduled")
    if not api:
        method, _who = UI[name]
        kwargs = {"exercises:run_console": {"run_id": run.pk}, "exercises:run_release": {"run_id": run.pk},
                  "exercises:run_clock": {"run_id": run.pk, "verb": "pace"},
                  "exercises:run_roleplayer": {"run_id": run.pk},
                  "exercises:run_inbox_read": {"release_id": release.pk},
                  "exercises:run_inbox_evidence": {"release_id": release.pk, "path": "evidence/patrol-report.md"}}
        url = reverse(name, kwargs=kwargs.get(name, {}))
        bodies = {"exercises:run_clock": {"pace": "2"}, "exercises:run_release": {"inject": "inj-12"}}
        return client.get(url) if method == "GET" else client.post(url, bodies.get(name, {}))
    method, _who = API[name]
    base = f"/api/v1/exercises/runs/{run.pk}"
    paths = {"exercise_run_list": "/api/v1/exercises/runs", "exercise_run_create": "/api/v1/exercises/runs",
             "exercise_run_get": base, "exercise_run_pace": f"{base}/pace",
             "exercise_inject_release": f"{base}/injects", "exercise_inject_list": f"{base}/injects",
             "exercise_inbox": "/api/v1/exercises/inbox"}
    path = paths.get(name) or f"{base}/{name.rsplit('_', 1)[-1]}"
    bodies = {"exercise_run_create": {"scenario_id": scenario().pk, "name": "API run", "teams": 1},
              "exercise_run_pace": {"pace": 2}, "exercise_inject_release": {"inject_id": "inj-12"}}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(path, **headers)
    return client.post(path, bodies.get(name, {}), content_type="application/json", **headers)


def client_world(client) -> dict:
    """A small cache on the test client, which lives as long as its test: the co-ordinator who makes the
    runs (a cache keyed by id(client) could hand a later test a co-ordinator its rollback deleted)."""
    if not hasattr(client, "run_matrix_world"):
        client.run_matrix_world = {}
    return client.run_matrix_world
