"""The pieces every API router shares: the one error shape (so every operation documents the errors it can
answer), the strict input base, id and page fields, and the date parser."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Path, Schema
from pydantic import ConfigDict, Field

from alliance.core.errors import ValidationFailed

MAX_ID = 2**63 - 1  # bigint: larger ids would be a database error, not "not found"


def id_path():
    return Path(..., ge=1, le=MAX_ID)


# Dates travel as ISO strings; pydantic's lax mode would otherwise read 0 as 1970-01-01.
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
PAGE = Field(1, ge=1, le=1_000_000)
PAGE_SIZE = Field(50, ge=1, le=200)


class StrictIn(Schema):
    """Request bodies refuse unknown fields: a misspelt field would otherwise be dropped silently and the
    caller would believe it was saved."""

    model_config = ConfigDict(extra="forbid")


def calendar_date(value: str | None, field: str) -> dt.date | None:
    """An ISO date string from a request body (already matched against ISO_DATE) as a date, or None when
    absent. The pattern lets 2026-02-30 through; that is a 400 naming the field, not a 500."""
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ValidationFailed({field: [_("Not a calendar date.")]}) from None


class ErrorBody(Schema):
    code: str
    message: str
    details: dict


class ErrorOut(Schema):
    error: ErrorBody


ERRORS = {400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 413: ErrorOut, 422: ErrorOut}


def with_errors(responses: dict | type) -> dict:
    if not isinstance(responses, dict):
        responses = {200: responses}
    return {**ERRORS, **responses}
