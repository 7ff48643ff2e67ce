"""The API's one error shape, declared once so every operation documents the errors it can answer."""

from __future__ import annotations

from ninja import Path, Schema
from pydantic import Field

MAX_ID = 2**63 - 1  # bigint: larger ids would be a database error, not "not found"


def id_path():
    return Path(..., ge=1, le=MAX_ID)


# Dates travel as ISO strings; pydantic's lax mode would otherwise read 0 as 1970-01-01.
ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"
PAGE = Field(1, ge=1, le=1_000_000)
PAGE_SIZE = Field(50, ge=1, le=200)


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
