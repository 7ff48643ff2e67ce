"""A select for long lists (every country of the world) that renders its options directly.

Django renders each option through a template: on a case page with a 256-country list that was half of the
page's time. Same markup, same escaping (format_html), no template per option.
"""

from __future__ import annotations

from django import forms
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe


class LongSelect(forms.Select):
    def render(self, name, value, attrs=None, renderer=None):
        context = self.get_context(name, value, attrs)["widget"]
        options = []
        for _group, group_options, _index in context["optgroups"]:
            for option in group_options:
                options.append((option["value"], mark_safe(" selected") if option["selected"] else "",
                                option["label"]))
        body = format_html_join("", '<option value="{}"{}>{}</option>', options)
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(context["attrs"]), body)
