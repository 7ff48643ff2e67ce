"""A select for long lists (every country of the world) that renders its options directly.

Django builds a dict per option and renders it through a template: on a case page with a 256-country list
that was half of the page's time. Same markup, same escaping (format_html), no per-option machinery.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

_SELECTED = mark_safe(" selected")  # a constant attribute: no input reaches it


class LongSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        chosen = {"" if v is None else str(v) for v in self.format_value(value)}
        options = format_html_join("", '<option value="{}"{}>{}</option>', (
            (key, _SELECTED if str(key) in chosen else "", label) for key, label in self.choices))
        attrs = self.build_attrs(self.attrs, attrs)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(attrs), options)
