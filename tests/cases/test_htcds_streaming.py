"""HTCDS import in bounded memory (issue 9): the file streamed and validated row by row, still all or
nothing; a cell too long named as too long with its row and column (never a "malformed" file, whatever the
csv module's own field limit); one import at a time per user, refused on the page and the API with 409."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.cases.htcds.files import FileRefused, Limits, open_table, write_csv, write_xlsx
from alliance.cases.models import Case, CaseClock
from alliance.cases.services import htcds as service
from alliance.cases.services.htcds import PARTIAL, htcds_import, import_slot
from alliance.core import roles as R
from alliance.core.errors import Conflict, ValidationFailed
from alliance.core.models import JobRun
from alliance.directory.services import token_issue
from tests import factories

HEADER = "prs_FirstName,prs_SecondName,prs_Gender"


def _file(*rows: str, header: str = HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


def _good(n: int) -> list[str]:
    return [f"Given{i},Family{i},Feminine" for i in range(n)]


@pytest.fixture
def importer(db):
    return factories.member(factories.organisation("Streaming Importer"), [R.CASE_WORKER])


def _cases(actor) -> int:
    return Case.objects.filter(owner_organisation_id=actor.organisation_id).count()


@pytest.fixture
def small_batches(monkeypatch):
    """Few rows kept from the first pass and small write batches: the second pass and the batching run on
    a file of a few rows."""
    monkeypatch.setattr(service, "KEEP_ROWS", 3)
    monkeypatch.setattr(service, "WRITE_BATCH", 4)


# --- Too long cells ---------------------------------------------------------------------------------

@pytest.mark.parametrize("size", [140_000, 20 * 1024 * 1024])  # past the csv module's 128 KiB field limit
def test_a_huge_cell_is_too_long_with_its_row_and_column_not_malformed(importer, size):
    actor = factories.actor(importer)
    data = _file(*_good(3), "Amina," + "y" * size + ",Feminine", *_good(2))
    with pytest.raises(ValidationFailed) as caught:
        htcds_import(actor=actor, data=data)
    message = caught.value.errors["file"][0]
    assert "malformed" not in message
    assert message == "Row 5, column prs_SecondName: the cell is too long: more than 10000 characters.", message
    assert _cases(actor) == 0


def test_a_huge_quoted_cell_over_several_lines_is_too_long(importer):
    actor = factories.actor(importer)
    data = _file('"Amina\n' + "x" * 200_000 + '\nYusuf",B,')
    with pytest.raises(ValidationFailed) as caught:
        htcds_import(actor=actor, data=data)
    assert "Row 2, column prs_FirstName: the cell is too long" in caught.value.errors["file"][0]


@pytest.mark.parametrize("filename", ["cells.xlsx", "cells.json"])
def test_too_long_in_xlsx_and_json(importer, filename):
    long_name = "z" * 101
    if filename.endswith(".xlsx"):
        data = write_xlsx(["prs_FirstName", "prs_SecondName"], [["Amina", "Yusuf"], [long_name, "B"]])
        row = 3
    else:
        data = (b'{"cases": [{"person": {"prs_FirstName": "Amina", "prs_SecondName": "Yusuf"}}, '
                b'{"person": {"prs_FirstName": "' + long_name.encode() + b'", "prs_SecondName": "B"}}]}')
        row = 2
    with pytest.raises(ValidationFailed) as caught:
        htcds_import(actor=factories.actor(importer), data=data, filename=filename, limits=Limits(max_cell_chars=100))
    assert caught.value.errors["file"][0] == (f"Row {row}, column prs_FirstName: the cell is too long: more than "
                                              "100 characters.")


def test_a_cell_over_its_columns_maximum_is_a_row_error(importer):
    result = htcds_import(actor=factories.actor(importer), data=_file("A" * 201 + ",B,"))
    assert result.created == 0
    assert result.errors == [{"row": 2, "column": "prs_FirstName", "reason": "At most 200 characters."}]


def test_a_truly_malformed_csv_is_still_malformed(importer):
    with pytest.raises(ValidationFailed) as caught:
        htcds_import(actor=factories.actor(importer), data=_file(*_good(2), '"A"x,B,'))
    assert "malformed near line 4" in caught.value.errors["file"][0]


# --- Streaming, still all or nothing ---------------------------------------------------------------

@pytest.mark.usefixtures("small_batches")
def test_a_bad_row_at_the_end_writes_nothing(importer):
    actor = factories.actor(importer)
    result = htcds_import(actor=actor, data=_file(*_good(10), "Olena,,Fluid"))
    assert (result.rows, result.created, result.rejected) == (11, 0, 1)
    assert {(e["row"], e["column"]) for e in result.errors} == {(12, "prs_SecondName"), (12, "prs_Gender")}
    assert _cases(actor) == 0 and not result.numbers


@pytest.mark.usefixtures("small_batches")
def test_a_file_refused_late_writes_nothing(importer):
    """A formula in the last row is found while validating, before anything is written."""
    actor = factories.actor(importer)
    with pytest.raises(ValidationFailed) as caught:
        htcds_import(actor=actor, data=_file(*_good(10), "=1+1,B,"))
    assert "Row 12" in caught.value.errors["file"][0] and "formula" in caught.value.errors["file"][0]
    assert _cases(actor) == 0


@pytest.mark.usefixtures("small_batches")
def test_the_second_pass_writes_every_good_row_in_batches_numbered_in_one_block(importer):
    actor = factories.actor(importer)
    result = htcds_import(actor=actor, data=_file(*_good(10)))
    assert (result.rows, result.created, result.rejected) == (10, 10, 0)
    cases = list(Case.objects.filter(owner_organisation_id=actor.organisation_id).order_by("number"))
    assert [c.number for c in (cases[0], cases[-1])] == result.numbers
    assert int(cases[-1].number[-6:]) - int(cases[0].number[-6:]) == 9
    assert sorted(c.person.given_name for c in cases) == sorted(f"Given{i}" for i in range(10))
    assert CaseClock.objects.filter(case__in=cases).count() == 10


@pytest.mark.usefixtures("small_batches")
def test_partial_mode_streams_the_rejected_rows(importer):
    actor = factories.actor(importer)
    rows = _good(10)
    rows[4] = "Olena,,Feminine"
    result = htcds_import(actor=actor, data=_file(*rows), mode=PARTIAL)
    assert (result.created, result.rejected) == (9, 1)
    text = result.rejected_csv.decode("utf-8-sig").splitlines()
    assert text == ["prs_FirstName,prs_SecondName,prs_Gender,error",
                    "Olena,,Feminine,prs_SecondName: This field is required."]
    assert _cases(actor) == 9


def test_errors_are_counted_but_only_the_first_are_kept(importer, monkeypatch):
    monkeypatch.setattr(service, "MAX_REPORTED_ERRORS", 5)
    result = htcds_import(actor=factories.actor(importer), data=_file(*["A,,Junk"] * 20))
    assert (result.rejected, result.error_count, len(result.errors)) == (20, 40, 5)


def test_a_rejected_rows_error_column_names_at_most_ten_errors(importer):
    header = ",".join(["prs_FirstName", "prs_SecondName", *(f"hte{n}_Date" for n in range(1, 6)),
                       *(f"hte{n}_Country" for n in range(1, 6))])
    result = htcds_import(actor=factories.actor(importer), data=_file("A,B" + ",junk" * 10, header=header),
                          mode=PARTIAL)
    assert result.error_count > 10
    error = result.rejected_csv.decode("utf-8-sig").splitlines()[1].rsplit(",", 1)[1]
    assert error.count(": ") == 10 and error.endswith("; …")


def test_memory_stays_near_the_files_size(importer):
    """Before streaming, 50,000 junk rows (19 MB) took 846 MiB more; the peak of Python allocations is now
    within a few times the file (the bytes themselves are the caller's)."""
    import random
    import tracemalloc

    from alliance.cases.htcds.mapping import flat_header

    rng = random.Random(5)
    header = flat_header()
    lines = [",".join(rng.choice(["xq", "Zz9", "#?!", "ab(c"]) for _ in header) for _ in range(3000)]
    data = _file(*lines, header=",".join(header))
    tracemalloc.start()
    try:
        result = htcds_import(actor=factories.actor(importer), data=data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.rejected == 3000 and result.created == 0
    assert peak < 3 * len(data) + 8 * 2**20, (peak, len(data))


# --- One import at a time per user -------------------------------------------------------------------

def test_a_second_import_while_one_runs_is_refused_and_writes_nothing(importer):
    actor = factories.actor(importer)
    with import_slot(actor=actor), pytest.raises(Conflict) as caught:
        htcds_import(actor=actor, data=_file(*_good(2)))
    assert "Another HTCDS import of yours is still running" in str(caught.value)
    assert _cases(actor) == 0
    # Someone else in the organisation is not held up, and once the first import is over the user may import.
    colleague = factories.actor(factories.member(importer.organisation, [R.CASE_WORKER]))
    with import_slot(actor=actor):
        assert htcds_import(actor=colleague, data=_file(*_good(1))).created == 1
    assert htcds_import(actor=actor, data=_file(*_good(2))).created == 2
    assert list(JobRun.objects.filter(kind=service.IMPORT_KIND, user_id=actor.user_id)
                .values_list("status", flat=True).distinct()) == ["done"]


@pytest.mark.django_db(transaction=True)
def test_two_imports_started_together_one_runs_and_one_is_refused(monkeypatch):
    """A real race, each import in its own thread and database connection, the look for a running import
    slowed down so that both look before either writes: the lock on the user's row (PostgreSQL) or the
    IMMEDIATE transaction (SQLite) lets exactly one take the slot. (Without the lock, both ran.)"""
    import threading
    import time

    from django.db import connection
    from django.db.models import QuerySet

    real_exists = QuerySet.exists

    def slow_exists(self):
        found = real_exists(self)
        if self.model is JobRun:
            time.sleep(0.5)
        return found

    if connection.vendor == "sqlite":
        pytest.skip("the in-memory SQLite test database shares one cache between threads, which answers "
                    "'database table is locked' at once instead of waiting; files use IMMEDIATE transactions")
    monkeypatch.setattr(QuerySet, "exists", slow_exists)

    actor = factories.actor(factories.member(factories.organisation("Racing Importer"), [R.CASE_WORKER]))
    barrier, release, outcomes = threading.Barrier(2), threading.Event(), []

    def attempt():
        try:
            barrier.wait(10)
            with import_slot(actor=actor):
                outcomes.append("ran")
                release.wait(10)  # hold the slot until the other has tried (or give up: then both ran)
        except Conflict:
            outcomes.append("refused")
            release.set()
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert sorted(outcomes) == ["ran", "refused"]
    assert JobRun.objects.filter(kind=service.IMPORT_KIND, user_id=actor.user_id).count() == 1


def test_a_refused_file_releases_the_slot(importer):
    actor = factories.actor(importer)
    with pytest.raises(ValidationFailed):
        htcds_import(actor=actor, data=b"not,a,header\n")
    assert JobRun.objects.get(kind=service.IMPORT_KIND, user_id=actor.user_id).status == "failed"
    assert htcds_import(actor=actor, data=_file(*_good(1))).created == 1


def test_a_crashed_imports_lease_expires(importer):
    actor = factories.actor(importer)
    stale = JobRun.objects.create(kind=service.IMPORT_KIND, user_id=actor.user_id, status="running")
    with pytest.raises(Conflict):
        htcds_import(actor=actor, data=_file(*_good(1)))
    JobRun.objects.filter(pk=stale.pk).update(created_at=timezone.now() - service.IMPORT_LEASE - dt.timedelta(
        seconds=1))
    assert htcds_import(actor=actor, data=_file(*_good(1))).created == 1


def test_the_page_and_the_api_answer_409_while_an_import_runs(client, importer):
    actor = factories.actor(importer)
    _t, raw = token_issue(actor=actor, name="t", days=1)
    client.force_login(importer.user)
    with import_slot(actor=actor):
        upload = SimpleUploadedFile("cases.csv", _file(*_good(1)), content_type="text/csv")
        page = client.post("/cases/htcds/", {"file": upload, "mode": "all_or_nothing"})
        assert page.status_code == 409
        assert "Another HTCDS import of yours is still running" in page.content.decode()
        assert page.context["result"] is None
        upload = SimpleUploadedFile("cases.csv", _file(*_good(1)))
        api = client.post("/api/v1/cases/htcds/import", {"file": upload}, HTTP_AUTHORIZATION=f"Bearer {raw}")
        assert api.status_code == 409
        body = api.json()["error"]
        assert body["code"] == "conflict" and "still running" in body["message"]
        assert "still running" in body["details"]["file"][0]
    assert _cases(actor) == 0


# --- The parser, for any content -------------------------------------------------------------------

TEXT = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=30)
COLUMNS = ["prs_FirstName", "prs_SecondName", "prs_MiddleName", "cas_Summary"]


@settings(max_examples=150, deadline=None, suppress_health_check=list(HealthCheck))
@given(rows=st.lists(st.lists(TEXT, min_size=4, max_size=4), max_size=12), fmt=st.sampled_from(["csv", "xlsx"]))
def test_streamed_rows_are_what_was_written_and_the_same_on_every_reading(rows, fmt):
    if fmt == "xlsx":
        from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

        rows = [[ILLEGAL_CHARACTERS_RE.sub("", v).replace("\r", "") for v in row] for row in rows]
        data, name = write_xlsx(COLUMNS, rows), "x.xlsx"
    else:
        data, name = write_csv(COLUMNS, rows), "x.csv"
    source = open_table(data, filename=name)
    assert source.header == COLUMNS
    expected = []
    for number, row in enumerate(rows, start=2):
        if any(row):
            expected.append((number, {k: v for k, v in zip(COLUMNS, row, strict=True) if v != ""}))
    got = list(source.rows())
    assert [n for n, _ in got] == [n for n, _ in expected]
    assert [cells for _, cells in got] == [cells for _, cells in expected]
    assert list(source.rows()) == got


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(body=st.binary(max_size=300), long_cell=st.integers(0, 3))
def test_any_bytes_after_a_header_stream_or_are_refused_cleanly(body, long_cell):
    data = b"prs_FirstName,prs_SecondName\r\n" + body + (b"A," + b"y" * (50 * long_cell) + b"\r\n")
    try:
        source = open_table(data, filename="x.csv", limits=Limits(max_cell_chars=100))
        first = list(source.rows())
    except FileRefused as refused:
        assert refused.message
        return
    assert list(source.rows()) == first
    assert all(isinstance(n, int) and all(len(v) <= 100 for v in cells.values()) for n, cells in first)


def test_row_errors_are_in_the_language_of_the_request_each_time(importer):
    from django.utils import translation

    data = _file("A,B,2099-01-01", header="prs_FirstName,prs_SecondName,hte1_Date")
    reasons = {}
    for language in ("ru", "en", "ru"):
        with translation.override(language):
            expected = translation.gettext("The date is in the future.")
            reasons.setdefault(language, set()).add(
                htcds_import(actor=factories.actor(importer), data=data).errors[0]["reason"])
        assert reasons[language] == {expected}
    assert reasons["ru"] != reasons["en"]
