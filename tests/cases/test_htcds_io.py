"""HTCDS export and import: field scopes row by row, formula injection, the audit, all-or-nothing and
partial imports, numbering and clocks, hostile files, the pages and the API."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from alliance.cases.htcds.files import REJECTION_COLUMN, Limits
from alliance.cases.htcds.mapping import flat_header
from alliance.cases.models import Case, CaseClock
from alliance.cases.services import case_create
from alliance.cases.services.details import case_details_update
from alliance.cases.services.htcds import PARTIAL, htcds_export, htcds_import
from alliance.core import policy
from alliance.core import roles as R
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.directory.services import token_issue
from tests import factories

SECRETS = ("Mariam", "Haddad", "DL-778899", "Westharbour", "DebtBondage", "Site foreman", "Olive grove")
CONTEXT = {"exploitation_types": ["ForcedLabour"], "methods_of_control": ["DebtBondage"],
           "route_events": [{"type": "Exploitation", "date": "2022-02-01", "place": "Westharbour"}],
           "perpetrators": [{"role": "Exploiter", "details": "Site foreman"}]}


@pytest.fixture
def world(db):
    police = factories.organisation("Dreamland Police", sector="law_enforcement")
    shelter = factories.organisation("Safe Harbour", sector="ngo")
    officer = factories.actor(factories.member(police, [R.INVESTIGATOR]))
    case = case_create(actor=officer, given_name="Mariam", family_name="Haddad", identity_number="DL-778899",
                       pseudonym="Olive", summary="Olive grove")
    case_details_update(actor=officer, case_id=case.pk, details={"gender": "Feminine", "citizenships": ["XP"]},
                        victim_context=CONTEXT)
    factories.share(actor=officer, case_id=case.pk, organisation_id=shelter.pk, scope="limited", purpose="Shelter")
    shelter_case = case_create(actor=factories.actor(factories.member(shelter, [R.CASE_WORKER])),
                               given_name="Own", family_name="Case")
    return {"case": case, "officer": officer, "shelter_case": shelter_case,
            "worker": factories.actor(factories.member(shelter, [R.CASE_WORKER])),
            "importer": factories.actor(factories.member(factories.organisation("Importer"), [R.CASE_WORKER]))}


def _csv_rows(body: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline="")))


def _xlsx_rows(body: bytes) -> list[dict[str, object]]:
    rows = list(load_workbook(io.BytesIO(body), read_only=True).worksheets[0].iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


# --- Export ---------------------------------------------------------------------------------------

def test_export_formats_carry_the_mapped_columns(world):
    csv_rows = _csv_rows(htcds_export(actor=world["officer"], fmt="csv").body)
    assert list(csv_rows[0]) == flat_header()
    row = csv_rows[0]
    assert row["prs_FirstName"] == "Mariam" and row["vic_MethodsOfControl"] == "DebtBondage"
    assert row["hte1_Type"] == "Exploitation" and row["per1_RoleDetails"] == "Site foreman"
    assert row["cas_CaseOwner"] == "Dreamland Police" and row["cas_Status"] == "Active"
    xlsx = _xlsx_rows(htcds_export(actor=world["officer"], fmt="xlsx").body)[0]
    assert xlsx["prs_Citizenship"] == "XP" and xlsx["hte1_Place"] == "Westharbour"
    document = json.loads(htcds_export(actor=world["officer"], fmt="json").body)
    case = document["cases"][0]
    assert case["person"]["prs_FirstName"] == "Mariam" and case["victim"]["vic_MethodsOfControl"] == ["DebtBondage"]
    assert case["route_events"][0]["hte_Place"] == "Westharbour"


def test_limited_share_rows_carry_no_unshared_field(world):
    limited = {c for c in flat_header() if c.split("_")[0] in ("cas", "vic", "prs")}
    for fmt in ("csv", "xlsx", "json"):
        body = htcds_export(actor=world["worker"], fmt=fmt).body
        if fmt == "json":
            cases = {c["case"]["cas_Number"]: c for c in json.loads(body)["cases"]}
            shared = cases[world["case"].number]
            assert shared["person"] == {} and "route_events" not in shared
            assert set(shared["case"]) | set(shared["victim"]) == {
                "cas_Number", "cas_Pseudonym", "cas_Status", "cas_NrmStage", "cas_CaseOwner", "cas_OpenedOn",
                "vic_TraffickingStatus"}
            assert cases[world["shelter_case"].number]["person"]["prs_FirstName"] == "Own"
            text = body.decode()
        else:
            rows = _csv_rows(body) if fmt == "csv" else _xlsx_rows(body)
            shared = next(r for r in rows if r["cas_Number"] == world["case"].number)
            filled = {name for name, value in shared.items() if value not in (None, "")}
            assert filled <= limited and "prs_FirstName" not in filled and "cas_Pseudonym" in filled
            text = str(rows)
        assert not any(secret in text for secret in SECRETS), fmt


def test_export_is_audited_with_the_case_ids(world):
    htcds_export(actor=world["worker"], fmt="csv")
    event = AuditEvent.objects.filter(action="export").order_by("-seq").first()
    assert event.reason.startswith("HTCDS csv: 2 cases: ")
    assert {str(world["case"].pk), str(world["shelter_case"].pk)} == set(event.reason.split(": ")[-1].split(","))


def test_every_text_cell_is_neutralised_and_comes_back_unchanged(world):
    officer = world["officer"]
    case = case_create(actor=officer, given_name="=HYPERLINK(\"http://evil.test\")", family_name="+Plus",
                       summary="@SUM(1)", pseudonym="'Quoted")
    case_details_update(actor=officer, case_id=case.pk, details={"address": "-1 Street", "phone": "+999 1234"},
                        victim_context={"recruitment_websites": ["=cmd", "|pipe"]})
    body = htcds_export(actor=officer, fmt="csv").body
    row = next(r for r in _csv_rows(body) if r["cas_Number"] == case.number)
    assert row["prs_FirstName"].startswith("'=") and row["prs_SecondName"] == "'+Plus"
    assert row["cas_Summary"] == "'@SUM(1)" and row["prs_MailingAddress"] == "'-1 Street"
    assert row["cas_Pseudonym"] == "''Quoted" and row["vic_RecruitmentWebsites"] == "'=cmd; |pipe"
    xlsx = next(r for r in _xlsx_rows(htcds_export(actor=officer, fmt="xlsx").body) if r["cas_Number"] == case.number)
    assert xlsx["prs_FirstName"].startswith("'=")
    for fmt in ("csv", "xlsx"):
        result = htcds_import(actor=world["importer"], data=htcds_export(actor=officer, fmt=fmt).body,
                              filename=f"x.{fmt}")
        assert result.created == 2, result.errors
    imported = Case.objects.filter(owner_organisation_id=world["importer"].organisation_id, pseudonym="'Quoted")
    for copy in imported.select_related("person"):
        assert copy.person.given_name == case.person.given_name and copy.summary == "@SUM(1)"
        assert copy.person.details["address"] == "-1 Street"
        assert copy.victim_context["recruitment_websites"] == ["=cmd", "|pipe"]


def test_export_needs_the_export_right(world):
    frontline = factories.actor(factories.member(world["case"].owner_organisation, [R.FRONTLINE_RESPONDER]))
    with pytest.raises(Forbidden):
        htcds_export(actor=frontline, fmt="csv")


# --- Import ---------------------------------------------------------------------------------------

GOOD = "Amina,Yusuf,Feminine,DebtBondage; Threats,Recruitment,2021-01-01"
HEADER = "prs_FirstName,prs_SecondName,prs_Gender,vic_MethodsOfControl,hte1_Type,hte1_Date"


def _file(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def test_import_creates_cases_numbered_in_one_block_with_clocks(world):
    importer = world["importer"]
    result = htcds_import(actor=importer, data=_file(GOOD, "Olena,Kovalenko,,,,", "Thi,Nguyen,,,,"))
    assert (result.rows, result.created, result.rejected) == (3, 3, 0)
    cases = list(Case.objects.filter(owner_organisation_id=importer.organisation_id).order_by("number"))
    assert cases[0].number == result.numbers[0] and cases[-1].number == result.numbers[1]
    assert int(cases[-1].number[-6:]) - int(cases[0].number[-6:]) == 2
    assert {c.source for c in cases} == {"import"} and {c.nrm_stage for c in cases} == {"detected"}
    assert CaseClock.objects.filter(case__in=cases, kind="reasonable_grounds", stopped_on__isnull=True).count() == 3
    first = next(c for c in cases if c.person.given_name == "Amina")
    assert first.victim_context["methods_of_control"] == ["DebtBondage", "Threats"]
    assert first.person.details == {"gender": "Feminine"}
    event = AuditEvent.objects.filter(action="create", object_type="case").order_by("-seq").first()
    assert event.reason.startswith("HTCDS import: 3 cases") and "Amina" not in str(event.fields) + event.reason
    assert "victim_context.methods_of_control" in event.fields
    # The case numbers continue after the block.
    assert case_create(actor=importer, given_name="Next", family_name="One").number > result.numbers[1]
    assert all(policy.CASE.can(importer, R.CASE_EDIT, c) for c in cases)


def test_a_child_by_birth_date_or_estimated_age(world):
    data = _file("Sami,Child,2015-03-01,", "Adult,Person,1990-01-01,", "Young,Looking,,12",
                 header="prs_FirstName,prs_SecondName,prs_Birthdate,prs_EstimatedAge")
    htcds_import(actor=world["importer"], data=data)
    children = dict(Case.objects.filter(owner_organisation_id=world["importer"].organisation_id)
                    .values_list("person__family_name_index", "is_child"))
    assert sorted(children.values()) == [False, True, True]


def test_all_or_nothing_writes_nothing_and_names_every_error(world):
    bad_row = "Olena,,Fluid,Kindness,Recruitment,2099-01-01"
    result = htcds_import(actor=world["importer"], data=_file(GOOD, bad_row))
    assert (result.created, result.rejected) == (0, 1)
    assert {(e["row"], e["column"]) for e in result.errors} == {
        (3, "prs_SecondName"), (3, "prs_Gender"), (3, "vic_MethodsOfControl"), (3, "hte1_Date")}
    assert all(e["reason"] for e in result.errors)
    assert not Case.objects.filter(owner_organisation_id=world["importer"].organisation_id).exists()


def test_partial_mode_writes_the_good_rows_and_returns_the_rejected_ones(world):
    importer = world["importer"]
    result = htcds_import(actor=importer, data=_file(GOOD, "Olena,,,,,", "Thi,Nguyen,,,Exploitation,"),
                          mode=PARTIAL)
    assert (result.created, result.rejected) == (2, 1)
    rejected = _csv_rows(result.rejected_csv)
    assert len(rejected) == 1 and rejected[0]["prs_FirstName"] == "Olena"
    assert "prs_SecondName" in rejected[0][REJECTION_COLUMN]
    # Corrected, the rejected file goes back in, its error column and all.
    rejected[0]["prs_SecondName"] = "Kovalenko"
    out = io.StringIO(newline="")
    writer = csv.DictWriter(out, fieldnames=list(rejected[0]))
    writer.writeheader()
    writer.writerows(rejected)
    again = htcds_import(actor=importer, data=out.getvalue().encode("utf-8-sig"))
    assert again.created == 1 and REJECTION_COLUMN in again.ignored_columns
    assert Case.objects.filter(owner_organisation_id=importer.organisation_id).count() == 3


def test_errors_in_a_later_column_group_name_that_group(world):
    header = "prs_FirstName,prs_SecondName,hte1_Type,hte2_Type,hte3_Type,hte3_Date"
    result = htcds_import(actor=world["importer"], data=_file("A,B,,Transit,,2020-01-01", header=header))
    assert [(e["column"], e["row"]) for e in result.errors] == [("hte3_Type", 2)]


def test_import_needs_the_import_right(world):
    prosecutor = factories.actor(factories.member(factories.organisation(), [R.PROSECUTOR]))
    with pytest.raises(Forbidden):
        htcds_import(actor=prosecutor, data=_file(GOOD))


# --- Hostile files --------------------------------------------------------------------------------

def _xlsx(rows: list[list[object]]) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _zip(parts: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


LAUGHS = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
          b"<worksheet><sheetData><row><c t=\"inlineStr\"><is><t>&lol2;</t></is></c></row></sheetData></worksheet>")


def _with_sheet(sheet_xml: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(_xlsx([["prs_FirstName", "prs_SecondName"]]))) as original:
        parts = {name: original.read(name) for name in original.namelist()}
    parts["xl/worksheets/sheet1.xml"] = sheet_xml
    return _zip(parts)


HOSTILE = [
    ("empty", b"", "", "empty"),
    ("utf16", "prs_FirstName,prs_SecondName\n".encode("utf-16"), "", "UTF-16"),
    ("latin1", "prs_FirstName,prs_SecondName\nJosé,Núñez\n".encode("latin-1"), "", "not UTF-8"),
    ("nul", b"prs_FirstName,prs_SecondName\nA\x00,B\n", "", "NUL"),
    ("csv formula", b"prs_FirstName,prs_SecondName\n=1+1,B\n", "", "formula"),
    ("csv formula column named", b"prs_FirstName,prs_SecondName\nA,=cmd|' /C calc'!A0\n", "", "prs_SecondName"),
    ("malformed csv", b'prs_FirstName,prs_SecondName\n"A"x,B\n', "", "malformed"),
    ("unknown columns", b"prs_FirstName,prs_SecondName,shoe_size,Colour\nA,B,1,2\n", "", "shoe_size, column 4"),
    ("no header row", b"Amina,Yusuf,DL-778899\n", "", "Unknown columns: column 1, column 2, column 3"),
    ("duplicate header", b"prs_FirstName,prs_SecondName,prs_Gender,prs_Gender\nA,B,,\n", "", "more than once"),
    ("missing required", b"prs_FirstName,prs_Gender\nA,Feminine\n", "", "prs_SecondName"),
    ("no header", b"\n\n", "", "name the columns"),
    ("wider rows", b"prs_FirstName,prs_SecondName\nA,B,C\n", "", "more cells"),
    ("not a zip", b"prs_FirstName,prs_SecondName\n", "cases.xlsx", "not a zip"),
    ("broken zip", b"PK\x03\x04" + b"\x00" * 40, "cases.xlsx", "not a zip"),
    ("zip without a workbook", _zip({"hello.txt": b"hi"}), "cases.xlsx", "damaged"),
    ("bad xml", _with_sheet(b"<worksheet><sheetData><row>"), "cases.xlsx", "damaged"),
    ("entity expansion", _with_sheet(LAUGHS), "cases.xlsx", "damaged"),
    ("zip bomb", _zip({"xl/worksheets/sheet1.xml": b"<" * 3_000_000}), "cases.xlsx", "inflate"),
    ("xlsx formula", _xlsx([["prs_FirstName", "prs_SecondName"], ["A", "=1+1"]]), "cases.xlsx", "formula"),
    ("xlsx unknown column", _xlsx([["prs_FirstName", "prs_SecondName", "x_Secret"]]), "cases.xlsx", "x_Secret"),
    ("xlsx far row", _with_sheet(b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                                 b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>prs_FirstName</t></is></c>'
                                 b'<c r="B1" t="inlineStr"><is><t>prs_SecondName</t></is></c></row>'
                                 b'<row r="900000"><c r="A900000" t="inlineStr"><is><t>A</t></is></c></row>'
                                 b"</sheetData></worksheet>"), "cases.xlsx", "empty rows"),
    ("json garbage", b"{not json", "cases.json", "not valid JSON"),
    ("json deep", b"[" * 100_000 + b"]" * 100_000, "cases.json", "JSON"),
    ("json wrong shape", b'{"cases": {"a": 1}}', "cases.json", "list of cases"),
    ("json unknown part", b'{"cases": [{"secrets": {}}]}', "cases.json", "unknown part"),
    ("json nested value", b'{"cases": [{"person": {"prs_FirstName": {"a": 1}}}]}', "cases.json", "expected a value"),
]


@pytest.mark.parametrize(("data", "filename", "fragment"), [h[1:] for h in HOSTILE], ids=[h[0] for h in HOSTILE])
def test_hostile_files_are_refused_with_a_clear_message(world, data, filename, fragment):
    with pytest.raises(ValidationFailed) as caught:
        htcds_import(actor=world["importer"], data=data, filename=filename)
    message = " ".join(caught.value.errors["file"])
    assert fragment in message, message
    assert not any(secret in message for secret in ("Amina", "DL-778899", "Colour")), message
    assert not Case.objects.filter(owner_organisation_id=world["importer"].organisation_id).exists()


@pytest.mark.parametrize(("data", "limits", "fragment"), [
    (_file(GOOD, GOOD, GOOD), Limits(max_rows=2), "more than 2 rows"),
    (_file(GOOD), Limits(max_bytes=50), "larger than"),
    (_file(GOOD), Limits(max_columns=4), "more than 4 columns"),
    (_file("A" * 101 + ",B,,,,"), Limits(max_cell_chars=100), "more than 100 characters"),
])
def test_limits(world, data, limits, fragment):
    with pytest.raises(ValidationFailed) as caught:
        htcds_import(actor=world["importer"], data=data, limits=limits)
    assert fragment in caught.value.errors["file"][0]


def test_a_bom_and_semicolons_are_understood(world):
    data = ("\ufeffprs_FirstName;prs_SecondName;vic_MethodsOfControl\r\n"
            'Amina;Yusuf;"DebtBondage; Threats"\r\n').encode()
    result = htcds_import(actor=world["importer"], data=data)
    assert result.created == 1, result.errors


def test_xlsx_dates_and_numbers_typed_in_a_spreadsheet(world):
    import datetime as dt

    data = _xlsx([["prs_FirstName", "prs_SecondName", "prs_Birthdate", "prs_EstimatedAge"],
                  ["Amina", "Yusuf", dt.datetime(1990, 5, 4), 34.0]])
    result = htcds_import(actor=world["importer"], data=data, filename="typed.xlsx")
    assert result.created == 1, result.errors
    case = Case.objects.get(owner_organisation_id=world["importer"].organisation_id)
    assert case.person.birth_date == "1990-05-04" and case.person.details == {"estimated_age": 34}


# --- Pages and API --------------------------------------------------------------------------------

def test_import_page_shows_the_error_table_and_the_rejected_rows(client, world):
    membership = factories.member(factories.organisation("Upload Agency"), [R.CASE_WORKER])
    client.force_login(membership.user)
    page = client.get("/cases/htcds/").content.decode()
    assert 'data-testid="htcds-import-form"' in page and "?format=xlsx" in page
    upload = SimpleUploadedFile("cases.csv", _file(GOOD, "Olena,,,,,"), content_type="text/csv")
    response = client.post("/cases/htcds/", {"file": upload, "mode": "partial"})
    page = response.content.decode()
    assert 'data-testid="htcds-errors"' in page and "prs_SecondName" in page
    assert 'data-testid="htcds-rejected-download"' in page and "data:text/csv;base64," in page
    assert response.context["result"].created == 1
    upload = SimpleUploadedFile("cases.xlsx", b"not a workbook")
    page = client.post("/cases/htcds/", {"file": upload, "mode": "all_or_nothing"}).content.decode()
    assert "not a zip" in page


def test_export_page_answers_with_an_attachment(client, world):
    client.force_login(factories.member(world["case"].owner_organisation, [R.CASE_WORKER]).user)
    response = client.get("/cases/htcds/export/?format=xlsx")
    assert response["Content-Disposition"] == 'attachment; filename="htcds-cases.xlsx"'
    assert response["Cache-Control"] == "no-store" and response["X-Content-Type-Options"] == "nosniff"
    assert _xlsx_rows(response.content)[0]["cas_Number"] == world["case"].number


def test_api_import_and_export(client, world):
    membership = factories.member(factories.organisation("API Agency"), [R.CASE_WORKER])
    _t, raw = token_issue(actor=factories.actor(membership), name="t", days=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    upload = SimpleUploadedFile("cases.csv", _file(GOOD, "Olena,,,,,"))
    body = client.post("/api/v1/cases/htcds/import", {"file": upload, "mode": "partial"}, **auth).json()
    assert (body["created"], body["rejected"]) == (1, 1)
    assert body["errors"] == [{"row": 3, "column": "prs_SecondName", "reason": "This field is required."}]
    assert body["rejected_csv"].splitlines()[0].endswith(",error")
    refused = client.post("/api/v1/cases/htcds/import", {"file": SimpleUploadedFile("x.xlsx", b"nope")}, **auth)
    assert refused.status_code == 422 and "file" in refused.json()["error"]["details"]
    exported = client.get("/api/v1/cases/htcds/export?format=json", **auth)
    assert exported["Content-Disposition"].startswith("attachment")
    assert [c["person"]["prs_FirstName"] for c in json.loads(exported.content)["cases"]] == ["Amina"]
