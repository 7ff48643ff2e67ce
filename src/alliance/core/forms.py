"""The form pieces every app's pages share, kept in core so that domain apps never import `web` (which sits
above them: its home page and demo loader import every app)."""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from alliance.core.errors import ValidationFailed

_SELECTED = mark_safe(" selected")  # a constant attribute: no input reaches it


def apply_errors(form, error: ValidationFailed) -> None:
    """Carry service-layer validation errors onto a Django form, field by field."""
    for field, messages in error.errors.items():
        target = field if field in form.fields else None
        for message in messages:
            form.add_error(target, message)


class LongSelect(forms.Select):
    """A select for long lists (every country of the world) that renders its options directly.

    Django builds a dict per option and renders it through a template: on a case page with a 256-country list
    that was half of the page's time. Same markup, same escaping (format_html), no per-option machinery.
    """

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {"" if v is None else str(v) for v in self.format_value(value)}
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (key, _SELECTED if str(key) in chosen else "", label) for key, label in self.choices))
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)
