"""The input checks the writes to the case register and the case file share, whoever asks: a text's length, a
choice among listed values, two dates in order. Each adds its message to `errors` (field -> messages); the
service raises ValidationFailed with them before anything is written."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _


def clean_text(value: str | None, field: str, *, required: bool, max_length: int, errors: dict) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.setdefault(field, []).append(_("This field is required."))
    elif len(value) > max_length:
        errors.setdefault(field, []).append(_("At most %(n)d characters.") % {"n": max_length})
    return value


def in_order(first: dt.date | None, then: dt.date | None, field: str, errors: dict, message: str) -> None:
    if first is not None and then is not None and then < first:
        errors.setdefault(field, []).append(message)


def choice(value: str, allowed, field: str, errors: dict) -> str:
    if value not in allowed:
        errors.setdefault(field, []).append(_("Choose one of the listed values."))
    return value
