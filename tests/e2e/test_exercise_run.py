"""An exercise run in real browsers: the controller starts the run and releases an inject by hand; a trainee
whose inbox is already open in another browser context receives it without reloading, and opens a case in
the team's sandbox (every page marked EXERCISE); the controller's console shows the team's progress."""

from __future__ import annotations

import pytest

from alliance.cases.models import Case
from alliance.core import roles as R
from alliance.directory.models import User
from alliance.exercises.models import InjectRead
from alliance.exercises.services.runs import run_create
from tests import factories
from tests.e2e.conftest import TIMEOUT_MS, log_in, watch
from tests.exercises.test_run_world import scenario

pytestmark = pytest.mark.browser


def test_a_released_inject_reaches_the_trainee_live_and_the_console_shows_the_case(page, browser, server, console):
    control_org = factories.organisation("Exercise control", sector="international")
    boss = factories.actor(factories.member(control_org, [R.TRAINING_COORDINATOR], email="coord@training.test"))
    controller = factories.member(control_org, [R.ANALYST], email="controller@training.test").user
    trainee = User.objects.create_user(email="trainee@training.test", password=factories.PASSWORD,
                                       display_name="Trainee One")
    run = run_create(actor=boss, scenario_id=scenario().pk, name="Vicenza live", teams=2,
                     trainees=[[trainee.pk]], controller_ids=[controller.pk])
    team = run.teams.get(number=1)

    # The trainee opens their inbox first: the sandbox is the only realm they may enter.
    trainee_context = browser.new_context(base_url=server.url, locale="en-GB")
    trainee_context.set_default_timeout(TIMEOUT_MS)
    trainee_page = trainee_context.new_page()
    watch(trainee_page, console)
    log_in(trainee_page, "trainee@training.test", factories.PASSWORD)
    polls = []
    trainee_page.on("response", lambda r: polls.append((r.status, r.request.headers.get("x-inbox-ticket", "")))
                    if "/inbox/poll" in r.url else None)
    trainee_page.goto("/exercises/runs/inbox/")
    assert trainee_page.get_by_test_id("exercise-banner").is_visible()
    assert trainee_page.locator("[data-testid^=inbox-item-]").count() == 0
    # The page polls with its ticket, and "nothing new" comes back empty (exercises/middleware.py).
    trainee_page.wait_for_timeout(1_500)
    assert polls and all(ticket for _status, ticket in polls) and (204, polls[0][1]) in polls

    # The controller starts the run and releases inject 12 by hand.
    log_in(page, "controller@training.test", factories.PASSWORD)
    page.goto(f"/exercises/runs/{run.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("run-start").click()
    assert page.get_by_test_id("run-status").inner_text() == "Running"
    with page.expect_navigation():
        page.get_by_test_id("release-inj-12").click()

    # Delivered to the open page, without a reload, within 2 seconds (the page polls every second).
    trainee_page.get_by_test_id("inbox-item-inj-12").wait_for(state="visible", timeout=2_500)
    # "00:00": released by the clock on a later tick (ticks are at most one a second)
    trainee_page.get_by_test_id("inbox-item-inj-01").wait_for(state="visible", timeout=3_000)
    # Marked read from its own button: the button turns to "Read" in place, and the record is kept.
    item = trainee_page.get_by_test_id("inbox-item-inj-12")
    item.get_by_test_id("inbox-mark-read").click()
    item.get_by_test_id("inbox-read").wait_for(state="visible")
    assert InjectRead.objects.filter(release__team=team, release__inject_id="inj-12", user=trainee).count() == 1

    # The trainee opens a case with the real case tools, inside the sandbox.
    trainee_page.goto("/cases/new/")
    assert trainee_page.get_by_test_id("exercise-banner").is_visible()
    trainee_page.get_by_label("Given name").fill("Lina")
    trainee_page.get_by_label("Family name").fill("Marek")
    with trainee_page.expect_navigation():
        trainee_page.get_by_role("button", name="Open the case").click()
    assert Case.objects.filter(realm_id=team.realm_id).count() == 1

    # The console (polling every 2 s) shows team 1's case; team 2 has none.
    row = page.get_by_test_id("progress-team-1").get_by_test_id("progress-cases")
    page.wait_for_function("() => document.querySelector('[data-testid=progress-team-1] "
                           "[data-testid=progress-cases]').textContent.trim() === '1'", timeout=5_000)
    assert row.inner_text() == "1"
    assert page.get_by_test_id("progress-team-2").get_by_test_id("progress-cases").inner_text() == "0"
    trainee_context.close()
    assert not console.csp_violations() and not console.errors()
