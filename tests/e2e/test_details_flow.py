"""The HTCDS side of a case file in a real browser: a case worker records the person's details and the
victim context (checkbox groups, route rows), sees them on the case page with their labels, then imports
a spreadsheet with one bad row in partial mode and downloads the rejected row."""

from __future__ import annotations

import pytest

from alliance.cases.services import case_create
from alliance.core import roles as R
from tests import factories
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.browser

UPLOAD = (b"prs_FirstName,prs_SecondName,vic_MethodsOfControl\r\n"
          b"Olena,Kovalenko,DebtBondage; Threats\r\nThi,,Kindness\r\n")


def test_edit_details_and_import_a_spreadsheet(page, server, console, tmp_path):
    shelter = factories.organisation("Safe Harbour Shelter", sector="ngo")
    worker = factories.member(shelter, [R.CASE_WORKER], email="worker@dreamland.test")
    case = case_create(actor=factories.actor(worker), given_name="Amina", family_name="Yusuf")

    log_in(page, worker.user.email, factories.PASSWORD)
    page.goto(f"/cases/{case.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("edit-details").click()
    page.get_by_label("Gender").select_option("Feminine")
    page.get_by_label("Estimated age").fill("16")
    page.get_by_label("Debt bondage").check()
    page.get_by_label("Withholds documents").check()
    page.locator("#id_event0_type").select_option("Recruitment")
    page.locator("#id_event0_date").fill("2021-04-01")
    page.locator("#id_event0_place").fill("Eastvale")
    page.locator("#id_event1_type").select_option("Exploitation")
    page.locator("#id_event1_date").fill("2021-06-01")
    with page.expect_navigation():
        page.get_by_test_id("save-details").click()
    assert "The details are saved." in page.content()
    panel = page.get_by_test_id("details-panel").inner_text()
    for shown in ("Feminine", "Debt bondage", "Withholds documents", "Eastvale", "Exploitation"):
        assert shown in panel

    page.goto("/cases/htcds/")
    upload = tmp_path / "cases.csv"
    upload.write_bytes(UPLOAD)
    page.locator("#id_file").set_input_files(str(upload))
    page.get_by_label("Import the good rows and give me the rejected ones back").check()
    with page.expect_navigation():
        page.get_by_test_id("htcds-import").click()
    assert page.get_by_test_id("htcds-created").inner_text() == "1"
    assert "vic_MethodsOfControl" in page.get_by_test_id("htcds-errors").inner_text()
    with page.expect_download() as download:
        page.get_by_test_id("htcds-rejected-download").click()
    rejected = download.value.path().read_bytes().decode("utf-8-sig")
    assert rejected.splitlines()[1].startswith("Thi,") and "prs_SecondName" in rejected
    assert console.csp_violations() == [] and console.page_errors == []
