"""A referral in a real browser: the frontline officer records a presumed victim with consent and refers her
to the shelter; the shelter finds the referral in its inbox and accepts it; the reflection period starts and
its clock shows; the competent authority records the identification decision; the shelter sees the
decision but not the fields outside its scope."""

from __future__ import annotations

import pytest

from alliance.cases.models import CaseShare
from alliance.core import roles as R
from tests import factories
from tests.e2e.conftest import log_in, open_tab

pytestmark = pytest.mark.browser


def _log_out(page) -> None:
    with page.expect_navigation():
        page.get_by_test_id("logout").click()


def _submit(page, test_id: str) -> None:
    with page.expect_navigation():
        page.get_by_test_id(test_id).click()


def _consent(page, organisation) -> None:
    page.locator("summary", has_text="Record consent").click()
    page.locator("#consent_purpose").select_option("share_organisation")
    page.locator("#consent_organisation").select_option(str(organisation.pk))
    page.locator("#consent_language").fill("ar")
    page.locator("#consent_interpreter").check()
    _submit(page, "record-consent")
    assert "The consent is recorded." in page.content()


def _step(page, name: str, outcome: str = "", reason: str = "") -> None:
    page.locator("summary", has_text=name).click()
    form = page.locator("form", has=page.locator(f"[data-testid=step-{_STEPS[name]}]"))
    if outcome:
        form.locator("select[name=outcome]").select_option(outcome)
    if reason:
        form.locator("textarea[name=reason]").fill(reason)
    _submit(page, f"step-{_STEPS[name]}")
    assert "The step is recorded." in page.content()


_STEPS = {
    "Record the reasonable-grounds decision": "reasonable_grounds",
    "Start the recovery and reflection period": "start_reflection",
    "Record the conclusive-grounds decision": "conclusive_grounds",
}


def test_refer_accept_reflection_and_identification(page, server, console):
    police = factories.organisation("Dreamland Police", sector="law_enforcement")
    shelter = factories.organisation("Safe Harbour Shelter", sector="ngo")
    authority = factories.organisation("Identification Authority", sector="border_migration")
    factories.member(police, [R.FRONTLINE_RESPONDER], email="officer@dreamland.test")
    factories.member(police, [R.CASE_WORKER], email="caseworker@dreamland.test")
    factories.member(shelter, [R.CASE_WORKER], email="shelter@dreamland.test")
    factories.member(authority, [R.COMPETENT_AUTHORITY], email="authority@dreamland.test")

    # The frontline officer records the person, her consent, and refers her to the shelter (limited scope).
    log_in(page, "officer@dreamland.test", factories.PASSWORD)
    page.goto("/cases/new/")
    page.get_by_label("Given name").fill("Amina")
    page.get_by_label("Family name").fill("Yusuf")
    page.get_by_label("Pseudonym shown in lists").fill("Desert Lark")
    with page.expect_navigation():
        page.get_by_role("button", name="Open the case").click()
    case_url = page.url
    open_tab(page, "referrals")
    _consent(page, shelter)
    _consent(page, authority)
    page.locator("summary", has_text="Refer or transfer the case").click()
    page.locator("#refer_kind").select_option("referral")
    page.locator("#refer_organisation").select_option(str(shelter.pk))
    page.locator("#refer_scope").select_option("limited")
    page.locator("#refer_purpose").fill("Shelter placement and support")
    _submit(page, "refer")
    assert "The case is referred" in page.content()
    assert page.get_by_test_id("case-referrals").get_by_test_id("referral-status").inner_text() == "Pending"
    # The competent authority receives the full file to decide on.
    page.locator("#share_organisation").select_option(str(authority.pk))
    page.locator("#share_scope").select_option("full")
    page.locator("#share_purpose").fill("Identification")
    with page.expect_navigation():
        page.get_by_role("button", name="Share", exact=True).click()
    assert "The case is shared." in page.content()
    _log_out(page)

    # The shelter sees the referral in its inbox, with the notice counted in the top bar, and accepts it.
    log_in(page, "shelter@dreamland.test", factories.PASSWORD)
    assert page.get_by_test_id("unread-count").is_visible()
    page.get_by_role("link", name="Referrals").click()
    page.wait_for_url("**/cases/referrals/")
    referral = CaseShare.objects.get(organisation=shelter)
    inbox = page.get_by_test_id("referrals")
    assert referral.case.number in inbox.inner_text() and "Desert Lark" in inbox.inner_text()
    assert "Amina" not in page.content()
    _submit(page, f"accept-{referral.pk}")
    assert "The referral is accepted." in page.content()
    assert page.url == case_url
    open_tab(page, "referrals")
    assert page.get_by_test_id("referral-status").inner_text() == "Accepted"
    assert page.get_by_test_id("limited-scope").is_visible()
    _log_out(page)

    # The authority finds reasonable grounds; the police case worker starts the reflection period.
    log_in(page, "authority@dreamland.test", factories.PASSWORD)
    page.goto(case_url)
    open_tab(page, "nrm")
    _step(page, "Record the reasonable-grounds decision", outcome="positive",
          reason="Indicators of forced labour met")
    _log_out(page)
    log_in(page, "caseworker@dreamland.test", factories.PASSWORD)
    page.goto(case_url)
    open_tab(page, "nrm")
    _step(page, "Start the recovery and reflection period")
    assert "Recovery and reflection period ends" in page.get_by_test_id("clocks").inner_text()
    _log_out(page)

    # The authority sees the reflection clock and records the identification decision.
    log_in(page, "authority@dreamland.test", factories.PASSWORD)
    page.goto(case_url)
    open_tab(page, "nrm")
    assert "Recovery and reflection period ends" in page.get_by_test_id("clocks").inner_text()
    _step(page, "Record the conclusive-grounds decision", outcome="positive",
          reason="Conclusive grounds: forced labour on the farm")
    assert page.get_by_test_id("trafficking-status").inner_text() == "Identified victim"
    _log_out(page)

    # The shelter sees the decision, not the name, the reasons or the deadlines.
    log_in(page, "shelter@dreamland.test", factories.PASSWORD)
    page.goto(case_url)
    open_tab(page, "nrm")
    assert page.get_by_test_id("trafficking-status").inner_text() == "Identified victim"
    assert page.get_by_test_id("limited-scope").is_visible()
    content = page.content()
    for withheld in ("Amina", "Yusuf", "forced labour", "Recovery and reflection period ends"):
        assert withheld not in content, withheld
    assert console.csp_violations() == [] and console.page_errors == []
