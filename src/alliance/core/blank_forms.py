"""The case page's empty forms, rendered once and reused.

Django renders every widget through a template; the case page carries a dozen unbound forms (consent with
every country and language, share, refer, NRM steps, tasks, notes, documents, support plan, legal hold,
deletion) and their rendering was most of the page's template time. An unbound form's markup depends only on
what the key below holds: its class, ids, language, and each field's kind, label, help, required flag,
widget attributes, initial value and choices (read once here and kept on the field, so a model choice list
costs one query as before). A bound form (one with errors) is never cached, nor anything with DEBUG on (so
an edited template shows at once). The cache is per process and bounded.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

MAX_ENTRIES = 512
_cache: OrderedDict[tuple, str] = OrderedDict()
_lock = threading.Lock()


def _plain(choices) -> list:
    """(value, label) pairs as strings, groups kept as (label, [pairs])."""
    out = []
    for value, label in choices:
        if isinstance(label, list | tuple):
            out.append((str(value), tuple(_plain(label))))
        else:
            out.append(("" if value is None else str(value), str(label)))
    return out


def _field_key(form, name: str, field) -> tuple:
    choices = ()
    if hasattr(field, "choices"):
        # Materialise once: the key and the rendering then read the same list (one query for a model list).
        materialised = _plain(field.choices)
        field.choices = materialised
        choices = tuple(materialised)
    widget = field.widget
    return (name, type(field).__qualname__, type(widget).__qualname__, field.required, str(field.label),
            str(field.help_text), field.disabled, repr(sorted(widget.attrs.items())),
            repr(form.get_initial_for_field(field, name)), choices)


def form_html(form, template: str = "web/_form.html", **context) -> SafeString:
    """The form rendered with `template` (given `form` and `context`); from the cache when unbound."""
    if form.is_bound or settings.DEBUG:  # DEBUG: a template being edited must show at once
        return mark_safe(render_to_string(template, {"form": form, **context}))
    key = (template, type(form).__module__, type(form).__qualname__, str(form.auto_id), form.prefix,
           get_language(), repr(sorted(context.items())),
           tuple(_field_key(form, name, field) for name, field in form.fields.items()))
    with _lock:
        html = _cache.get(key)
        if html is not None:
            _cache.move_to_end(key)
    if html is None:
        html = render_to_string(template, {"form": form, **context})
        with _lock:
            _cache[key] = html
            while len(_cache) > MAX_ENTRIES:
                _cache.popitem(last=False)
    return mark_safe(html)
