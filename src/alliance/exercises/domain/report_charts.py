"""The programme report's charts: Vega-Lite specifications drawn on the server by vl-convert.

The seed deck's charts (applications against selected per edition, participating countries per edition)
and the breakdowns of the participants (profession, gender, country). Every chart is drawn to SVG for the
page and to PNG for the PDF; no script reaches the browser.

An SVG is put into the page as markup, so before that `safe_svg` parses it and refuses anything that could
run or load: only drawing elements, no event attributes, no links, no style (the CSP allows no inline
style). Labels are text nodes, escaped by the renderer and checked again by the parse, so an edition title
of "<script>" stays text. Text is drawn by the reader's browser with its fonts (Cyrillic included); the PNG
for the PDF is drawn with the fonts installed on the server.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass

import defusedxml.ElementTree as SafeTree

SVG_NS = "{http://www.w3.org/2000/svg}"
ALLOWED_ELEMENTS = frozenset({"svg", "g", "path", "rect", "line", "text", "tspan", "title", "desc", "circle",
                              "defs", "clipPath"})
ALLOWED_ATTRIBUTES = frozenset({
    "xmlns", "version", "class", "width", "height", "viewBox", "fill", "stroke", "stroke-width", "stroke-miterlimit",
    "stroke-opacity", "fill-opacity", "opacity", "transform", "d", "x", "y", "x1", "x2", "y1", "y2", "dx", "dy",
    "r", "cx", "cy", "role", "aria-roledescription", "aria-label", "aria-hidden", "pointer-events",
    "text-anchor", "font-family", "font-size", "font-weight", "font-style", "id", "clip-path", "stroke-linecap",
    "stroke-dasharray", "stroke-linejoin", "dominant-baseline", "focusable", "tabindex", "display", "visibility",
    "fill-rule", "clip-rule", "stroke-dashoffset", "paint-order", "letter-spacing", "font-variant",
    "text-decoration", "shape-rendering",
})
COLOURS = {"applications": "#6b7785", "selected": "#0b5cad"}


class UnsafeSvg(ValueError):
    pass


@dataclass(frozen=True)
class Chart:
    name: str
    title: str
    description: str
    spec: dict
    rows: list[tuple[str, ...]]  # the same figures as a table, for screen readers and the PDF


def _base(title: str, values: list[dict], *, width: int = 520) -> dict:
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "title": title,
        "width": width,
        "background": "white",
        "data": {"values": values},
        "config": {"font": "DejaVu Sans, Liberation Sans, Arial, sans-serif", "view": {"stroke": None}},
    }


def grouped_bars(title: str, values: list[dict], *, category: str, series_title: str) -> dict:
    """Bars side by side per category (applications against selected per edition)."""
    spec = _base(title, values)
    spec.update({
        "mark": {"type": "bar"},
        "encoding": {
            "x": {"field": "category", "type": "nominal", "title": category, "sort": None,
                  "axis": {"labelAngle": -30, "labelAlign": "right", "labelLimit": 180}},
            "xOffset": {"field": "series", "sort": None},
            "y": {"field": "count", "type": "quantitative", "title": None},
            "color": {"field": "series", "type": "nominal", "title": series_title, "sort": None,
                      "scale": {"range": [COLOURS["applications"], COLOURS["selected"]]}},
        },
    })
    return spec


def bars(title: str, values: list[dict], *, horizontal: bool = False, height: int | None = None) -> dict:
    spec = _base(title, values, width=520 if not horizontal else 420)
    category = {"field": "category", "type": "nominal", "title": None, "sort": None, "axis": {"labelLimit": 200}}
    count = {"field": "count", "type": "quantitative", "title": None}
    spec.update({
        "layer": [
            {"mark": {"type": "bar", "color": COLOURS["selected"]}},
            {"mark": {"type": "text", "align": "left" if horizontal else "center",
                      "baseline": "middle" if horizontal else "bottom", "dx": 3 if horizontal else 0,
                      "dy": 0 if horizontal else -2},
             "encoding": {"text": {"field": "count", "type": "quantitative"}}},
        ],
        "encoding": {"y": category, "x": count} if horizontal else {
            "x": {**category, "axis": {"labelAngle": -30, "labelAlign": "right", "labelLimit": 180}}, "y": count},
    })
    if height:
        spec["height"] = height
    return spec


def render_svg(spec: dict) -> str:
    return _svg(json.dumps(spec, sort_keys=True, ensure_ascii=False))


def render_png(spec: dict) -> bytes:
    return _png(json.dumps(spec, sort_keys=True, ensure_ascii=False))


# A chart costs 30-90 ms to draw (300 ms for a process's first); the same figures give the same drawing, and
# the figures of a finished edition do not change, so a process keeps its last drawings. Counts only: no
# personal data is held.
@functools.lru_cache(maxsize=64)
def _svg(spec_json: str) -> str:
    import vl_convert

    return safe_svg(vl_convert.vegalite_to_svg(json.loads(spec_json)))


@functools.lru_cache(maxsize=32)
def _png(spec_json: str) -> bytes:
    import vl_convert

    return vl_convert.vegalite_to_png(json.loads(spec_json), scale=2)


def safe_svg(svg: str) -> str:
    """The SVG unchanged when it holds drawing only; UnsafeSvg otherwise."""
    root = SafeTree.fromstring(svg)
    for element in root.iter():
        tag = element.tag.removeprefix(SVG_NS)
        if tag not in ALLOWED_ELEMENTS:
            raise UnsafeSvg(f"element {tag}")
        for name in element.attrib:
            local = name.rsplit("}", 1)[-1]
            if local not in ALLOWED_ATTRIBUTES or local.lower().startswith("on"):
                raise UnsafeSvg(f"attribute {local} on {tag}")
    return svg


def charts_for(report: dict, *, profession_label, gender_label, country_label) -> list[Chart]:
    """The report's five charts from programme_report_for's figures (labels in the active language)."""
    from django.utils.translation import gettext as _

    applications, selected = _("Applications"), _("Selected")
    editions = report["editions"]
    per_edition = [{"category": e["title"], "series": series, "count": e[key]}
                   for e in editions for series, key in ((applications, "applications"), (selected, "selected"))]
    countries = [{"category": e["title"], "count": e["countries"]} for e in editions]
    professions = [{"category": profession_label(code), "count": n} for code, n in report["by_profession"].items()]
    genders = [{"category": gender_label(code), "count": n} for code, n in report["by_gender"].items()]
    by_country = [{"category": country_label(code), "count": n} for code, n in report["by_country"].items()]
    return [
        Chart("applications", _("Applications and selected participants per edition"),
              _("For each edition, the number of confirmed applications beside the number of participants "
                "selected."),
              grouped_bars(_("Applications and selected per edition"), per_edition, category=_("Edition"),
                           series_title=""),
              [(e["title"], str(e["applications"]), str(e["selected"])) for e in editions]),
        Chart("countries", _("Participating countries per edition"),
              _("For each edition, the number of States its participants came from."),
              bars(_("Participating countries per edition"), countries),
              [(row["category"], str(row["count"])) for row in countries]),
        Chart("professions", _("Participants by profession"), _("All editions together."),
              bars(_("Participants by profession"), professions, horizontal=True),
              [(row["category"], str(row["count"])) for row in professions]),
        Chart("genders", _("Participants by gender"), _("All editions together."),
              bars(_("Participants by gender"), genders, horizontal=True),
              [(row["category"], str(row["count"])) for row in genders]),
        Chart("by_country", _("Participants by country"), _("All editions together."),
              bars(_("Participants by country"), by_country, horizontal=True, height=max(120, 16 * len(by_country))),
              [(row["category"], str(row["count"])) for row in by_country]),
    ]
