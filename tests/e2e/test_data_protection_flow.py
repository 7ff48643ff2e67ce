"""The controller's duties in a real browser: the case worker sees when a closed case will be anonymised,
sends the anonymous notification, reads the access tab, sets and releases a legal hold, and deletes the
case after confirming the dialog."""

from __future__ import annotations

import pytest

from alliance.cases.models import Case, DutyNotification
from alliance.cases.services import case_create, case_transition
from alliance.core import roles as R
from tests import factories
from tests.e2e.conftest import log_in, open_tab

pytestmark = pytest.mark.browser


def test_notify_access_tab_hold_and_delete(page, server, console):
    police = factories.organisation("Dreamland Police", sector="law_enforcement")
    officer = factories.member(police, [R.INVESTIGATOR], email="officer@dreamland.test")
    actor = factories.actor(officer)
    case = case_create(actor=actor, given_name="Nadia", family_name="Orlova")
    case_transition(actor=actor, case_id=case.pk, transition="close", reason="Declined support")

    log_in(page, officer.user.email, factories.PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    open_tab(page, "data_protection")
    assert "Anonymised after" in page.get_by_test_id("retention").inner_text()

    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_test_id("duty-notify").click()
    assert "National Rapporteur of Dreamland" in page.get_by_test_id("duty-sent").inner_text()
    assert DutyNotification.objects.filter(case_id=case.pk).count() == 1

    page.locator("summary", has_text="Set a legal hold").click()
    page.locator("#hold_reason").fill("Trial of the recruiters pending")
    with page.expect_navigation():
        page.get_by_test_id("legal-hold-submit").click()
    assert page.get_by_test_id("legal-hold").is_visible()
    assert page.get_by_test_id("delete-case").count() == 0

    with page.expect_navigation():
        page.get_by_test_id("access-log-link").click()
    rows = page.get_by_test_id("access-log").inner_text()
    assert "officer@dreamland.test" in rows and "Nadia" not in rows
    page.go_back()

    page.locator("summary", has_text="Release the legal hold").click()
    page.locator("#hold_reason").fill("Judgment final")
    with page.expect_navigation():
        page.get_by_test_id("legal-hold-submit").click()
    page.locator("summary", has_text="Delete the case").click()
    page.locator("#delete_justification").fill("Entered twice by mistake; the other record stays")
    page.locator("#delete_confirm").check()
    page.once("dialog", lambda dialog: dialog.accept())
    with page.expect_navigation():
        page.get_by_test_id("delete-case").click()
    assert "The case is deleted." in page.content()
    assert not Case.objects.filter(pk=case.pk).exists()
    assert console.csp_violations() == [] and console.page_errors == []
