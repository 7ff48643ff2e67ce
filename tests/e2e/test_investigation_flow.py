"""An investigation in a real browser: the police investigator opens one, records the raid report as a
source, imports its FtM file, cross-references it under a legal basis and sees only that the labour
inspectorate holds a match; the inspectorate's lead discloses it; the investigator then sees the record."""

from __future__ import annotations

import json

import pytest

from tests import factories
from tests.e2e.conftest import log_in
from tests.investigations.test_xref import WORK_PERMITS, _inspectorate_investigation
from tests.investigations.world import RAID_REPORT

pytestmark = pytest.mark.browser


def _submit(page, form, button: str) -> None:
    with page.expect_navigation():
        form.get_by_role("button", name=button).click()


def test_open_import_cross_reference_and_disclose(page, server, console, tmp_path):
    from alliance.core import roles as R

    police = factories.organisation("Dreamland Police", sector="law_enforcement")
    inspectorate = factories.organisation("Dreamland Labour Inspectorate", sector="labour_inspection")
    factories.member(police, [R.INVESTIGATOR], email="ivo@dreamland.test")
    inspector = factories.member(inspectorate, [R.INVESTIGATOR], email="lena@dreamland.test")
    _inspectorate_investigation({"inspector": inspector})
    assert WORK_PERMITS[0]["properties"]["name"] == ["IVANOV DMITRII"]

    log_in(page, "ivo@dreamland.test", factories.PASSWORD)
    page.goto("/investigations/")
    with page.expect_navigation():
        page.get_by_test_id("investigation-new").click()
    form = page.get_by_test_id("investigation-form")
    form.get_by_label("Working title").fill("Operation Orchard")
    form.get_by_label("Purpose").fill("Labour exploitation ring")
    form.get_by_label("Legal basis").fill("Criminal Procedure Code, art. 12")
    _submit(page, form, "Open")
    assert "Operation Orchard" in page.locator("h1").inner_text()

    page.locator("summary", has_text="Record a source").click()
    form = page.get_by_test_id("source-form")
    form.get_by_label("Kind of source").select_option("police_report")
    form.get_by_label("Document reference").fill("RR-2026-0412")
    form.get_by_label("Legal basis", exact=True).fill("Criminal Procedure Code, art. 12")
    _submit(page, form, "Record")
    assert "Source recorded." in page.content()

    raid = tmp_path / "raid.ftm.json"
    raid.write_text("\n".join(json.dumps(e, ensure_ascii=False) for e in RAID_REPORT), encoding="utf-8")
    page.locator("summary", has_text="Import a FollowTheMoney file").click()
    form = page.get_by_test_id("import-form")
    form.locator("input[type=file]").set_input_files(str(raid))
    _submit(page, form, "Import")
    assert f"{len(RAID_REPORT)} entities imported." in page.content()
    assert "Дмитрий Иванов" in page.get_by_test_id("entities").inner_text()

    form = page.get_by_test_id("xref-form")
    form.get_by_label("Purpose").fill("Identify the recruiters")
    _submit(page, form, "Cross-reference")
    hits = page.get_by_test_id("hits").inner_text()
    assert "Dreamland Labour Inspectorate" in hits and "lena@dreamland.test" in hits
    assert "IVANOV" not in hits and "Abenov" not in hits  # nothing of theirs before they disclose

    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    log_in(page, "lena@dreamland.test", factories.PASSWORD)
    page.goto("/investigations/disclosures/")
    request = page.get_by_test_id("disclosure-request").filter(has_text="IVANOV DMITRII")
    assert "Criminal Procedure Code, art. 12" in request.inner_text()
    request.locator("select[name=decision]").select_option("approve")
    _submit(page, request, "Record the decision")
    assert "Decision recorded" in page.content()

    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    log_in(page, "ivo@dreamland.test", factories.PASSWORD)
    page.goto("/investigations/")
    with page.expect_navigation():
        page.get_by_test_id("investigation-link").first.click()
    assert "IVANOV DMITRII" in page.get_by_test_id("hits").inner_text()
    assert console.csp_violations() == [] and console.page_errors == []
