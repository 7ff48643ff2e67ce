"""The run set-up pages in the permission matrix (tests/test_permission_matrix.py; no test here): training
co-ordinators only. The progress page is asked for a creation job of the matrix's own actor (a job is its
starter's), the staff pages for a fresh one-team run made by a co-ordinator of another agency."""

from __future__ import annotations

from django.urls import reverse

from alliance.core import roles as R
from alliance.core.models import JobRun
from alliance.directory.models import User
from alliance.exercises.services import runs
from alliance.exercises.services.run_setup import RUN_CREATE_KIND
from tests import factories
from tests.exercises.test_run_world import scenario

UI = {"exercises:run_new": "GET", "exercises:run_setup_progress": "GET", "exercises:run_people": "GET",
      "exercises:run_people_change": "POST"}


def endpoints() -> list[tuple[str, str, set[str]]]:
    return [(name, method, {R.TRAINING_COORDINATOR}) for name, method in UI.items()]


def is_matrix_endpoint(name: str, api: bool) -> bool:
    return not api and name in UI


def matrix_request(client, name: str, *, membership):
    if name == "exercises:run_new":
        return client.get(reverse(name))
    if name == "exercises:run_setup_progress":
        job = JobRun.objects.create(kind=RUN_CREATE_KIND, user_id=membership.user_id, total=1)
        return client.get(reverse(name, args=[job.pk]))
    boss = factories.actor(factories.member(factories.organisation(), [R.TRAINING_COORDINATOR]))
    run = runs.run_create(actor=boss, scenario_id=scenario().pk, name="Matrix set-up", teams=1)
    if name == "exercises:run_people":
        return client.get(reverse(name, args=[run.pk]))
    observer = User.objects.create_user(email=f"matrix-observer-{User.objects.count()}@training.test",
                                        password=factories.PASSWORD)
    return client.post(reverse(name, args=[run.pk, "add"]), {"email": observer.email, "part": "observer"})
