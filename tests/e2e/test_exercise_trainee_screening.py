"""A trainee works the case on the real tools inside the team's sandbox, in real browsers (issue 10, "Tests
that must exist"): the controller starts the run and watches the evaluation board; the trainee, the team's
social worker, runs the real screening interview with the role-played victim, gets "presumed victim", and
from the result opens the presumed-victim case (consent recorded, referral to the shelter); the controller's
board, polling, shows the team's expected actions "screened" and "case opened" as met, with no reload.
"""

from __future__ import annotations

import re

import pytest

from alliance.cases.models import Case
from alliance.core import roles as R
from alliance.directory.models import User
from alliance.exercises.models import TeamSeat
from alliance.exercises.services.runs import run_create
from alliance.screening.domain.catalogue import load_catalogues
from alliance.screening.models import Screening
from tests import factories
from tests.e2e.conftest import TIMEOUT_MS, log_in, watch
from tests.exercises.test_run_world import scenario

pytestmark = pytest.mark.browser

# What Lina tells the social worker (roleplayers.yaml): a job abroad that was not what was promised, the
# passport kept, a debt that keeps growing; the expected action ea-screen asks for those three.
YES = {"recruitment": ["dr-job-nature", "dr-conditions"], "conditions": ["ec-hours", "ec-wages"],
       "destination": ["cd-documents", "cd-debt", "cd-violence"]}
BOARD_CELL = ("() => {{ const cell = document.querySelectorAll('#board-rows tr[data-action={action}] td')[0];"
              " return cell && cell.dataset.status === 'met'; }}")


def test_a_trainee_screens_the_victim_opens_the_case_and_the_board_shows_it_met(page, browser, server, console):
    load_catalogues()
    control_org = factories.organisation("Exercise control", sector="international")
    boss = factories.actor(factories.member(control_org, [R.TRAINING_COORDINATOR], email="coord@training.test"))
    controller = factories.member(control_org, [R.ANALYST], email="controller@training.test").user
    # The world's trainee seats are filled in order: two police investigators, then the social worker.
    trainees = [User.objects.create_user(email=f"t{k}@training.test", password=factories.PASSWORD,
                                         display_name=f"Trainee {k}") for k in range(3)]
    run = run_create(actor=boss, scenario_id=scenario().pk, name="Vicenza screening", teams=2,
                     trainees=[[t.pk for t in trainees]], controller_ids=[controller.pk])
    team = run.teams.get(number=1)
    social_worker = trainees[2]
    assert TeamSeat.objects.get(team=team, user=social_worker).played_by == "social-worker"

    # The controller starts the run and opens the evaluation board, which polls.
    log_in(page, "controller@training.test", factories.PASSWORD)
    page.goto(f"/exercises/runs/{run.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("run-start").click()
    page.goto(f"/exercises/evaluation/board/?run={run.pk}")
    for action in ("ea-screen", "ea-case"):
        assert page.locator(f"#board-rows tr[data-action={action}] td").first.get_attribute("data-status") \
            == "not_yet"

    # The social worker, in another browser context, inside the sandbox.
    trainee_context = browser.new_context(base_url=server.url, locale="en-GB")
    trainee_context.set_default_timeout(TIMEOUT_MS)
    trainee = trainee_context.new_page()
    watch(trainee, console)
    log_in(trainee, social_worker.email, factories.PASSWORD)
    trainee.goto("/screening/")
    assert trainee.get_by_test_id("exercise-banner").is_visible()
    trainee.locator("#start-interviewee").select_option("en")
    trainee.locator("#start-interviewer").select_option("en")
    with trainee.expect_navigation():
        trainee.get_by_role("button", name="Start the interview").click()
    trainee.locator("#p-sex").select_option("female")
    trainee.locator("#p-age").fill("23")
    trainee.locator('input[name="work_type"][value="sexual"]').check()
    trainee.locator("[data-next]").click()  # the short screen
    trainee.locator("[data-next]").click()
    for section in ("recruitment", "conditions", "destination"):
        step = trainee.locator(f'section[data-section="{section}"]')
        for indicator in YES[section]:
            step.locator(f'input[name="a:ilo-ec-operational:{indicator}"][value="yes"]').check()
        if section != "destination":
            trainee.locator("[data-next]").click()
    trainee.locator("[data-next]").click()  # the end of the interview
    trainee.get_by_test_id("finish").click()
    trainee.wait_for_url(re.compile(r"/screening/\d+/$"), timeout=20_000)
    screening = Screening.objects.get(realm_id=team.realm_id)
    assert screening.outcome == "refer" and screening.created_by_id == social_worker.pk
    assert trainee.get_by_test_id("exercise-banner").is_visible()

    # From the positive result, one step: the presumed-victim case, Lina's consent, the referral to the shelter.
    with trainee.expect_navigation():
        trainee.get_by_test_id("refer-link").click()
    trainee.locator("[name=given_name]").fill("Lina")
    trainee.locator("[name=family_name]").fill("Marek")
    shelter = trainee.locator("[name=organisation] option", has_text="Safe Harbour").first.get_attribute("value")
    trainee.locator("[name=organisation]").select_option(shelter)
    trainee.locator("[name=consent]").check()
    with trainee.expect_navigation():
        trainee.get_by_test_id("refer-submit").click()
    case = Case.objects.get(realm_id=team.realm_id)
    assert case.created_by_id == social_worker.pk
    assert "SexualExploitation" in (case.victim_context or {}).get("exploitation_types", [])

    # The controller's board, polling every 5 s, turns both cells of team 1 to met without a reload.
    for action in ("ea-screen", "ea-case"):
        page.wait_for_function(BOARD_CELL.format(action=action), timeout=15_000)
    screened = page.locator("#board-rows tr[data-action=ea-screen] td").first.inner_text()
    assert f"screening {screening.pk} holds dr-job-nature, cd-documents, cd-debt" in screened
    assert f"case {case.number} names SexualExploitation" in \
        page.locator("#board-rows tr[data-action=ea-case] td").first.inner_text()
    # Team 2 did nothing; its column stays not yet. The name the trainee typed never reaches the board.
    assert page.locator("#board-rows tr[data-action=ea-case] td").nth(1).get_attribute("data-status") == "not_yet"
    assert "Marek" not in page.locator("#board-rows").inner_text()
    trainee_context.close()
    assert not console.csp_violations() and not console.errors()
