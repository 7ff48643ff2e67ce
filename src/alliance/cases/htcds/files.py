"""Reading and writing HTCDS files: CSV (UTF-8, with or without BOM), XLSX and JSON.

Readers take untrusted bytes and either give a table of cells or raise FileRefused with a message a
person can act on ("the file is not UTF-8 text"); nothing else escapes them. `open_table` checks the file
and its header and gives a `Source` whose `rows()` streams the rows, one at a time, as often as asked (an
import reads the file once to validate it and once more to write it, so that no more than a row is held):
CSV through the csv module over a text wrapper of the bytes, XLSX through openpyxl's read-only mode. JSON
is parsed whole (the standard library has no streaming parser) and its cases are flattened one at a time.
A cell longer than the limit is refused as too long, with its row and column, never as a malformed file.
Guards: size, rows, columns and cell length; formulas; duplicate or unknown columns; for XLSX, the
declared sizes inside the zip (a zip bomb is refused before anything is inflated), and the XML goes
through defusedxml (openpyxl uses it when it is installed). Writers neutralise every text cell against
formula injection.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from alliance.cases.htcds.mapping import MULTI_SEPARATOR, flat_columns
from alliance.core.errors import ValidationFailed
from alliance.core.spreadsheet import safe_cell

MAX_BYTES = 64 * 1024 * 1024
MAX_ROWS = 100_000
MAX_COLUMNS = 200
MAX_CELL_CHARS = 10_000
MAX_XLSX_INFLATED = 512 * 1024 * 1024  # all parts of the workbook together, as the zip declares them
MAX_XLSX_RATIO = 200  # a zip bomb inflates thousands of times; real sheets some tens of times
MAX_BLANK_ROWS = 10_000  # XLSX row numbers can jump: a sheet with one row at 1,000,000 is refused
XLSX, CSV, JSON = "xlsx", "csv", "json"
# The rejected rows of a partial import come back with this column; the corrected file may keep it.
REJECTION_COLUMN = "error"
FORMATS = (CSV, XLSX, JSON)


class FileRefused(ValidationFailed):
    def __init__(self, message: str):
        super().__init__({"file": [message]})
        self.message = message


@dataclass
class Table:
    header: list[str]
    rows: list[tuple[int, dict[str, object]]] = field(default_factory=list)  # (row number as shown, cells)


@dataclass
class Source:
    """A checked file: its header, and its rows as (row number as shown, cells) streamed anew on each call
    to rows(). A row past a limit, a formula or bytes that do not decode raise FileRefused as they come."""

    header: list[str]
    _rows: Callable[[], Iterator[tuple[int, dict[str, object]]]]

    def rows(self) -> Iterator[tuple[int, dict[str, object]]]:
        return self._rows()


@dataclass(frozen=True)
class Limits:
    max_bytes: int = MAX_BYTES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cell_chars: int = MAX_CELL_CHARS
    # Any column names (an investigation's spreadsheet read through its column mapping), not HTCDS fields:
    # the header is still checked for emptiness, width and repeats.
    any_columns: bool = False


DEFAULT_LIMITS = Limits()


# --- Reading --------------------------------------------------------------------------------------

def read_table(data: bytes, *, filename: str = "", limits: Limits = DEFAULT_LIMITS) -> Table:
    """The whole table in memory: for small files and tests; imports stream through open_table."""
    source = open_table(data, filename=filename, limits=limits)
    return Table(header=source.header, rows=list(source.rows()))


def open_table(data: bytes, *, filename: str = "", limits: Limits = DEFAULT_LIMITS) -> Source:
    if not data:
        raise FileRefused(_("The file is empty."))
    if len(data) > limits.max_bytes:
        raise FileRefused(_("The file is larger than %(n)d MB.") % {"n": limits.max_bytes // (1024 * 1024)})
    kind = format_of(data, filename)
    if kind == XLSX:
        return _open_xlsx(data, limits)
    if kind == JSON:
        return _open_json(data, limits)
    return _open_csv(data, limits)


def format_of(data: bytes, filename: str) -> str:
    name = filename.lower()
    if data.startswith(b"PK\x03\x04") or name.endswith((".xlsx", ".xlsm")):
        return XLSX
    if name.endswith(".json"):
        return JSON
    if not name.endswith(".csv") and data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] in (b"{", b"["):
        return JSON
    return CSV


def check_header(header: list[str], limits: Limits) -> None:
    if not header or not any(header):
        raise FileRefused(_("The first row must name the columns (HTCDS field names)."))
    if len(header) > limits.max_columns:
        raise FileRefused(_("The file has more than %(n)d columns.") % {"n": limits.max_columns})
    seen, duplicates = set(), []
    for name in header:
        if name in seen and name not in duplicates:
            duplicates.append(name)
        seen.add(name)
    if duplicates:
        raise FileRefused(_("These columns appear more than once: %(names)s.")
                          % {"names": _names(header, duplicates)})
    if limits.any_columns:
        return
    known = flat_columns()
    unknown = [name for name in header if name not in known and name != REJECTION_COLUMN]
    if unknown:
        raise FileRefused(_("Unknown columns: %(names)s. docs/htcds-mapping.md lists the columns.")
                          % {"names": _names(header, unknown)})
    missing = [name for name in ("prs_FirstName", "prs_SecondName") if name not in seen]
    if missing:
        raise FileRefused(_("Required columns are missing: %(names)s.") % {"names": ", ".join(missing)})


# What a column name looks like. A first row that is not a header holds data (a name, a number): the
# message then gives positions, so that no personal value travels in an error.
_COLUMN_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9]{0,15}_[A-Za-z0-9_]{1,60}$")


def _names(header: list[str], names: list[str]) -> str:
    shown = [name if _COLUMN_NAME.match(name) else _("column %(n)d") % {"n": header.index(name) + 1}
             for name in names[:10]]
    return ", ".join(shown) + (" …" if len(names) > 10 else "")


def _cell_error(row: int, column: str, message: str) -> FileRefused:
    shown = column if _COLUMN_NAME.match(column) or re.fullmatch(r"[A-Z]{0,3}[0-9]{0,7}", column) else "?"
    return FileRefused(_("Row %(row)d, column %(column)s: %(message)s")
                       % {"row": row, "column": shown, "message": message})


def too_long(row: int, column: str, limit: int) -> FileRefused:
    return _cell_error(row, column, _("the cell is too long: more than %(n)d characters.") % {"n": limit})


def _rows_from_lists(header: list[str], lists, limits: Limits, *, first_row: int = 2
                     ) -> Iterator[tuple[int, dict[str, object]]]:
    """Cells by column name; blank rows skipped; limits enforced as the rows stream in."""
    count, blank_run = 0, 0
    width = len(header)
    for offset, cells in enumerate(lists):
        number = first_row + offset
        values = list(cells)
        if len(values) > width and any(v not in (None, "") for v in values[width:]):
            raise _cell_error(number, str(len(values)), _("the row has more cells than the first row names."))
        if all(v in (None, "") for v in values):
            blank_run += 1
            if blank_run > MAX_BLANK_ROWS:
                raise FileRefused(_("The file has more than %(n)d empty rows in a row.") % {"n": MAX_BLANK_ROWS})
            continue
        blank_run = 0
        if count >= limits.max_rows:
            raise FileRefused(_("The file has more than %(n)d rows.") % {"n": limits.max_rows})
        count += 1
        row = {}
        for name, value in zip(header, values, strict=False):
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                raise too_long(number, name, limits.max_cell_chars)
            if value not in (None, ""):
                row[name] = value
        yield number, row


_DECODE_CHUNK = 1 << 20


def _check_utf8(data: bytes) -> None:
    """Decode in chunks, keeping nothing: the file is UTF-8 throughout, or refused before any row is read."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    try:
        for start in range(0, len(view), _DECODE_CHUNK):
            decoder.decode(view[start:start + _DECODE_CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        raise FileRefused(_("The file is not UTF-8 text: save it as “CSV UTF-8”.")) from None


def _allow_fields_up_to(size: int) -> None:
    """The csv module refuses a field longer than its limit (128 KiB by default) with an error that reads
    as a malformed file. No field can be longer than the file, so with the limit at the file's size the
    module reads every cell and the length check names the cell as too long, with its row and column. The
    limit is process-wide; it only ever grows, and only to the size of a file already held in memory."""
    if csv.field_size_limit() < size:
        csv.field_size_limit(size)


def _open_csv(data: bytes, limits: Limits) -> Source:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(_("The file is UTF-16 text: save it as “CSV UTF-8”."))
    if b"\x00" in data:
        raise FileRefused(_("The file holds NUL bytes: it is not a CSV text file."))
    _check_utf8(data)
    _allow_fields_up_to(len(data))
    end = data.find(b"\n")
    first_line = (data if end < 0 else data[:end]).decode("utf-8-sig")
    delimiter = max((",", ";", "\t"), key=first_line.count)

    def reader():
        text = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8-sig", newline="")
        return csv.reader(text, delimiter=delimiter, strict=True)

    lines = reader()
    try:
        header = [name.strip() for name in next(lines, [])]
    except csv.Error:
        raise FileRefused(_("The CSV is malformed near line %(n)d.") % {"n": lines.line_num}) from None
    while header and header[-1] == "":
        header.pop()
    check_header(header, limits)

    def rows():
        lines = reader()
        next(lines, None)

        def cells():
            for number, line in enumerate(lines, start=2):
                for index, value in enumerate(line):
                    if value.startswith("="):
                        name = header[index] if index < len(header) else str(index + 1)
                        raise _cell_error(number, name, _("a cell holds a formula; formulas are not accepted."))
                yield [_plain(value) for value in line]

        try:
            yield from _rows_from_lists(header, cells(), limits)
        except csv.Error:
            raise FileRefused(_("The CSV is malformed near line %(n)d.") % {"n": lines.line_num}) from None

    return Source(header=header, _rows=rows)


def _plain(value: str) -> str:
    """Exports put an apostrophe before texts a spreadsheet could run; it goes again on import."""
    return value[1:] if value.startswith("'") else value


def _open_xlsx(data: bytes, limits: Limits) -> Source:
    try:
        parts = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except Exception:  # zipfile raises several types on damaged archives; all mean the same
        raise FileRefused(_("The file is not an XLSX workbook (not a zip archive): save it as .xlsx or as "
                            "CSV UTF-8.")) from None
    if len(parts) > 10_000 or sum(p.file_size for p in parts) > MAX_XLSX_INFLATED or any(
            p.file_size > MAX_XLSX_RATIO * max(p.compress_size, 1) + 1_000_000 for p in parts):
        raise FileRefused(_("The workbook would inflate to far more than its size: it is refused."))
    with _xlsx_errors():
        lines = _xlsx_lines(data, limits)
        try:
            header = [str(name).strip() if name is not None else "" for name in next(lines, [])]
        finally:
            lines.close()
    while header and header[-1] == "":
        header.pop()
    check_header(header, limits)

    def rows():
        with _xlsx_errors():
            lines = _xlsx_lines(data, limits)
            try:
                next(lines, None)
                yield from _rows_from_lists(header, lines, limits)
            finally:
                lines.close()

    return Source(header=header, _rows=rows)


class _xlsx_errors:
    """openpyxl raises dozens of types on broken input; all mean the same."""

    def __enter__(self):
        return self

    def __exit__(self, kind, error, traceback):
        if error is None or isinstance(error, (FileRefused, GeneratorExit)) or not isinstance(error, Exception):
            return False
        raise FileRefused(_("The XLSX workbook is damaged (its XML cannot be read).")) from None


def _xlsx_lines(data: bytes, limits: Limits) -> Iterator[list[object]]:
    """The first sheet's rows as lists of values, read one at a time (openpyxl's read-only mode)."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data), read_only=True, data_only=False, keep_links=False)
    try:
        sheet = book.worksheets[0]
        # The declared dimension may be forged (A1:XFD1048576): read the cells that are there instead.
        sheet.reset_dimensions()
        width = limits.max_columns
        for number, row in enumerate(sheet.iter_rows(), start=1):
            if number > limits.max_rows + MAX_BLANK_ROWS + 1:
                raise FileRefused(_("The file has more than %(n)d rows.") % {"n": limits.max_rows})
            if any(cell.value is not None for cell in row[width:]):
                raise _cell_error(number, str(width + 1), _("the file has more than %(n)d columns.")
                                  % {"n": width})
            yield [_xlsx_value(cell, number) for cell in row[:width]]
    finally:
        book.close()


def _xlsx_value(cell, number: int) -> object:
    if cell.data_type == "f":
        raise _cell_error(number, getattr(cell, "coordinate", "?"), _("a cell holds a formula; formulas are "
                                                                      "not accepted."))
    value = cell.value
    if isinstance(value, str):
        return _plain(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, float):
        return int(value) if value.is_integer() and abs(value) < 1e15 else str(value)
    return value


SECTIONS = {"case": "cas_", "person": "prs_", "victim": "vic_"}
GROUPS = {"route_events": "hte", "perpetrators": "per"}


def _open_json(data: bytes, limits: Limits) -> Source:
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise FileRefused(_("The file is not valid JSON in UTF-8.")) from None
    cases = document.get("cases") if isinstance(document, dict) else document
    del document
    if not isinstance(cases, list):
        raise FileRefused(_("The JSON must hold a list of cases under “cases”, as the export writes it."))
    if len(cases) > limits.max_rows:
        raise FileRefused(_("The file has more than %(n)d rows.") % {"n": limits.max_rows})
    # The header is the union of the cases' columns: one pass over the flattened cases, keeping only names.
    header: dict[str, None] = {}
    for index, item in enumerate(cases, start=1):
        for name, value in _flat_case(item, index).items():
            header.setdefault(name)
            if len(header) > limits.max_columns:
                raise FileRefused(_("The file has more than %(n)d columns.") % {"n": limits.max_columns})
            if isinstance(value, str) and len(value) > limits.max_cell_chars:
                raise too_long(index, name, limits.max_cell_chars)
    if not cases:
        return Source(header=["prs_FirstName", "prs_SecondName"], _rows=lambda: iter(()))
    check_header(list(header), limits)

    def rows():
        for index, item in enumerate(cases, start=1):
            yield index, {k: v for k, v in _flat_case(item, index).items() if v not in (None, "", [])}

    return Source(header=list(header), _rows=rows)


def _flat_case(item: object, index: int) -> dict[str, object]:
    if not isinstance(item, dict):
        raise FileRefused(_("Case %(n)d in the JSON is not an object.") % {"n": index})
    flat: dict[str, object] = {}
    for key, value in item.items():
        if key in SECTIONS and isinstance(value, dict):
            flat.update({str(k): v for k, v in value.items()})
        elif key in GROUPS and isinstance(value, list):
            for number, entry in enumerate(value, start=1):
                if not isinstance(entry, dict):
                    raise FileRefused(_("Case %(n)d: %(key)s must be a list of objects.") % {"n": index, "key": key})
                prefix = GROUPS[key]
                flat.update({str(k).replace(f"{prefix}_", f"{prefix}{number}_", 1): v for k, v in entry.items()})
        else:
            raise FileRefused(_("Case %(n)d has an unknown part (expected case, person, victim, route_events, "
                                "perpetrators).") % {"n": index})
    for name, value in flat.items():
        if isinstance(value, (dict, list)) and not (isinstance(value, list) and all(
                isinstance(v, (str, int)) and not isinstance(v, bool) for v in value)):
            raise _cell_error(index, name, _("expected a value or a list of values."))
    return flat


# --- Writing --------------------------------------------------------------------------------------

def text_cell(value: object) -> object:
    """A cell for CSV or XLSX: lists joined, texts neutralised (an apostrophe before anything a
    spreadsheet would run, and before an apostrophe, so the import can take exactly one away)."""
    if isinstance(value, list):
        value = MULTI_SEPARATOR.join(str(v) for v in value)
    if isinstance(value, str) and value.startswith("'"):
        return "'" + value
    return safe_cell(value)


def write_csv(header: list[str], rows) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:
        writer.writerow([text_cell(value) for value in row])
    return buffer.getvalue().encode("utf-8-sig")  # Excel reads UTF-8 only with the BOM


def write_xlsx(header: list[str], rows) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    book = Workbook(write_only=True)
    sheet = book.create_sheet("HTCDS")
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            value = text_cell(value)
            if isinstance(value, str):
                # Older texts (entered before validation refused control characters) cannot go into XML.
                value = ILLEGAL_CHARACTERS_RE.sub("\ufffd", value)
            cells.append(value)
        sheet.append(cells)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
