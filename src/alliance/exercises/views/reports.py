"""The programme report: the page with its charts, the PDF and the CSV. Figures from
selectors.programmes.programme_report_for (counts only, audited there); charts from domain/report_charts.py."""

from __future__ import annotations

import io
from pathlib import Path

from anyascii import anyascii
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from alliance.core.spreadsheet import csv_attachment
from alliance.exercises.domain.report_charts import charts_for, render_png, render_svg
from alliance.exercises.models.programmes import GENDERS, PROFESSIONS, country_name
from alliance.exercises.selectors.programmes import programme_report_for

# A font with Cyrillic for the PDF; without one the PDF falls back to the core font, transliterated.
PDF_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
             "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
             "/usr/share/fonts/TTF/DejaVuSans.ttf")


def _labels():
    professions, genders = dict(PROFESSIONS), dict(GENDERS)
    return {"profession_label": lambda code: str(professions.get(code, code)),
            "gender_label": lambda code: str(genders.get(code, code)), "country_label": country_name}


@login_required
@require_GET
def programme_report(request, programme_id: int):
    report = programme_report_for(actor=request.actor, programme_id=programme_id)
    charts = charts_for(report, **_labels())
    # render_svg parses each SVG and refuses anything but drawing (domain/report_charts.safe_svg), which is
    # what makes it safe to put into the page as markup.
    drawn = [{"chart": chart, "svg": mark_safe(render_svg(chart.spec))} for chart in charts]
    return render(request, "exercises/programmes/report.html", {"report": report, "charts": drawn})


@login_required
@require_GET
def programme_report_csv(request, programme_id: int):
    report = programme_report_for(actor=request.actor, programme_id=programme_id, channel_reason="report csv")
    labels = _labels()
    rows: list[list[object]] = []
    for edition in report["editions"]:
        rows.append(["edition", edition["title"], edition["starts_on"].isoformat(), edition["applications"],
                     edition["selected"], edition["countries"], edition["groups"]])
    for kind, table, label in (("profession", report["by_profession"], labels["profession_label"]),
                               ("gender", report["by_gender"], labels["gender_label"]),
                               ("country", report["by_country"], labels["country_label"])):
        for code, count in table.items():
            rows.append([kind, f"{code} {label(code)}", "", "", count, "", ""])
    rows.append(["total", report["programme"]["title"], "", sum(e["applications"] for e in report["editions"]),
                 report["participants"], report["states"], report["groups"]])
    return csv_attachment(f"programme-{report['programme']['id']}-report.csv",
                          ["kind", "name", "starts_on", "applications", "selected_or_participants", "countries",
                           "groups"], rows)


def _pdf(report: dict, charts) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    font = next((path for path in PDF_FONTS if Path(path).exists()), None)
    if font:
        pdf.add_font("Report", "", font)
        bold = next((b for b in (font.replace("-Regular.ttf", "-Bold.ttf"), font.replace(".ttf", "-Bold.ttf"))
                     if b != font and Path(b).exists()), font)
        pdf.add_font("Report", "B", bold)  # table headings are bold
        pdf.set_font("Report", size=11)

        def text(value: str) -> str:
            return value
    else:
        pdf.set_font("Helvetica", size=11)

        def text(value: str) -> str:
            return anyascii(value)

    pdf.add_page()
    pdf.set_font_size(16)
    pdf.multi_cell(0, 8, text(report["programme"]["title"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font_size(12)
    pdf.multi_cell(0, 7, text(_("%(participants)s participants from %(states)s States in %(groups)s groups") % {
        "participants": report["participants"], "states": report["states"], "groups": report["groups"]}),
        new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font_size(10)
    headings = (_("Edition"), _("Applications"), _("Selected"), _("Countries"))
    with pdf.table(col_widths=(70, 30, 30, 30), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row([text(h) for h in headings])
        for e in report["editions"]:
            table.row([text(e["title"]), str(e["applications"]), str(e["selected"]), str(e["countries"])])
    for chart in charts:
        pdf.add_page()
        pdf.set_font_size(12)
        pdf.multi_cell(0, 7, text(chart.title), new_x="LMARGIN", new_y="NEXT")
        pdf.image(io.BytesIO(render_png(chart.spec)), w=170)
        pdf.ln(2)
        pdf.set_font_size(9)
        with pdf.table(first_row_as_headings=False) as table:
            for row in chart.rows:
                table.row([text(cell) for cell in row])
    return bytes(pdf.output())


@login_required
@require_GET
def programme_report_pdf(request, programme_id: int):
    report = programme_report_for(actor=request.actor, programme_id=programme_id, channel_reason="report pdf")
    charts = charts_for(report, **_labels())
    response = HttpResponse(_pdf(report, charts), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="programme-{report["programme"]["id"]}-report.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
