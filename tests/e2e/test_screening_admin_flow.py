"""In a real browser: a system administrator publishes a new version of a catalogue through the editor (a
missing Turkish text blocks publication until it is filled), a reception manager reads the facility
dashboard, which names nobody, and an analyst gets breakdowns for a completed month only."""

from __future__ import annotations

import pytest

from alliance.core import roles as R
from alliance.screening.domain.catalogue import current, load_catalogues
from alliance.screening.models import Catalogue
from tests import factories
from tests.e2e.conftest import log_in
from tests.screening.matrix_world import payload

pytestmark = pytest.mark.browser


def test_an_administrator_publishes_a_new_version_only_when_every_language_is_there(page, server, console):
    load_catalogues()
    admin = factories.member(factories.organisation("Coordination Office", sector="coordinator_rapporteur"),
                             [R.SYSTEM_ADMINISTRATOR])
    old = current("mixed-migration-5")
    log_in(page, admin.user.email, factories.PASSWORD)
    page.goto("/screening/catalogues/")
    with page.expect_navigation():
        page.get_by_role("link", name=old.version, exact=True).first.click()
    page.locator("[data-testid=draft-form] input[name=version]").fill("2027.1")
    with page.expect_navigation():
        page.get_by_test_id("make-draft").click()
    draft = Catalogue.objects.get(code="mixed-migration-5", version="2027.1")
    assert draft.is_draft
    # The Turkish text of the first question is emptied, then publication is tried.
    page.goto(f"/screening/catalogues/{draft.pk}/edit/?language=tr")
    first = page.locator("[data-testid=texts-form] textarea").first
    turkish = first.input_value()
    first.fill("")
    with page.expect_navigation():
        page.get_by_test_id("save-texts").click()
    page.goto(f"/screening/catalogues/{draft.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("publish").click()
    assert "tr: 1 question missing" in page.get_by_test_id("catalogue-errors").inner_text()
    assert current("mixed-migration-5") == old
    # Filled again, it publishes, and the interview uses it from now on.
    page.goto(f"/screening/catalogues/{draft.pk}/edit/?language=tr")
    page.locator("[data-testid=texts-form] textarea").first.fill(turkish)
    with page.expect_navigation():
        page.get_by_test_id("save-texts").click()
    page.goto(f"/screening/catalogues/{draft.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("publish").click()
    assert current("mixed-migration-5").version == "2027.1"
    assert console.page_errors == [] and console.csp_violations() == []


def test_a_reception_manager_reads_the_dashboard_and_it_names_nobody(page, server, console):
    from alliance.screening.services import screening_submit

    load_catalogues()
    reception = factories.organisation("Reception Centre South", sector="border_migration")
    screener = factories.actor(factories.member(reception, [R.FRONTLINE_RESPONDER]))
    for n in range(12):
        screening_submit(actor=screener, payload=payload(sex="female" if n % 2 else "male", age=20 + n))
    manager = factories.member(reception, [R.FRONTLINE_RESPONDER], org_admin=True)
    log_in(page, manager.user.email, factories.PASSWORD)
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("link", name="Reception dashboard").first.click()
    main = page.locator("main")
    assert "12" in main.locator("text=Screenings").first.locator("..").inner_text()
    assert main.locator("svg").count() >= 2
    links = main.locator("a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert not any(href and href.rstrip("/").split("/")[-1].isdigit() and "/screening/" in href for href in links)
    assert console.page_errors == [] and console.csp_violations() == []


def test_an_analyst_gets_breakdowns_for_a_completed_month_only(page, server, console):
    import datetime as dt

    from django.utils import timezone

    from alliance.screening.models import Screening
    from alliance.screening.selectors import dashboard as figures
    from alliance.screening.services import screening_submit

    load_catalogues()
    reception = factories.organisation("Reception Centre East", sector="border_migration")
    screener = factories.actor(factories.member(reception, [R.FRONTLINE_RESPONDER]))
    for n in range(12):
        screening_submit(actor=screener, payload=payload(age=20 + n))
    first, last = figures.last_complete_month(timezone.localdate())
    when = timezone.make_aware(dt.datetime.combine(last, dt.time(12)))
    Screening.objects.update(started_at=when - dt.timedelta(minutes=10), finished_at=when)
    analyst = factories.member(factories.organisation("Rapporteur office", sector="coordinator_rapporteur"),
                               [R.ANALYST])
    log_in(page, analyst.user.email, factories.PASSWORD)
    page.goto("/screening/dashboard/")
    main = page.locator("main")
    # The default is the last completed month: its breakdowns are there.
    assert main.locator("#id_date_from").input_value() == first.isoformat()
    assert main.locator("[data-testid=by-sex]").count() == 1
    # Half the month: the same screenings, but a period that could be compared with the month. Only the
    # total and the days.
    main.locator("#id_date_from").fill((first + dt.timedelta(days=1)).isoformat())
    with page.expect_navigation():
        main.get_by_role("button", name="Show").click()
    assert "one completed calendar month at a time" in main.locator("[data-testid=too-few]").inner_text()
    assert main.locator("[data-testid=by-sex]").count() == 0
    assert main.locator("[data-testid=total]").inner_text() == "12"
    assert console.page_errors == [] and console.csp_violations() == []
