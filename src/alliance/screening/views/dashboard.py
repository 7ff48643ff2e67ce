"""The facility dashboard page: the filters, the figures and their charts, aggregated only.

What is withheld and why is decided in alliance.screening.selectors.dashboard (fewer than 10 screenings: only the total
and the days; counts from 0 to 4 as "<5"; cells hidden with them so the total does not give them back); the
page only draws what it is given, and explains the rule in one paragraph.

The charts are drawn here as inline SVG (no script library): a fixed viewBox that scales to the width of
the screen, classes for the colours (screening/dashboard.css), and the page's writing direction mirrored
into the coordinates so a right-to-left reader sees bars grow from the right. Every chart carries a title
and a description, and its numbers in a table for screen readers. Nothing on the page links to a screening.
"""

from __future__ import annotations

import textwrap

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.translation import get_language_bidi, gettext_lazy, pgettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from alliance.core import disclosure
from alliance.core.errors import ValidationFailed
from alliance.core.forms import apply_errors
from alliance.screening.domain.interview import CHILD, OPERATIONAL, SCREEN
from alliance.screening.selectors import dashboard as figures

WIDTH = 400  # viewBox units; the SVG is drawn at 100% of its box, capped in dashboard.css
FONT = 12
LINE = 15
BAR = 12
GAP = 10
VALUE_ROOM = 40  # room after the longest bar for its figure
WRAP = 54  # characters per label line at FONT in WIDTH units

INDICATOR_GROUPS = (
    (SCREEN, gettext_lazy("Short screen: direct experience")),
    (OPERATIONAL, gettext_lazy("ILO/EC operational indicators")),
    (CHILD, gettext_lazy("Child-specific indicators")),
)


class DashboardFilter(forms.Form):
    """Plain text in, checked by the selector (one set of rules and messages for the page and the API)."""

    date_from = forms.CharField(label=gettext_lazy("From"), required=False, max_length=10,
                                widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.CharField(label=gettext_lazy("To"), required=False, max_length=10,
                              widget=forms.DateInput(attrs={"type": "date"}))
    facility = forms.CharField(label=gettext_lazy("Facility"), required=False, max_length=20,
                               widget=forms.Select())

    def __init__(self, *args, facilities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if facilities is None:
            del self.fields["facility"]
        else:
            self.fields["facility"].widget.choices = [("", _("All organisations")),
                                                      *((str(f.id), f.name) for f in facilities)]


@login_required
@require_GET
def dashboard(request):
    actor = request.actor
    facilities = figures.facility_choices(actor=actor)  # Forbidden (403) for anyone without screening.dashboard
    realm_wide = figures.is_realm_wide(actor=actor)
    form = DashboardFilter(request.GET, facilities=facilities if realm_wide else None)
    data = None
    if form.is_valid():
        try:
            data = figures.dashboard(actor=actor, facility_id=form.cleaned_data.get("facility") or None,
                                     date_from=form.cleaned_data["date_from"], date_to=form.cleaned_data["date_to"])
        except ValidationFailed as error:
            apply_errors(form, error)
    context = {"form": form, "realm_wide": realm_wide, "data": data, "suppressed_label": disclosure.SUPPRESSED,
               "min_total": figures.MIN_TOTAL}
    if data is not None:
        # Show the period actually used (the defaults filled in) in the inputs.
        form = DashboardFilter(initial={"date_from": data["date_from"].isoformat(),
                                        "date_to": data["date_to"].isoformat(),
                                        "facility": str(data["facility"].id) if data["facility"] else ""},
                               facilities=facilities if realm_wide else None)
        context.update(form=form, charts=_charts(data, rtl=get_language_bidi()))
    return render(request, "screening/dashboard.html", context, status=200 if data is not None else 422)


def _charts(data: dict, *, rtl: bool) -> dict:
    charts = {"per_day": day_bars(data["per_day"], rtl=rtl), "outcomes": None, "indicator_groups": []}
    if data["outcomes"] is not None:  # None: too few screenings for anything but the total and the days
        outcomes = [{"label": o["label"], "count": o["count"]} for o in data["outcomes"]]
        charts["outcomes"] = horizontal_bars(outcomes, rtl=rtl)
    for code, title in INDICATOR_GROUPS:
        if data["indicators"] is None:
            break
        cells = [i for i in data["indicators"] if i["catalogue"] == code]
        # Drawn: the exact counts. Listed under them: the "<5" ones (0 to 4), which would only be a column of
        # identical outlines.
        shown = [{"label": i["label"], "count": i["count"]} for i in cells if isinstance(i["count"], int)]
        charts["indicator_groups"].append({
            "code": code, "title": str(title),
            "chart": horizontal_bars(shown, rtl=rtl) if shown else None,
            "rows": shown,
            "below": [i["label"] for i in cells if not isinstance(i["count"], int)],
        })
    return charts


def _x(x: float, width: float, *, rtl: bool, total: float = WIDTH) -> float:
    """The left edge of a box `width` wide starting at `x` from the reading start."""
    return round(total - x - width, 2) if rtl else round(x, 2)


WITHHELD_WORDS = {disclosure.HIDDEN: lambda: _("hidden"),
                  disclosure.WITHHELD: lambda: pgettext("dashboard cell", "withheld")}


def horizontal_bars(rows: list[dict], *, rtl: bool) -> dict:
    """One bar per row, its label above it (wrapped, so long labels fit a phone) and its figure after it.
    A suppressed cell ("<5") is drawn as an unfilled outline up to 5: it shows the bound, never the value.
    A hidden or withheld cell (dashboard.protect_table) has no bar, only the word."""
    top = max([r["count"] for r in rows if isinstance(r["count"], int)] + [disclosure.SMALL
              if any(r["count"] == disclosure.SUPPRESSED for r in rows) else 1, 1])
    scale = (WIDTH - VALUE_ROOM) / top
    y, drawn = 0, []
    for row in rows:
        suppressed = row["count"] == disclosure.SUPPRESSED
        hidden = row["count"] in (disclosure.HIDDEN, disclosure.WITHHELD)
        value = disclosure.SMALL if suppressed else 0 if hidden else row["count"]
        lines = []
        for line in textwrap.wrap(str(row["label"]), WRAP) or [""]:
            y += LINE
            lines.append({"text": line, "y": y - 3})
        length = round(value * scale, 2)
        bar_y = y + 2
        drawn.append({
            "lines": lines,
            "label_x": WIDTH if rtl else 0,
            "bar": {"x": _x(0, length, rtl=rtl), "y": bar_y, "width": max(length, 0), "height": BAR,
                    "suppressed": suppressed, "hidden": hidden},
            "value": {"text": WITHHELD_WORDS[row["count"]]() if hidden else str(row["count"]), "y": bar_y + BAR - 2,
                      "x": round(WIDTH - length - 4, 2) if rtl else round(length + 4, 2),
                      "anchor": "end" if rtl else "start"},
        })
        y = bar_y + BAR + GAP
    return {"width": WIDTH, "height": max(y, LINE), "rows": drawn, "rtl": rtl, "font": FONT}


DAY_HEIGHT = 180
DAY_AXIS = 30  # room for the figures on the value axis
DAY_TOP = 12
DAY_BOTTOM = 26  # room for the dates


def day_bars(series: list[dict], *, rtl: bool) -> dict:
    """Screenings per day as vertical bars, the first day at the reading start; the value axis carries 0 and
    the highest day, the time axis the first, middle and last dates."""
    plot_width = WIDTH - DAY_AXIS - 4
    plot_height = DAY_HEIGHT - DAY_TOP - DAY_BOTTOM
    top = max([d["count"] for d in series] + [1])
    slot = plot_width / max(len(series), 1)
    bar_width = round(max(slot * 0.8, 0.6), 2)
    base = DAY_TOP + plot_height
    bars = []
    for n, day in enumerate(series):
        if not day["count"]:
            continue  # a zero day is the gap on the baseline
        height = round(day["count"] / top * plot_height, 2)
        bars.append({"x": _x(DAY_AXIS + n * slot + (slot - bar_width) / 2, bar_width, rtl=rtl),
                     "y": round(base - height, 2), "width": bar_width, "height": height})
    axis_x = WIDTH - DAY_AXIS if rtl else DAY_AXIS
    ticks = []
    if series:
        picks = sorted({0, len(series) // 2, len(series) - 1}) if len(series) > 2 else range(len(series))
        for n in picks:
            centre = DAY_AXIS + n * slot + slot / 2
            anchor = "start" if n == 0 else "end" if n == len(series) - 1 else "middle"
            if rtl:
                anchor = {"start": "end", "end": "start"}.get(anchor, anchor)
            ticks.append({"text": series[n]["date"].isoformat(), "anchor": anchor,
                          "x": round(WIDTH - centre if rtl else centre, 2) if anchor == "middle"
                          else (_x(DAY_AXIS + n * slot, 0, rtl=rtl) if n == 0
                                else _x(DAY_AXIS + (n + 1) * slot, 0, rtl=rtl))})
    return {
        "width": WIDTH, "height": DAY_HEIGHT, "font": FONT - 1, "bars": bars, "ticks": ticks, "top": top,
        "base": base, "plot_top": DAY_TOP, "axis_x": axis_x,
        "plot_start": WIDTH - DAY_AXIS - plot_width if rtl else DAY_AXIS,
        "plot_end": WIDTH - DAY_AXIS if rtl else DAY_AXIS + plot_width,
        "value_x": axis_x + 4 if rtl else axis_x - 4, "value_anchor": "start" if rtl else "end",
        "date_y": base + 16,
    }
