"""The shell in a real Chromium: log-in with a second factor, language, log-out, error pages, CSP, phone
layout and keyboard, and the exercise banner. Run with `pytest -m browser tests/e2e`."""

from __future__ import annotations

import warnings
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.cases import services as case_services
from alliance.core import roles as R
from tests import factories
from tests.e2e.conftest import ConsoleLog, log_in, watch

pytestmark = pytest.mark.browser

TOTP_KEY = "3132333435363738393031323334353637383930"  # RFC 6238's test secret, as hex


def _member(role: str, org_name: str | None = None):
    return factories.member(factories.organisation(org_name), [role])


def _assert_healthy(page, console) -> None:
    """The current page loaded htmx under the CSP and nothing was refused or thrown so far."""
    assert page.evaluate("typeof window.htmx") == "object", f"htmx missing on {page.url}"
    assert console.csp_violations() == []
    assert console.page_errors == []


def test_log_in_with_second_factor_lands_on_the_case_worker_dashboard(page, console):
    membership = _member(R.CASE_WORKER)
    TOTPDevice.objects.create(user=membership.user, name="phone", key=TOTP_KEY, confirmed=True)

    log_in(page, membership.user.email, factories.PASSWORD)
    assert page.url.split("?")[0].endswith("/accounts/second-factor/")
    assert page.get_by_role("heading", level=1).inner_text() == "Confirm it is you"
    assert page.locator("[data-testid=dashboard]").count() == 0

    # The dashboard is out of reach until the second factor is given.
    page.goto("/")
    assert page.url.split("?")[0].endswith("/accounts/second-factor/")

    page.get_by_label("Code from your authenticator app").fill(f"{totp(bytes.fromhex(TOTP_KEY)):06d}")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()

    dashboard = page.locator("[data-testid=dashboard]")
    assert dashboard.is_visible()
    assert "Cases I can see" in dashboard.inner_text()
    assert "Record a presumed victim" in dashboard.inner_text()
    assert "Case worker" in page.locator("[data-testid=who]").inner_text()
    _assert_healthy(page, console)


def test_a_wrong_second_factor_code_is_refused(page, console):
    membership = _member(R.CASE_WORKER)
    TOTPDevice.objects.create(user=membership.user, name="phone", key=TOTP_KEY, confirmed=True)
    good = totp(bytes.fromhex(TOTP_KEY))

    log_in(page, membership.user.email, factories.PASSWORD)
    page.get_by_label("Code from your authenticator app").fill(f"{(good + 1) % 1_000_000:06d}")
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    assert "That code is not valid" in page.locator("main").inner_text()
    assert page.locator("[data-testid=dashboard]").count() == 0
    _assert_healthy(page, console)


def test_language_selector_switches_to_russian(page, console):
    membership = _member(R.CASE_WORKER)
    log_in(page, membership.user.email, factories.PASSWORD)
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_test_id("logout").inner_text().strip() == "Log out"

    # No submit button: the static alliance.js submits the form on change (no inline script).
    with page.expect_navigation():
        page.locator("select#language").select_option("ru")

    assert page.locator("html").get_attribute("lang") == "ru"
    assert page.locator("[data-testid=dashboard]").is_visible(), "set_language must come back to the same page"
    assert page.locator("select#language").input_value() == "ru"
    compiled = Path(settings.LOCALE_PATHS[0]) / "ru" / "LC_MESSAGES" / "django.mo"
    if compiled.exists():
        with translation.override("ru"):
            expected = translation.gettext("Log out")
        label = page.get_by_test_id("logout").inner_text().strip()
        assert label != "Log out"
        assert label == expected
    else:
        warnings.warn(f"{compiled} missing (compilemessages not run): only the lang attribute was checked",
                      stacklevel=1)
    _assert_healthy(page, console)


def test_preferred_language_applies_at_log_in(page, console):
    membership = _member(R.CASE_WORKER)
    membership.user.preferred_language = "ru"
    membership.user.save(update_fields=["preferred_language"])
    log_in(page, membership.user.email, factories.PASSWORD)
    assert page.locator("[data-testid=dashboard]").is_visible()
    assert page.locator("html").get_attribute("lang") == "ru"


def test_log_out_clears_the_site_and_ends_the_session(page, console):
    membership = _member(R.CASE_WORKER)
    log_in(page, membership.user.email, factories.PASSWORD)
    assert page.locator("[data-testid=dashboard]").is_visible()

    with page.expect_response(
        lambda r: r.url.endswith("/accounts/logout/") and r.request.method == "POST"
    ) as logout_response, page.expect_navigation():
        page.get_by_test_id("logout").click()
    response = logout_response.value
    assert response.status == 302
    # .headers omits security-related headers; all_headers() has them all.
    assert response.all_headers().get("clear-site-data") == '"cache", "cookies", "storage"'
    assert page.url.split("?")[0].endswith("/accounts/login/")
    assert page.get_by_role("heading", level=1).inner_text() == "Log in"

    page.goto("/")
    assert page.url.split("?")[0].endswith("/accounts/login/")
    assert page.locator("[data-testid=dashboard]").count() == 0
    _assert_healthy(page, console)


def test_unauthorised_and_foreign_pages_show_clean_error_pages(page, console):
    owner = _member(R.CASE_WORKER)
    case = case_services.case_create(actor=factories.actor(owner), given_name="Mira", family_name="Dobreva",
                                     identity_number="PL-4471023", pseudonym="Blue Heron")
    trainee = _member(R.TRAINEE)
    log_in(page, trainee.user.email, factories.PASSWORD)
    assert page.locator("[data-testid=dashboard]").is_visible()

    response = page.goto("/audit/")
    assert response.status == 403
    assert page.get_by_test_id("error-403").is_visible()
    body = page.content()
    for leak in ("Traceback", "PermissionDenied", "Forbidden", "File \"", "site-packages"):
        assert leak not in body
    _assert_healthy(page, console)

    response = page.goto(f"/cases/{case.pk}/")
    assert response.status == 404
    assert page.get_by_test_id("error-404").is_visible()
    body = page.content()
    for leak in ("Traceback", "Http404", "Blue Heron", "Dobreva", case.number):
        assert leak not in body
    _assert_healthy(page, console)


def test_no_csp_violation_and_htmx_on_every_page(page, console):
    membership = _member(R.CASE_WORKER)
    csp_headers, static = [], {}

    def seen(response) -> None:
        if response.request.resource_type == "document":
            csp_headers.append((response.url, response.headers.get("content-security-policy")))
        elif "/static/" in response.url:
            static[response.url.split("/static/", 1)[1]] = response.status

    page.on("response", seen)

    page.goto("/accounts/login/")
    _assert_healthy(page, console)
    log_in(page, membership.user.email, factories.PASSWORD)
    _assert_healthy(page, console)
    for path in ("/", "/cases/", "/cases/new/", "/cases/search/", "/directory/tokens/",
                 "/accounts/second-factor/setup/", "/accounts/password-reset/", "/no-such-page/"):
        page.goto(path)
        _assert_healthy(page, console)

    assert len(console.visited) >= 10
    assert len(csp_headers) >= 10, "document responses were not seen"
    for url, header in csp_headers:
        assert header, f"no Content-Security-Policy on {url}"
        assert "'unsafe-inline'" not in header and "'unsafe-eval'" not in header, url
        assert "frame-ancestors 'none'" in header, url
    # The live server serves the apps' static files (django.contrib.staticfiles' handler).
    assert static.get("web/alliance.css") == 200, static
    assert static.get("django_htmx/htmx-2.min.js") == 200, static
    assert static.get("web/alliance.js") == 200, static
    assert set(static.values()) == {200}, static
    # A deliberate inline script must be refused: proves the policy is enforced, not only sent.
    page.goto("/")
    page.evaluate("""() => { const s = document.createElement('script'); s.textContent = 'window.__inlineRan = 1';
                             document.body.appendChild(s); }""")
    page.wait_for_timeout(100)
    assert page.evaluate("window.__inlineRan") is None
    assert console.csp_violations(), "Chromium should have reported the refused inline script"


def test_phone_layout_and_keyboard(browser, server):
    membership = _member(R.CASE_WORKER)
    context = browser.new_context(base_url=server.url, viewport={"width": 375, "height": 667}, is_mobile=True,
                                  has_touch=True, locale="en-GB")
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        console = ConsoleLog()
        watch(page, console)
        log_in(page, membership.user.email, factories.PASSWORD)
        dashboard = page.locator("[data-testid=dashboard]")
        assert dashboard.is_visible()

        def no_horizontal_scroll() -> None:
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 375 + 1, f"{page.url} is {width}px wide on a 375px phone"

        no_horizontal_scroll()
        nav = page.get_by_role("navigation", name="Main")
        assert nav.is_visible()
        cases_link = nav.get_by_role("link", name="Cases", exact=True)
        assert cases_link.is_visible()
        box = cases_link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= 376
        with page.expect_navigation():
            cases_link.tap()
        assert page.url.split("?")[0].endswith("/cases/")
        no_horizontal_scroll()

        page.goto("/")
        no_horizontal_scroll()
        # Keyboard: the first Tab from the top of the page reaches the skip link, which moves focus to main.
        page.keyboard.press("Tab")
        focused = page.evaluate("[document.activeElement.tagName, document.activeElement.className, "
                                "document.activeElement.getAttribute('href')]")
        assert focused == ["A", "skip", "#main"]
        assert page.locator("a.skip").is_visible(), "the skip link must show when focused"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        _assert_healthy(page, console)
    finally:
        context.close()


def test_trainee_switches_to_an_exercise_realm_and_sees_the_banner(page, console):
    trainee = _member(R.TRAINEE)
    realm = factories.exercise_realm("Team Blue")
    realm.participants.add(trainee.user)

    log_in(page, trainee.user.email, factories.PASSWORD)
    assert page.locator("[data-testid=dashboard]").is_visible()
    assert page.get_by_test_id("exercise-banner").count() == 0

    with page.expect_navigation():
        page.locator("select#realm").select_option(label="Team Blue")

    banner = page.get_by_test_id("exercise-banner")
    assert banner.is_visible()
    assert "Team Blue" in banner.inner_text()
    assert page.locator("select#realm").input_value() == str(realm.pk)
    # The banner stays on every page of the sandbox.
    page.goto("/cases/")
    assert page.get_by_test_id("exercise-banner").is_visible()
    _assert_healthy(page, console)
