"""HTCDS export and import of cases (the columns: cases/htcds/mapping.py; the files: cases/htcds/files.py).

Export: every case the actor may export, each limited to its field scope row by row (a limited share
carries only the columns of policy.CASE_LIMITED_FIELDS), audited with the case ids, as CSV, XLSX or JSON.

Import: into the actor's organisation, as new cases (source "import") at the start of the NRM with their
reasonable-grounds clock, numbered from one block of case numbers. Every row is validated as the edit page
validates it, each error reported as {row, column, reason} (the first MAX_REPORTED_ERRORS of them, all
counted). By default nothing is written when any row fails; in partial mode the good rows are written and
the rejected ones come back as a CSV with an error column.

Memory stays bounded by the file's own size: the file is streamed row by row (files.open_table), once to
validate it and, when there is something to write, once more to write the good rows in batches of
WRITE_BATCH inside one transaction (a file of at most KEEP_ROWS good rows keeps them from the first pass).
One import at a time per user: a JobRun row of kind IMPORT_KIND is the lease, taken under a lock on the
user's row; a lease older than IMPORT_LEASE (a crashed worker) no longer counts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain.bulk_insert import bulk_insert
from alliance.cases.domain.country_rules import ProfileError, rules_for
from alliance.cases.htcds import vocabulary as htcds
from alliance.cases.htcds.files import (
    CSV,
    DEFAULT_LIMITS,
    FORMATS,
    JSON,
    REJECTION_COLUMN,
    XLSX,
    Limits,
    Source,
    open_table,
    text_cell,
    write_csv,
    write_xlsx,
)
from alliance.cases.htcds.mapping import (
    CASE_STATUS,
    DECIDING_SECTOR,
    GROUP_SIZE,
    MAPPING,
    PERPETRATORS,
    PLAIN_MAX_LENGTH,
    ROUTE,
    TRAFFICKING_STATUS,
    Column,
    column_of_error,
    flat_columns,
    flat_header,
    group_columns,
    single_columns,
)
from alliance.cases.models import Case, CaseClock, Person
from alliance.cases.selectors.register import shown_cases
from alliance.cases.services.nrm import detection_clock
from alliance.cases.services.register import _next_numbers
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Conflict, Forbidden, ValidationFailed
from alliance.core.models import JobRun
from alliance.directory.models import User

ALL_OR_NOTHING, PARTIAL = "all_or_nothing", "partial"
MODES = (ALL_OR_NOTHING, PARTIAL)
MAX_REPORTED_ERRORS = 1_000
MAX_ROW_ERRORS_IN_CSV = 10  # the error column of a rejected row names at most this many, then "…"
WRITE_BATCH = 1_000
KEEP_ROWS = 2_000  # up to this many good rows are kept from the validating pass instead of read again
IMPORT_KIND = "htcds_import"
IMPORT_LEASE = dt.timedelta(minutes=15)
CONTENT_TYPES = {CSV: "text/csv; charset=utf-8", JSON: "application/json",
                 XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
_SECTION_OF_PREFIX = {"cas": "case", "prs": "person", "vic": "victim"}


# --- Export ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Exported:
    filename: str
    content_type: str
    body: bytes
    count: int


def _case_value(case: Case, column: Column) -> object:
    key = column.key
    if column.section == "person":
        return getattr(case.person, key)
    if column.section == "details":
        return (case.person.details or {}).get(key)
    if column.section == "victim_context":
        return (case.victim_context or {}).get(key)
    if key == "status":
        return CASE_STATUS.get(case.status, case.status)
    if key == "trafficking_status":
        return str(TRAFFICKING_STATUS.get(case.trafficking_status, case.trafficking_status))
    if key == "deciding_organisation":
        organisation = case.deciding_organisation
        return None if organisation is None else str(DECIDING_SECTOR.get(organisation.sector, "Other"))
    if key == "owner_organisation":
        return case.owner_organisation.name
    if key == "created_at":
        return timezone.localdate(case.created_at).isoformat()
    return getattr(case, key)


def _exported_record(case: Case, *, full: bool) -> dict[str, object]:
    """Column name -> value for the single columns the scope allows, and for a full scope the route and
    perpetrators as lists of {column name: value}."""
    record = {c.name: _case_value(case, c) for c in single_columns() if full or c.limited}
    if full:
        context = case.victim_context or {}
        for group in (ROUTE, PERPETRATORS):
            columns = group_columns(group)
            record[group] = [{c.name: entry.get(c.key) for c in columns} for entry in context.get(group, [])]
    return record


def _flat_row(record: dict[str, object]) -> list[object]:
    row = [record.get(c.name) for c in single_columns()]
    for group in (ROUTE, PERPETRATORS):
        entries = record.get(group, [])
        for number in range(GROUP_SIZE[group]):
            entry = entries[number] if number < len(entries) else {}
            row += [entry.get(c.name) for c in group_columns(group)]
    return row


def _nested(record: dict[str, object]) -> dict[str, object]:
    nested: dict[str, object] = {"case": {}, "person": {}, "victim": {}}
    for name, value in record.items():
        if name in (ROUTE, PERPETRATORS):
            nested[name] = value
        else:
            nested[_SECTION_OF_PREFIX[name.split("_", 1)[0]]][name] = value
    return nested


def htcds_export(*, actor: Actor, fmt: str = CSV) -> Exported:
    if not policy.may(actor, R.CASE_EXPORT):
        raise Forbidden(R.CASE_EXPORT)
    if fmt not in FORMATS:
        raise ValidationFailed({"format": [_("Choose csv, xlsx or json.")]})
    queryset = policy.CASE.scope(actor, R.CASE_EXPORT, Case.objects.select_related(
        "person", "owner_organisation", "deciding_organisation")).order_by("id")
    records, exported = [], []
    for case in policy.CASE.with_field_scope(actor, R.CASE_EXPORT, queryset).iterator(chunk_size=1000):
        records.append(_exported_record(case, full=case.full_scope))
        exported.append(case.pk)
    audit.record(actor=actor, action="export", object_type="case", fields=[c.path for c in MAPPING],
                 reason=f"HTCDS {fmt}: {shown_cases(ids=exported)}")
    header = flat_header()
    if fmt == JSON:
        body = json.dumps({"standard": "HTCDS 2.0", "cases": [_nested(r) for r in records]}, ensure_ascii=False,
                          indent=1).encode()
    elif fmt == XLSX:
        body = write_xlsx(header, (_flat_row(r) for r in records))
    else:
        body = write_csv(header, (_flat_row(r) for r in records))
    return Exported(filename=f"htcds-cases.{fmt}", content_type=CONTENT_TYPES[fmt], body=body, count=len(records))


# --- Import ---------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    mode: str
    rows: int = 0
    created: int = 0
    rejected: int = 0
    error_count: int = 0
    errors: list[dict] = field(default_factory=list)  # {row, column, reason}, the first MAX_REPORTED_ERRORS
    numbers: list[str] = field(default_factory=list)  # the first and last case number given
    ignored_columns: list[str] = field(default_factory=list)
    rejected_csv: bytes | None = None


@dataclass
class _Row:
    number: int
    names: dict[str, str | None]
    pseudonym: str | None
    summary: str | None
    details: dict
    context: dict
    is_child: bool


_MULTI = (htcds.CHOICES, htcds.COUNTRIES, htcds.TEXTS)


@dataclass(frozen=True)
class _Cell:
    """How one imported column of the file is read."""

    column: Column
    group_number: int
    spec: htcds.Spec | None
    multi: bool


def _plan(header: list[str]) -> dict[str, _Cell]:
    columns = flat_columns()
    plan = {}
    for name in header:
        if name in columns and columns[name][0].imported:
            column, number = columns[name]
            spec = column.spec()
            plan[name] = _Cell(column, number, spec, spec is not None and spec.kind in _MULTI)
    return plan


def _read_row(number: int, cells: dict[str, object], plan: dict[str, _Cell], today
              ) -> tuple[_Row | None, list[tuple[str, str]]]:
    errors: dict[str, list[str]] = {}
    plain: dict[str, str | None] = {}
    details: dict[str, object] = {}
    context: dict[str, object] = {}
    entries: dict[str, dict[int, dict]] = {ROUTE: {}, PERPETRATORS: {}}
    for name, value in cells.items():
        cell = plan.get(name)
        if cell is None:
            continue
        column = cell.column
        if cell.multi and isinstance(value, str):
            value = [part.strip() for part in value.split(";") if part.strip()]
        if cell.spec is None:
            if column.path == "person.birth_date":
                plain[column.key] = htcds.clean_date(value, path=name, errors=errors, today=today)
            elif isinstance(value, list):
                errors.setdefault(name, []).append(_("Expected one value."))
            else:
                plain[column.key] = htcds.clean_text(value, max_length=PLAIN_MAX_LENGTH[column.path], path=name,
                                                     errors=errors)
        elif cell.group_number:
            entries[column.group].setdefault(cell.group_number, {})[column.key] = value
        else:
            (details if column.section == "details" else context)[column.key] = value
    for key, column_name in (("given_name", "prs_FirstName"), ("family_name", "prs_SecondName")):
        if not plain.get(key) and column_name not in errors:
            errors[column_name] = [_("This field is required.")]
    origins = {group: sorted(found) for group, found in entries.items()}
    for group, numbers in origins.items():
        if numbers:
            context[group] = [entries[group][n] for n in numbers]
    clean_details, found = htcds.person_details_errors(details)
    for path, messages in found.items():
        errors.setdefault(column_of_error("details", path), []).extend(messages)
    clean_context, found = htcds.victim_context_errors(context)
    for path, messages in found.items():
        errors.setdefault(_victim_column(path, origins), []).extend(messages)
    if errors:
        return None, [(column, message) for column, messages in errors.items() for message in messages]
    birth_date = plain.get("birth_date")
    names = {k: plain.get(k) for k in ("given_name", "middle_name", "family_name", "identity_number")}
    names["birth_date"] = birth_date
    return _Row(number=number, names=names, pseudonym=plain.get("pseudonym"), summary=plain.get("summary"),
                details=clean_details, context=clean_context,
                is_child=htcds.is_presumed_child(birth_date=birth_date, details=clean_details, today=today)), []


def _victim_column(path: str, origins: dict[str, list[int]]) -> str:
    """Entry i of a group came from column group origins[group][i] (blank groups are skipped)."""
    parts = path.split(".")
    if parts[0] in origins and len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) < len(origins[parts[0]]):
        parts[1] = str(origins[parts[0]][int(parts[1])] - 1)
    return column_of_error("victim_context", ".".join(parts))


def _write(actor: Actor, rows: list[_Row], numbers: list[str], country: str, clock) -> None:
    people = bulk_insert(Person, [{**row.names, "details": row.details or None} for row in rows],
                         common={"realm_id": actor.realm_id}, returning=True)
    cases = bulk_insert(Case, [
        {"number": number, "pseudonym": row.pseudonym or f"Person {number[-4:]}", "person_id": person_id,
         "summary": row.summary, "is_child": row.is_child, "victim_context": row.context or None}
        for row, person_id, number in zip(rows, people, numbers, strict=True)
    ], common={"realm_id": actor.realm_id, "owner_organisation_id": actor.organisation_id,
               "created_by_id": actor.user_id, "country": country, "source": "import"}, returning=True)
    bulk_insert(CaseClock, [{"case_id": case_id} for case_id in cases],
                common={"kind": clock.kind, "starts_on": clock.starts_on, "due_on": clock.due_on, "rule": clock.rule})


@contextlib.contextmanager
def import_slot(*, actor: Actor) -> Iterator[JobRun]:
    """One HTCDS import at a time per user, across processes and servers: a running JobRun row is the lease,
    taken in a transaction that first locks the user's row (PostgreSQL), on SQLite an IMMEDIATE transaction
    (settings), so two imports starting together cannot both see no lease. A lease older than IMPORT_LEASE
    is a crashed import's and no longer counts. Raises Conflict when another import of the user runs."""
    with transaction.atomic():
        list(User.objects.select_for_update().filter(pk=actor.user_id).values_list("pk", flat=True))
        running = JobRun.objects.filter(kind=IMPORT_KIND, user_id=actor.user_id, status=JobRun.Status.RUNNING,
                                        created_at__gt=timezone.now() - IMPORT_LEASE)
        if running.exists():
            raise Conflict(_("Another HTCDS import of yours is still running: wait until it has finished, then "
                             "send the file again."), field="file")
        job = JobRun.objects.create(kind=IMPORT_KIND, user_id=actor.user_id, organisation_id=actor.organisation_id,
                                    realm_id=actor.realm_id, status=JobRun.Status.RUNNING)
    status = JobRun.Status.FAILED
    try:
        yield job
        status = JobRun.Status.DONE
    finally:
        JobRun.objects.filter(pk=job.pk).update(status=status, finished_at=timezone.now())


class _Rejected:
    """The rejected rows of a partial import, written as CSV as they come (never all held as dicts)."""

    def __init__(self, header: list[str]):
        self.names = [n for n in header if n != REJECTION_COLUMN]
        self.buffer = io.StringIO(newline="")
        self.writer = None
        self.count = 0

    def add(self, cells: dict, errors: list[tuple[str, str]]) -> None:
        import csv

        if self.writer is None:
            self.writer = csv.writer(self.buffer)
            self.writer.writerow([*self.names, REJECTION_COLUMN])
        shown = "; ".join(f"{c}: {r}" for c, r in errors[:MAX_ROW_ERRORS_IN_CSV])
        if len(errors) > MAX_ROW_ERRORS_IN_CSV:
            shown += "; …"
        self.writer.writerow([text_cell(cells.get(name)) for name in self.names] + [text_cell(shown)])
        self.count += 1

    def body(self) -> bytes | None:
        return self.buffer.getvalue().encode("utf-8-sig") if self.count else None  # BOM: as write_csv


def _good_rows(source: Source, plan: dict[str, _Cell], today) -> Iterator[_Row]:
    for number, cells in source.rows():
        row, _errors = _read_row(number, cells, plan, today)
        if row is not None:
            yield row


def htcds_import(*, actor: Actor, data: bytes, filename: str = "", mode: str = ALL_OR_NOTHING,
                 country: str = "XD", limits: Limits = DEFAULT_LIMITS) -> ImportResult:
    """Raises Forbidden without the right to import, ValidationFailed({"file": ...}) for a file that cannot
    be read at all, Conflict while another import of the same user runs; row errors come back in the
    result."""
    if not policy.may(actor, R.CASE_IMPORT) or actor.organisation_id is None:
        raise Forbidden(R.CASE_IMPORT)
    if mode not in MODES:
        raise ValidationFailed({"mode": [_("Choose all_or_nothing or partial.")]})
    try:
        rules_for(country)
    except ProfileError:
        raise ValidationFailed({"country": [_("No NRM country profile exists for this country.")]}) from None
    with import_slot(actor=actor) as job, htcds.messages_pinned():
        result = _import(actor, data, filename=filename, mode=mode, country=country, limits=limits)
        JobRun.objects.filter(pk=job.pk).update(done=result.created, total=result.rows,
                                                result={"created": result.created, "rejected": result.rejected})
    return result


def _import(actor: Actor, data: bytes, *, filename: str, mode: str, country: str, limits: Limits) -> ImportResult:
    source = open_table(data, filename=filename, limits=limits)
    plan = _plan(source.header)
    result = ImportResult(mode=mode, ignored_columns=[name for name in source.header if name not in plan])
    today = timezone.localdate()
    rejected = _Rejected(source.header) if mode == PARTIAL else None
    good, kept = 0, []
    # First pass: validate every row, keeping the errors to report (and, in partial mode, the rejected rows
    # as CSV), and the good rows only while they are few.
    for number, cells in source.rows():
        result.rows += 1
        row, errors = _read_row(number, cells, plan, today)
        if row is not None:
            good += 1
            if kept is not None:
                kept.append(row)
                if len(kept) > KEEP_ROWS:
                    kept = None
            continue
        result.rejected += 1
        result.error_count += len(errors)
        room = MAX_REPORTED_ERRORS - len(result.errors)
        if room > 0:
            result.errors += [{"row": number, "column": column, "reason": reason}
                              for column, reason in errors[:room]]
        if rejected is not None:
            rejected.add(cells, errors)
        else:
            kept = None  # all-or-nothing: nothing will be written
    if rejected is not None:
        result.rejected_csv = rejected.body()
    if not good or (result.rejected and mode == ALL_OR_NOTHING):
        return result
    # Second pass (unless the good rows were kept): write them in batches, all in one transaction.
    rows = kept if kept is not None else _good_rows(source, plan, today)
    with transaction.atomic():
        numbers = _next_numbers(actor.realm_id, good, exercise=actor.realm_is_exercise)
        clock = detection_clock(case=Case(country=country), today=timezone.localdate())
        written, batch = 0, []
        for row in rows:
            batch.append(row)
            if len(batch) == WRITE_BATCH:
                _write(actor, batch, numbers[written:written + len(batch)], country, clock)
                written, batch = written + len(batch), []
        if batch:
            _write(actor, batch, numbers[written:written + len(batch)], country, clock)
            written += len(batch)
        if written != good:  # the same bytes read twice give the same rows; anything else is a bug
            raise RuntimeError("the HTCDS file gave different rows on its second reading")
        audit.record(actor=actor, action="create", object_type="case",
                     fields=sorted({cell.column.path for cell in plan.values()}),
                     reason=f"HTCDS import: {len(numbers)} cases {numbers[0]}..{numbers[-1]}, "
                            f"{result.rejected} rows rejected")
    result.created, result.numbers = len(numbers), [numbers[0], numbers[-1]]
    return result
