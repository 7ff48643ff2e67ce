"""Errors that services and selectors raise; the web and API layers turn them into responses."""

from __future__ import annotations


class NotFound(Exception):
    """Missing or forbidden: the two are never told apart."""


class Forbidden(Exception):
    """The actor may not perform this action at all (role does not grant it)."""


class ValidationFailed(Exception):
    def __init__(self, errors: dict[str, list[str]] | str):
        if isinstance(errors, str):
            errors = {"__all__": [errors]}
        self.errors = errors
        super().__init__("; ".join(f"{k}: {' '.join(v)}" for k, v in errors.items()))


class Conflict(Exception):
    """The request clashes with what is already stored (the same id sent with different content)."""

    def __init__(self, message: str, *, existing_id: object = None, field: str = ""):
        self.existing_id = existing_id
        self.field = field  # what clashed, when a client needs to tell conflicts apart
        super().__init__(message)
