"""A training co-ordinator sets up a run in a real browser: the new-run form, the progress page of the
creation job, then the control console of the prepared run."""

from __future__ import annotations

import pytest

from alliance.core import roles as R
from alliance.exercises.models import ExerciseRun
from tests import factories
from tests.e2e.conftest import log_in
from tests.exercises.test_run_world import scenario, user

pytestmark = pytest.mark.browser


def test_a_coordinator_creates_a_run_through_the_page_and_reaches_the_console(page, server, console):
    factories.member(factories.organisation("Exercise control", sector="international"), [R.TRAINING_COORDINATOR],
                     email="coord@training.test")
    scenario()
    trainees = [user(f"e2e-trainee-{k}") for k in range(4)]
    log_in(page, "coord@training.test", factories.PASSWORD)
    page.goto("/exercises/runs/")
    with page.expect_navigation():
        page.get_by_test_id("run-new").click()
    page.get_by_label("Name of the run").fill("Vicenza from the browser")
    page.get_by_label("Teams").fill("2")
    page.get_by_label("Further trainees").fill("\n".join(t.email for t in trainees))
    with page.expect_navigation():
        page.get_by_test_id("run-setup-create").click()
    progress = page.get_by_test_id("run-setup-progress")
    assert progress.is_visible()
    page.get_by_test_id("run-setup-done").wait_for(state="visible")
    assert page.get_by_test_id("run-setup-count").inner_text() == "Team 2 of 2 seeded"
    with page.expect_navigation():
        page.get_by_test_id("run-setup-console").click()
    run = ExerciseRun.objects.get(name="Vicenza from the browser")
    assert page.url.endswith(f"/exercises/runs/{run.pk}/")
    assert page.get_by_test_id("run-status").inner_text() == "Prepared"
    assert sorted(t.trainees.filter(pk__in=[x.pk for x in trainees]).count() for t in run.teams.all()) == [2, 2]
    assert not console.csp_violations() and not console.errors()
