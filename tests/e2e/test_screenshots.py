"""Screenshots for docs/design-system.md: the Dreamland demo in a real Chromium, on a phone (390x844) and at a
desk (1280x800). Not a check: it runs only when asked, and writes docs/screenshots/<page>-<phone|desk>.png.

    ALLIANCE_SCREENSHOTS=1 ALLIANCE_PROFILE=test ALLIANCE_VAR_DIR=$(mktemp -d) \\
        .venv/bin/python -m pytest -m browser tests/e2e/test_screenshots.py -q

The demo data is fictitious; the pages are whatever the templates render
now, so run it again after a change to the look."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.e2e.conftest import TIMEOUT_MS, log_in

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.environ.get("ALLIANCE_SCREENSHOTS"), reason="set ALLIANCE_SCREENSHOTS=1 to take them"),
]

OUT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
VIEWPORTS = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1280, "height": 800}}


def _shoot(browser, server, viewport: str, email: str, shots: list[tuple[str, object]]) -> None:
    from alliance.web.demo import DEMO_PASSWORD

    context = browser.new_context(base_url=server.url, locale="en-GB", viewport=VIEWPORTS[viewport],
                                  is_mobile=viewport == "phone", has_touch=viewport == "phone",
                                  device_scale_factor=1, service_workers="block")
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = context.new_page()
        if email:
            log_in(page, email, DEMO_PASSWORD)
        for name, go in shots:
            if isinstance(go, str):
                page.goto(go)
            else:
                go(page)
            page.wait_for_load_state("networkidle")
            # The phone's whole page; the desk's first screen, but the whole of the case page.
            whole = viewport == "phone" or name.startswith("case-page")
            page.screenshot(path=str(OUT / f"{name}-{viewport}.png"), full_page=whole)
    finally:
        context.close()


def _first_case(page) -> None:
    page.goto("/cases/?box=mine")
    link = page.locator("[data-testid=case-list] tbody a").first
    href = link.get_attribute("href")
    page.goto(href)


def _case_tab(page) -> None:
    """One part of the case page on its own: the case file tab (tasks, notes, documents), if the page has tabs."""
    _first_case(page)
    tab = page.locator("main nav.tabs [data-testid=tab-casefile]")
    if tab.count():
        page.goto(tab.get_attribute("href"))


def _first_screening(page) -> None:
    page.goto("/screening/")
    page.locator("[data-testid=recent-screenings] tbody a").first.click()
    page.wait_for_load_state()


def _right_to_left(page) -> None:
    """The site has no right-to-left language yet: the direction is forced as one would set it."""
    page.goto("/cases/")
    page.evaluate("document.documentElement.dir = 'rtl'")


def _in_russian(page) -> None:
    page.goto("/cases/")
    with page.expect_navigation():
        page.locator("select#language").select_option("ru")


def _form_with_errors(page) -> None:
    page.goto("/cases/new/")
    page.locator("main form.stack button[type=submit]").first.click()
    page.wait_for_load_state()


@pytest.mark.parametrize("viewport", list(VIEWPORTS))
def test_take_screenshots(browser, server, viewport):
    from alliance.web.demo import load_demo

    load_demo()
    OUT.mkdir(parents=True, exist_ok=True)
    _shoot(browser, server, viewport, "", [("login", "/accounts/login/")])
    _shoot(browser, server, viewport, "caseworker@dreamland.example", [
        ("home", "/"),
        ("case-list", "/cases/"),
        ("case-form", "/cases/new/"),
        ("case-form-errors", _form_with_errors),
        ("case-page", _first_case),
        ("case-page-tab", _case_tab),
        ("tokens-empty", "/directory/tokens/"),
        ("case-list-rtl", _right_to_left),
        ("case-list-ru", _in_russian),
    ])
    _shoot(browser, server, viewport, "reception@dreamland.example", [
        ("screening-home", "/screening/"),
        ("screening-interview", "/screening/interview/?interviewer=en&interviewee=ar"),
        ("screening-result", _first_screening),
    ])
    _shoot(browser, server, viewport, "admin@dreamland.example", [("staff", "/directory/staff/")])
