"""In a real browser: a visitor without an account applies through the public form and confirms by the
mailed link; the training co-ordinator finds the application, and the programme report shows its charts
(the demo programme: 251 participants from 51 States), with no CSP violation."""

from __future__ import annotations

import pytest
from django.core import mail

from alliance.directory.models import Membership
from alliance.exercises.demo import COORDINATOR_EMAIL, load_programme_demo
from alliance.exercises.models import Applicant, Call, Programme
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser


def test_a_visitor_applies_and_the_report_shows_the_charts(page, server, console):
    load_programme_demo()
    membership = Membership.objects.select_related("user").get(user__email=COORDINATOR_EMAIL)
    membership.user.set_password(factories.PASSWORD)
    membership.user.save()
    call = Call.objects.get(published=True)
    mail.outbox = []

    page.goto("/exercises/calls/")
    with page.expect_navigation():
        page.get_by_role("link", name=call.edition.title, exact=False).first.click()
    with page.expect_navigation():
        page.get_by_test_id("apply-link").click()
    page.get_by_label("Given name").fill("Mira")
    page.get_by_label("Family name").fill("Browserova")
    page.get_by_label("E-mail", exact=True).fill("mira@example.test")
    page.get_by_label("Profession", exact=True).select_option("labour_inspector")
    page.get_by_label("Agency", exact=True).fill("Labour Inspectorate")
    page.get_by_label("Country", exact=True).select_option("MD")
    page.get_by_label("Gender", exact=True).select_option("female")
    page.get_by_label("English", exact=True).check()
    page.get_by_label("Romanian", exact=True).check()
    page.get_by_label("Years of professional experience").fill("7")
    page.get_by_label("Why do you want to take part?").fill("Inspections on farms.")
    with page.expect_navigation():
        page.get_by_test_id("apply-submit").click()
    assert "confirm" in page.get_by_test_id("applied-message").inner_text()

    link = next(m for m in mail.outbox if m.to == ["mira@example.test"]).body.split(server.url)[1].split()[0]
    page.goto(link)
    with page.expect_navigation():
        page.get_by_test_id("confirm-submit").click()
    assert page.get_by_test_id("confirmed").is_visible()
    assert Applicant.objects.filter(call=call, confirmed_at__isnull=False).count() == 1

    log_in(page, COORDINATOR_EMAIL, factories.PASSWORD)
    page.goto(f"/exercises/programmes/calls/{call.pk}/applicants/")
    assert page.get_by_test_id("applicant-row").count() == 1
    assert "Browserova" in page.get_by_test_id("applicants").inner_text()

    programme = Programme.objects.get()
    page.goto(f"/exercises/programmes/{programme.pk}/report/")
    assert page.get_by_test_id("participants").inner_text() == "251"
    assert page.get_by_test_id("states").inner_text() == "51"
    charts = page.get_by_test_id("chart")
    assert charts.count() == 5
    for n in range(5):
        box = charts.nth(n).locator("svg").bounding_box()
        assert box and box["width"] > 100 and box["height"] > 50
    assert "Vicenza, November 2016" in charts.first.locator("svg").inner_html()
    assert console.page_errors == [] and console.csp_violations() == []
