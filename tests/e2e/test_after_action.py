"""After the exercise in real browsers: a trainee on a phone answers the feedback form from the link in
their inbox; the controller finishes the run, opens the after-action report from the console, adds an item
to the improvement plan and issues the certificates; the trainee downloads theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.core import roles as R
from alliance.directory.models import User
from alliance.exercises.models import Certificate, FeedbackResponse, ImprovementItem
from alliance.exercises.services.runs import run_create, run_start
from tests import factories
from tests.e2e.conftest import TIMEOUT_MS, log_in, watch
from tests.exercises.test_run_world import scenario

pytestmark = pytest.mark.browser


def test_feedback_on_a_phone_the_report_the_plan_and_a_certificate(page, browser, server, console):
    control_org = factories.organisation("Exercise control", sector="international")
    boss = factories.actor(factories.member(control_org, [R.TRAINING_COORDINATOR], email="coord@training.test"))
    controller = factories.member(control_org, [R.ANALYST], email="controller@training.test").user
    trainee = User.objects.create_user(email="trainee@training.test", password=factories.PASSWORD,
                                       display_name="Trainee One")
    run = run_create(actor=boss, scenario_id=scenario().pk, name="Vicenza live", teams=1,
                     trainees=[[trainee.pk]], controller_ids=[controller.pk])
    run_start(actor=boss, run_id=run.pk)

    phone = browser.new_context(base_url=server.url, locale="en-GB", viewport={"width": 390, "height": 844},
                                is_mobile=True, has_touch=True)
    phone.set_default_timeout(TIMEOUT_MS)
    trainee_page = phone.new_page()
    watch(trainee_page, console)
    log_in(trainee_page, "trainee@training.test", factories.PASSWORD)
    trainee_page.goto("/exercises/runs/inbox/")
    with trainee_page.expect_navigation():
        trainee_page.get_by_test_id("feedback-link").click()
    form = trainee_page.get_by_test_id("feedback-form")
    for question in ("realistic", "relevant", "organised", "useful"):
        form.get_by_role("group", name=question).get_by_label("4").check()  # one radio group a question
    trainee_page.get_by_label("What worked well?").fill("The role-played interview")
    with trainee_page.expect_navigation():
        trainee_page.get_by_role("button", name="Send my feedback").click()
    assert trainee_page.get_by_test_id("feedback-saved").is_visible()
    assert FeedbackResponse.objects.get().worked == "The role-played interview"
    # Nothing of the page is wider than the phone.
    assert trainee_page.evaluate("() => document.documentElement.scrollWidth") <= 390

    log_in(page, "controller@training.test", factories.PASSWORD)
    page.goto(f"/exercises/runs/{run.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("run-finish").click()
    with page.expect_navigation():
        page.get_by_test_id("aar-link").click()
    assert page.get_by_test_id("aar-feedback-hidden").is_visible()  # one answer: not shown
    item = page.get_by_test_id("aar-item-form")
    item.get_by_label("Observation or finding").fill("Consent asked late")
    item.get_by_label("Corrective action").fill("Consent on the SOP card")
    item.get_by_label("Responsible organisation").select_option(label="Exercise control")
    item.get_by_label("Due date").fill((timezone.localdate() + dt.timedelta(days=30)).isoformat())
    with page.expect_navigation():
        item.get_by_role("button", name="Add").click()
    assert ImprovementItem.objects.get().finding == "Consent asked late"
    assert "Consent asked late" in page.get_by_test_id("aar-improvements").inner_text()
    with page.expect_navigation():
        page.get_by_test_id("aar-issue").click()
    assert Certificate.objects.get().trainee_id == trainee.pk  # the trainee acted in the sandbox

    trainee_page.goto("/exercises/runs/mine/")
    with trainee_page.expect_download() as download:
        trainee_page.get_by_role("link", name="My certificate (PDF)").click()
    assert download.value.suggested_filename == f"certificate-run-{run.pk}.pdf"

    # Someone the trainee shows the paper to checks it, without an account, typing the code as read aloud.
    code = Certificate.objects.get().code
    checker = browser.new_context(base_url=server.url, locale="en-GB")
    check_page = checker.new_page()
    watch(check_page, console)
    check_page.goto("/exercises/certificates/verify/")
    check_page.get_by_label("Verification code").fill(f"{code[:4].lower()} {code[4:8]}-{code[8:]}")
    with check_page.expect_navigation():
        check_page.get_by_role("button", name="Check").click()
    assert trainee.display_name in check_page.get_by_test_id("certificate-valid").inner_text()
    checker.close()
    phone.close()
    assert not console.csp_violations() and not console.errors()
