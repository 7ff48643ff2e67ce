"""A person's path through the NRM in a real browser: the frontline officer records a presumed victim and
the consent, shares the case with the shelter (limited) and the authority (full); the authority records the
reasonable-grounds decision; the shelter sees the decision but not the fields outside its scope."""

from __future__ import annotations

import pytest

from alliance.core import roles as R
from tests import factories
from tests.e2e.conftest import log_in, open_tab

pytestmark = pytest.mark.browser


def _log_out(page) -> None:
    with page.expect_navigation():
        page.get_by_test_id("logout").click()


def test_presumed_victim_consent_share_and_decision(page, server):
    police = factories.organisation("Dreamland Police", sector="law_enforcement")
    shelter = factories.organisation("Safe Harbour Shelter", sector="ngo")
    authority = factories.organisation("Identification Authority", sector="border_migration")
    officer = factories.member(police, [R.FRONTLINE_RESPONDER], email="officer@dreamland.test")
    factories.member(shelter, [R.CASE_WORKER], email="shelter@dreamland.test")
    factories.member(authority, [R.COMPETENT_AUTHORITY], email="authority@dreamland.test")

    log_in(page, officer.user.email, factories.PASSWORD)
    page.goto("/cases/new/")
    page.get_by_label("Given name").fill("Amina")
    page.get_by_label("Family name").fill("Yusuf")
    page.get_by_label("Pseudonym shown in lists").fill("Desert Lark")
    with page.expect_navigation():
        page.get_by_role("button", name="Open the case").click()
    case_url = page.url
    assert "Amina" in page.content()
    open_tab(page, "referrals")

    for organisation, scope in ((shelter, "limited"), (authority, "full")):
        page.locator("summary", has_text="Record consent").click()
        page.locator("#consent_purpose").select_option("share_organisation")
        page.locator("#consent_organisation").select_option(str(organisation.pk))
        page.locator("#consent_language").fill("ar")
        page.locator("#consent_interpreter").check()
        with page.expect_navigation():
            page.get_by_test_id("record-consent").click()
        assert "The consent is recorded." in page.content()
        page.locator("#share_organisation").select_option(str(organisation.pk))
        page.locator("#share_scope").select_option(scope)
        page.locator("#share_purpose").fill("NRM")
        with page.expect_navigation():
            page.get_by_role("button", name="Share", exact=True).click()
        assert "The case is shared." in page.content()
    _log_out(page)

    log_in(page, "authority@dreamland.test", factories.PASSWORD)
    page.goto(case_url)
    open_tab(page, "nrm")
    page.locator("summary", has_text="Record the reasonable-grounds decision").click()
    page.locator("#reasonable_grounds_outcome").select_option("positive")
    page.locator("#reasonable_grounds_reason").fill("Indicators of forced labour met")
    with page.expect_navigation():
        page.get_by_test_id("step-reasonable_grounds").click()
    assert "The step is recorded." in page.content()
    assert page.get_by_test_id("nrm-stage").inner_text() == "Presumed victim (reasonable grounds)"
    _log_out(page)

    log_in(page, "shelter@dreamland.test", factories.PASSWORD)
    page.goto(case_url)
    open_tab(page, "nrm")
    assert page.get_by_test_id("trafficking-status").inner_text() == "Presumed victim"
    assert page.get_by_test_id("limited-scope").is_visible()
    content = page.content()
    assert "Amina" not in content and "Yusuf" not in content and "forced labour" not in content
