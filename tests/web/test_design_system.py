"""The design system's rules that a file can show (docs/design-system.md): the palette meets WCAG AA, the style
sheets use logical properties only (right to left mirrors), no template carries an inline style or a style
element (the CSP's style-src is 'self'), and a form field's help and errors are tied to its control."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django import forms
from django.template.loader import render_to_string

SRC = Path(__file__).resolve().parents[2] / "src" / "alliance"
CSS = SRC / "web" / "static" / "web" / "alliance.css"


def _tokens() -> dict[str, str]:
    root = re.search(r":root\s*\{(.*?)\n\}", CSS.read_text(), re.S).group(1)
    return {name: value.lower() for name, value in re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\b", root)}


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


# (foreground, background, least ratio): text is 4.5:1 (WCAG 1.4.3), control edges 3:1 (1.4.11).
PAIRS = [
    ("color-ink", "color-surface", 4.5), ("color-ink", "color-surface-sunken", 4.5),
    ("color-ink-muted", "color-surface", 4.5), ("color-ink-muted", "color-surface-sunken", 4.5),
    ("color-ink", "color-surface-strong", 4.5), ("color-ink-muted", "color-surface-strong", 4.5),
    ("color-accent", "color-surface-strong", 4.5), ("color-ink", "color-row-alt", 4.5),
    ("color-accent", "color-row-alt", 4.5), ("color-on-accent", "color-bad", 4.5),
    ("color-on-accent", "color-bad-strong", 4.5), ("color-on-accent", "color-exercise", 4.5),
    ("color-accent", "color-surface", 4.5), ("color-accent", "color-surface-sunken", 4.5),
    ("color-accent", "color-accent-soft", 4.5), ("color-accent-strong", "color-accent-soft", 4.5),
    ("color-on-accent", "color-accent", 4.5), ("color-on-accent", "color-accent-strong", 4.5),
    ("color-good", "color-good-soft", 4.5), ("color-warn", "color-warn-soft", 4.5),
    ("color-bad", "color-bad-soft", 4.5), ("color-info", "color-info-soft", 4.5),
    ("color-bad", "color-surface", 4.5), ("color-good", "color-surface", 4.5),
    ("color-ink", "focus-inner", 4.5),  # a focused link: ink on the yellow
    ("color-border-strong", "color-surface", 3.0), ("focus-outer", "color-surface", 3.0),
    ("focus-outer", "color-accent-soft", 3.0),
]


@pytest.mark.parametrize(("fg", "bg", "least"), PAIRS, ids=[f"{f} on {b}" for f, b, _ in PAIRS])
def test_the_palette_meets_wcag_aa(fg, bg, least):
    tokens = _tokens()
    ratio = contrast(tokens[fg], tokens[bg])
    assert ratio >= least, f"--{fg} on --{bg} is {ratio:.2f}:1, under {least}:1"


# Left and right never appear (they would not mirror); in the design system's own sheets neither do top, bottom,
# width and height (block/inline throughout, so a vertical script would work as well).
DIRECTIONAL = re.compile(r"\b(?:margin|padding|border)-(?:left|right)\b|(?<![-\w])(?:left|right)\s*:"
                         r"|text-align:\s*(?:left|right)|float:\s*(?:left|right)|clear:\s*(?:left|right)"
                         # four values (top right bottom left) set the two sides apart: not mirrored
                         r"|(?<![-\w])(?:margin|padding|inset)\s*:\s*[^\s;}]+\s+[^\s;}]+\s+[^\s;}]+\s+[^\s;}]+")
PHYSICAL = re.compile(r"\b(?:margin|padding|border)-(?:top|bottom)\b|(?<![-\w])(?:top|bottom)\s*:"
                      r"|(?<![-\w])(?:(?:max|min)-)?(?:width|height)\s*:")


def _rules(sheet: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", (SRC / sheet).read_text(), flags=re.S)
    return re.sub(r"@media[^{]*", "", text)  # a media query's width is the screen's, not a property


@pytest.mark.parametrize("sheet", sorted(p.relative_to(SRC).as_posix() for p in SRC.glob("*/static/**/*.css")))
def test_style_sheets_never_say_left_or_right(sheet):
    found = [m.group(0) for m in DIRECTIONAL.finditer(_rules(sheet))]
    assert found == [], f"{sheet}: {found} (use inline-start/end, start/end)"


def test_the_design_systems_sheet_uses_logical_properties_only():
    found = [m.group(0) for m in PHYSICAL.finditer(_rules("web/static/web/alliance.css"))]
    assert found == [], f"alliance.css: physical properties {found} (use inline/block sizes and insets)"


def test_no_template_has_an_inline_style():
    offenders = []
    for template in SRC.glob("*/templates/**/*.html"):
        text = template.read_text()
        if re.search(r"\sstyle\s*=|<style\b", text):
            offenders.append(template.relative_to(SRC).as_posix())
    assert offenders == []


class _HelpForm(forms.Form):
    name = forms.CharField(label="Name", help_text="As the person gives it.")
    agreed = forms.BooleanField(label="Agreed", help_text="Ticked when they said yes.", required=False)
    note = forms.CharField(label="Note", required=False)


def test_a_fields_help_and_errors_are_tied_to_its_control():
    form = _HelpForm(data={"name": ""})
    html = render_to_string("web/_form.html", {"form": form})
    control = re.search(r"<input[^>]*name=\"name\"[^>]*>", html).group(0)
    described = re.search(r'aria-describedby="([^"]+)"', control).group(1).split()
    assert described == ["id_name_helptext", "id_name_error"]
    assert 'id="id_name_helptext"' in html and 'class="field-help"' in html and "As the person gives it." in html
    assert 'id="id_name_error"' in html and 'id="id_name-errors"' in html and 'aria-invalid="true"' in control
    assert 'class="field is-required has-error"' in html
    checkbox = re.search(r"<input[^>]*name=\"agreed\"[^>]*>", html).group(0)
    assert 'aria-describedby="id_agreed_helptext"' in checkbox and 'id="id_agreed_helptext"' in html
    note = re.search(r"<input[^>]*name=\"note\"[^>]*>", html).group(0)
    assert "aria-describedby" not in note
    # The label comes first, then the help and the error, then the control.
    assert html.index('for="id_name"') < html.index("id_name_helptext") < html.index("id_name_error") < \
        html.index('name="name"')
