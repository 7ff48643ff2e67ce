"""The interview page in a real browser.

The provisional result shown for a screening kept offline comes from scoring.js; it must say what the server
will say. 200 generated answer sets are scored in the page (window.AllianceScoring.score) and by
alliance.screening.domain.scoring.score, and must agree on the band and, per list, on the verdict and each
dimension. Then the guided interview on a phone: steps, skip logic, the child presumption, the urgent way
out, and the payload it hands to offline.js, which the submission service accepts as it is.
"""

from __future__ import annotations

import random
import re
import uuid

import pytest

from alliance.core import roles as R
from alliance.screening.domain import scoring
from alliance.screening.domain.catalogue import load_catalogues
from alliance.screening.domain.interview import ANSWERS, current_interview
from alliance.screening.services import screening_submit
from tests import factories
from tests.e2e.conftest import TIMEOUT_MS, log_in, watch

pytestmark = pytest.mark.browser

EMAIL = "screener@dreamland.test"
WORK_TYPES = ("none", "labour", "sexual", "both")
ISO_WITH_OFFSET = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}[+-]\d\d:\d\d$")

SCORE_ALL = """(cases) => {
  const context = JSON.parse(document.getElementById("screening-context").textContent);
  return cases.map((c) => window.AllianceScoring.score(context, c.answers, c.options));
}"""


@pytest.fixture
def responder(server):
    load_catalogues()
    organisation = factories.organisation("Reception Centre North")
    member = factories.member(organisation, [R.FRONTLINE_RESPONDER], email=EMAIL)
    return factories.actor(member)


@pytest.fixture
def phone(browser, server, console):
    """A small phone, in Kabul's time zone (UTC+04:30), so the times must carry their offset."""
    ctx = browser.new_context(base_url=server.url, locale="en-GB", viewport={"width": 375, "height": 740},
                              timezone_id="Asia/Kabul", has_touch=True)
    ctx.set_default_timeout(TIMEOUT_MS)
    # offline.js (the queue) is another part's work: here the page's own answers are watched instead.
    ctx.route("**/static/screening/offline.js",
              lambda route: route.fulfill(status=200, content_type="text/javascript", body=""))
    page = ctx.new_page()
    watch(page, console)
    yield page
    ctx.close()


def _answer_sets(interview, count: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    questions = [(q.catalogue, q.indicator) for s in interview.sections for q in s.questions]
    cases = []
    for _ in range(count):
        density = rng.choice((0.05, 0.2, 0.4, 0.6, 0.9))
        answers = []
        for catalogue, indicator in questions:
            if rng.random() < 0.15:
                continue  # not asked
            answer = "yes" if rng.random() < density else rng.choice(ANSWERS[1:])
            answers.append({"catalogue": catalogue, "indicator": indicator, "answer": answer})
        cases.append({"answers": answers, "options": {"isChild": rng.random() < 0.4,
                                                      "workType": rng.choice(WORK_TYPES),
                                                      "urgent": rng.random() < 0.1}})
    return cases


def _server_view(interview, case: dict) -> dict:
    options = case["options"]
    result = scoring.score(interview, {(a["catalogue"], a["indicator"]): a["answer"] for a in case["answers"]},
                           is_child=options["isChild"], work_type=options["workType"], urgent=options["urgent"])
    return _comparable(result)


def _comparable(result: dict) -> dict:
    return {"band": result["band"], "lists": [
        {"list": entry["list"], "indicated": entry["indicated"],
         "dimensions": [{"dimension": d["dimension"], "present": d["present"]} for d in entry["dimensions"]]}
        for entry in result["lists"]]}


def test_the_provisional_result_in_the_browser_matches_the_servers_rule(page, server, responder, console):
    interview = current_interview()
    log_in(page, EMAIL, factories.PASSWORD)
    page.goto("/screening/interview/?interviewer=en&interviewee=ar")
    page.wait_for_function("() => window.AllianceScoring !== undefined")
    cases = _answer_sets(interview, 200, seed=20261129)
    in_browser = page.evaluate(SCORE_ALL, cases)
    bands, indicated = set(), 0
    for case, browser_result in zip(cases, in_browser, strict=True):
        expected = _server_view(interview, case)
        assert _comparable(browser_result) == expected, case
        bands.add(expected["band"])
        indicated += sum(entry["indicated"] for entry in expected["lists"])
    # The generated sets reach every band and both verdicts, so the comparison means something.
    assert bands == {"none", "monitor", "refer", "child"}
    assert 0 < indicated < sum(len(r["lists"]) for r in in_browser)
    assert console.page_errors == [] and console.csp_violations() == []


def _start(page, interviewee: str = "ar", interviewer: str = "en") -> None:
    log_in(page, EMAIL, factories.PASSWORD)
    page.goto("/screening/")
    page.get_by_label("Language of the person").select_option(interviewee)
    page.get_by_label("Your language (the interviewer's)").select_option(interviewer)
    with page.expect_navigation():
        page.get_by_role("button", name="Start the interview").click()
    page.evaluate("""() => document.addEventListener("screening:finished",
                                                      (e) => { window.finished = e.detail.payload; })""")


def _step(page) -> str:
    return page.locator("[data-progress-text]").inner_text()


def _answer(page, indicator: str, value: str) -> None:
    page.locator(f'fieldset[data-indicator="{indicator}"] input[value="{value}"]').check()


def _no_horizontal_scroll(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= window.innerWidth")


def test_a_guided_interview_on_a_phone_hands_over_a_payload_the_server_accepts(phone, responder, console):
    page = phone
    _start(page)
    assert _no_horizontal_scroll(page)
    assert _step(page) == "Step 1 of 6: About the person"
    assert page.locator('section[data-section="screen"]').is_hidden()

    # Under 18 by the age: a child, whatever was ticked; the age group follows the age.
    page.get_by_label("Age in years (if known)").fill("15")
    child = page.get_by_label("Appears to be a child, or says they are under 18")
    assert child.is_checked() and child.is_disabled()
    assert page.get_by_label("Age group").input_value() == "12-17"
    # The type of work is needed before going on.
    page.get_by_role("button", name="Next").click()
    assert _step(page).startswith("Step 1 of")
    page.get_by_label("No work yet (in transit)").check()
    # No work yet: no conditions or destination sections; a child: the child section.
    assert _step(page) == "Step 1 of 5: About the person"

    page.get_by_role("button", name="Next").click()
    assert _step(page) == "Step 2 of 5: Short screen"
    screen = page.locator('section[data-section="screen"]')
    assert screen.is_visible() and _no_horizontal_scroll(page)
    assert screen.locator('p[lang="ar"][dir="rtl"]').first.is_visible()
    _answer(page, "held", "yes")
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Back").click()
    assert _step(page) == "Step 2 of 5: Short screen"
    page.get_by_role("button", name="Next").click()
    assert _step(page) == "Step 3 of 5: Recruitment and travel"
    _answer(page, "dr-job-nature", "declined")
    page.get_by_role("button", name="Next").click()
    assert _step(page) == "Step 4 of 5: Child"
    _answer(page, "unaccompanied", "yes")
    page.locator('fieldset[data-indicator="adult-controls"] input[value="yes"]').focus()
    page.keyboard.press("Space")  # keyboard only
    page.get_by_role("button", name="Next").click()
    assert _step(page) == "Step 5 of 5: End of the interview"
    assert page.get_by_role("button", name="Urgent safety: refer now").is_visible()
    page.get_by_role("button", name="Finish the interview").click()

    payload = page.wait_for_function("() => window.finished").json_value()
    assert uuid.UUID(payload["client_uuid"]).version == 4
    assert ISO_WITH_OFFSET.match(payload["started_at"]) and payload["started_at"].endswith("+04:30")
    assert ISO_WITH_OFFSET.match(payload["finished_at"])
    assert payload["offline"] is False and payload["urgent"] is False
    assert (payload["interviewer_language"], payload["interviewee_language"], payload["interpreter"]) == ("en", "ar",
                                                                                                         False)
    assert (payload["age"], payload["age_group"], payload["is_child"], payload["work_type"]) == (15, "12-17", True,
                                                                                                  "none")
    assert payload["sex"] == "unknown" and payload["citizenship"] == ""
    assert [c["code"] for c in payload["catalogues"]] == ["mixed-migration-5", "ilo-ec-operational", "child-specific"]
    assert payload["answers"] == [
        {"catalogue": "mixed-migration-5", "indicator": "held", "answer": "yes", "source": "self_reported"},
        {"catalogue": "ilo-ec-operational", "indicator": "dr-job-nature", "answer": "declined",
         "source": "self_reported"},
        {"catalogue": "child-specific", "indicator": "unaccompanied", "answer": "yes", "source": "self_reported"},
        {"catalogue": "child-specific", "indicator": "adult-controls", "answer": "yes", "source": "observed"},
    ]
    assert page.get_by_text("Saving the screening…").is_visible()
    screening, created = screening_submit(actor=responder, payload=payload)
    assert created and screening.outcome == "child"

    # offline.js kept it (no connection): the provisional result, clearly marked as such.
    page.evaluate("(id) => document.dispatchEvent(new CustomEvent('screening:queued', {detail: {client_uuid: id}}))",
                  payload["client_uuid"])
    result = page.get_by_test_id("provisional-result")
    assert result.is_visible()
    assert "Provisional result" in result.inner_text()
    assert "will be sent when the connection returns" in result.inner_text()
    assert "Child with indicators: follow the child procedure" in result.inner_text()
    assert "child protection services" in result.inner_text()
    assert _no_horizontal_scroll(page)
    assert console.page_errors == [] and console.csp_violations() == []


def test_the_urgent_button_finishes_at_once(phone, responder, console):
    page = phone
    _start(page, interviewee="fa", interviewer="en")
    page.get_by_label("Sex", exact=True).select_option("female")
    page.get_by_label("Age group").select_option("25-34")
    page.get_by_role("button", name="Urgent safety: refer now").click()
    payload = page.wait_for_function("() => window.finished").json_value()
    assert payload["urgent"] is True and payload["work_type"] == "both" and payload["answers"] == []
    assert (payload["sex"], payload["age"], payload["age_group"], payload["is_child"]) == ("female", None, "25-34",
                                                                                           False)
    # A refusal is shown as it came, never as HTML.
    page.evaluate("""(id) => document.dispatchEvent(new CustomEvent('screening:refused', {detail: {client_uuid: id,
        status: 422, errors: {sex: ["<b>Choose</b> female, male, other or not known."]}}}))""", payload["client_uuid"])
    refused = page.get_by_test_id("refused-result")
    assert refused.is_visible() and "<b>Choose</b> female" in refused.inner_text()
    assert refused.locator("b").count() == 0
    # An event for another interview is not this page's business.
    page.evaluate("""() => document.dispatchEvent(new CustomEvent('screening:stored',
        {detail: {client_uuid: 'other', id: 1, url: '/'}}))""")
    assert "/screening/interview/" in page.url
    screening, created = screening_submit(actor=responder, payload=payload)
    assert created and screening.outcome == "refer"
    with page.expect_navigation():
        page.evaluate("""([id, pk]) => document.dispatchEvent(new CustomEvent('screening:stored',
            {detail: {client_uuid: id, id: pk, url: '/screening/' + pk + '/', outcome: 'refer'}}))""",
                      [payload["client_uuid"], screening.pk])
    assert page.url.endswith(f"/screening/{screening.pk}/")
    assert console.page_errors == [] and console.csp_violations() == []
