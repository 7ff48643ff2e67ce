"""The case page's tabs in a real browser: the page opens on the overview, a tab loads its sections with HTMX
in place (the address follows, the tab is marked current and keeps the focus), and the whole case loads the
same way; without script the same links are plain pages (tests/cases/test_case_tabs.py)."""

from __future__ import annotations

import pytest

from alliance.cases.services import case_create
from alliance.core import roles as R
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser


def test_tabs_load_in_place(page, server, console):
    police = factories.organisation("Police", sector="law_enforcement")
    officer = factories.member(police, [R.INVESTIGATOR], email="officer@dreamland.test")
    case = case_create(actor=factories.actor(officer), given_name="Amina", family_name="Yusuf")

    log_in(page, officer.user.email, factories.PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    assert page.get_by_test_id("tab-overview").get_attribute("aria-current") == "page"
    assert page.get_by_test_id("details-panel").count() == 1 and page.get_by_test_id("casefile").count() == 0
    page.get_by_test_id("tab-nrm").click()
    page.wait_for_url(f"**/cases/{case.pk}/?tab=nrm")
    assert page.get_by_test_id("tab-nrm").get_attribute("aria-current") == "page"
    assert page.get_by_test_id("nrm-panel").count() == 1 and page.get_by_test_id("casefile").count() == 0
    assert page.evaluate("document.activeElement.id") == "case-tab-nrm"
    page.get_by_test_id("tab-casefile").click()
    page.wait_for_url(f"**/cases/{case.pk}/?tab=casefile")
    assert page.get_by_test_id("casefile").count() == 1 and page.get_by_test_id("nrm-panel").count() == 0
    page.locator("#case-tab-all").click()
    page.wait_for_url(f"**/cases/{case.pk}/?tab=all")
    assert page.get_by_test_id("nrm-panel").count() == 1 and page.get_by_test_id("casefile").count() == 1
    assert "Amina" in page.get_by_test_id("case-fields").inner_text()
