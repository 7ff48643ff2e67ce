"""/api/v1/cases/htcds: HTCDS export (CSV, XLSX, JSON) and import (CSV, XLSX, JSON)."""

from __future__ import annotations

from typing import Literal

from ninja import File, Form, Query, Router, Schema
from ninja.files import UploadedFile

from alliance.cases.services.htcds import ALL_OR_NOTHING, htcds_export, htcds_import
from alliance.cases.views.htcds import attachment
from alliance.core.api_schemas import ErrorOut, with_errors

router = Router(tags=["cases"])


class ExportFilter(Schema):
    format: Literal["csv", "xlsx", "json"] = "csv"


class RowError(Schema):
    row: int
    column: str
    reason: str


class ImportOut(Schema):
    mode: str
    rows: int
    created: int
    rejected: int
    error_count: int
    errors: list[RowError]
    numbers: list[str]
    ignored_columns: list[str]
    rejected_csv: str | None  # partial mode: the rejected rows with an "error" column


@router.get("/htcds/export", response=with_errors({200: None}), operation_id="htcds_export")
def htcds_export_op(request, filters: Query[ExportFilter]):
    """Every case the caller may export; a limited share carries only its shared columns."""
    return attachment(htcds_export(actor=request.actor, fmt=filters.format))


@router.post("/htcds/import", response=with_errors({200: ImportOut, 409: ErrorOut}), operation_id="htcds_import")
def htcds_import_op(request, file: File[UploadedFile],
                    mode: Form[Literal["all_or_nothing", "partial"]] = ALL_OR_NOTHING):
    """A file that cannot be read answers 422, and 409 while another import of the same user runs (one at a
    time per user); otherwise the outcome, row errors included (the first 1,000, all counted). In the
    default mode nothing is written when any row has an error (created is then 0)."""
    result = htcds_import(actor=request.actor, data=file.read(), filename=file.name or "", mode=mode)
    out = {**result.__dict__, "rejected_csv": result.rejected_csv.decode("utf-8-sig") if result.rejected_csv else None}
    return out
