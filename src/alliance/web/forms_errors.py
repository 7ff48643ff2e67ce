"""Carry service-layer validation errors onto a Django form, field by field."""

from alliance.core.errors import ValidationFailed


def apply_errors(form, error: ValidationFailed) -> None:
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)
