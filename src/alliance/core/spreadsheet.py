"""Cells leaving the system in CSV or XLSX are neutralised against formula injection (OWASP CSV injection)."""

from __future__ import annotations

import csv

from django.http import HttpResponse

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n", "|")


def safe_cell(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(_TRIGGERS):
        return "'" + value
    return value


def csv_attachment(filename: str, header: list[str], rows: list[list[object]]) -> HttpResponse:
    """An audited export leaves as a download, never rendered inline, with every cell neutralised."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(header)
    for row in rows:
        writer.writerow([safe_cell(value) for value in row])
    return response
