"""The after-action report and the certificates of participation as PDF (fpdf2), with the fonts the
programme report uses (views/reports.py PDF_FONTS: Cyrillic for the Russian editions); without one, the
core font with the text transliterated."""

from __future__ import annotations

from pathlib import Path

from anyascii import anyascii
from django.utils import translation
from django.utils.translation import gettext as _

from alliance.exercises.models import Rating
from alliance.exercises.views.reports import PDF_FONTS


class _Document:
    def __init__(self, orientation: str = "P"):
        from fpdf import FPDF

        self.pdf = FPDF(orientation=orientation, format="A4")
        self.pdf.set_auto_page_break(auto=True, margin=15)
        font = next((path for path in PDF_FONTS if Path(path).exists()), None)
        self.unicode = font is not None
        if font:
            self.pdf.add_font("Report", "", font)
        self.family = "Report" if font else "Helvetica"

    def text(self, value) -> str:
        return str(value) if self.unicode else anyascii(str(value))

    def line(self, value, size: int = 10, align: str = "L", gap: float = 0) -> None:
        self.pdf.set_font(self.family, size=size)
        self.pdf.multi_cell(0, size * 0.55, self.text(value), align=align, new_x="LMARGIN", new_y="NEXT")
        if gap:
            self.pdf.ln(gap)

    def output(self) -> bytes:
        return bytes(self.pdf.output())


def report_pdf(context: dict) -> bytes:
    doc = _Document()
    doc.pdf.add_page()
    run, overall = context["run"], context["overall"]
    ratings = dict(Rating.choices)
    doc.line(_("After-action report"), 16)
    doc.line(f"{context['title']} · {run.name}", 12, gap=2)
    if context["archived"]:
        doc.line(_("Archived: the sandboxes were purged; the teams' results were kept at archiving."), 9)
    doc.line(_("Expected actions met, all teams: %(met)d of %(total)d (%(percent)d%%)") % overall, 11, gap=2)
    doc.line(_("Results by learning objective"), 13)
    for o in context["objective_rows"]:
        tally = o["tally"]
        doc.line(f"{o['id']}: {o['text']} — {tally.get('met', 0)}/{tally.get('total', 0)} "
                 f"({tally.get('percent', 0)}%)", 10)
    doc.line(_("Every team against every expected action"), 13)
    for a in context["action_rows"]:
        doc.line(f"{a['id']} [{a['objective']}, {a['capability_target']}] {a['text']} — "
                 + _("met by %(met)d of %(teams)d teams") % {"met": a["tally"].get("met", 0),
                                                               "teams": a["tally"].get("teams", 0)}, 10)
    for team in context["teams"]:
        doc.pdf.add_page()
        doc.line(f"{team['name']}: {team['met']}/{team['total']}", 13)
        doc.line(_("Key decisions against the expected ones"), 11)
        for r in team["results"]:
            expected = _("expected by %(stamp)s") % {"stamp": r["expected"]} if r["expected"] else ""
            doc.line(f"{r['action_id']} {expected} — {r['reason']}", 9)
        doc.line(_("Timeline"), 11)
        for m in team["timeline"]:
            doc.line(f"{m['stamp']}  {m['what']}", 9)
        doc.line(_("Observers' ratings"), 11)
        for x in team["ratings"]:
            doc.line(f"{x['capability_target']}: {ratings.get(x['rating'], x['rating'])} {x['notes']}", 9)
        doc.line(_("Decision log"), 11)
        for e in team["log"]:
            doc.line(f"{e['at'][11:16]} {e['kind']}: {e['text']}", 9)
    doc.pdf.add_page()
    doc.line(_("Observations about the whole exercise"), 13)
    for e in context["log"]:
        doc.line(f"{e['at'][:16].replace('T', ' ')} {e['kind']}: {e['text']}", 9)
    feedback = context["feedback"]
    doc.line(_("Participants' feedback"), 13)
    if not feedback["shown"]:
        doc.line(_("%(count)d answers; shown from %(minimum)d answers on, so that no answer points to one "
                   "trainee.") % feedback, 9)
    for row in context["feedback_rows"]:
        doc.line(f"{row['label']}: {row['mean']} / 5", 10)
    for key, title in (("worked", _("What worked well")), ("improve", _("What to improve"))):
        if feedback[key]:
            doc.line(title, 11)
            for comment in feedback[key]:
                doc.line(f"— {comment}", 9)
    doc.line(_("Improvement plan"), 13)
    for i in context["improvements"]:
        who = ", ".join(x for x in (i.organisation.name if i.organisation else "",
                                    (i.owner.display_name if i.owner else "")) if x)
        due = _("due %(date)s") % {"date": f"{i.due_on:%Y-%m-%d}"}
        late = " — " + _("overdue") if i.overdue else ""
        doc.line(f"{i.finding} → {i.corrective_action} ({who}; {due}; {i.get_status_display()}{late})", 9)
    return doc.output()


def certificates_pdf(sheets: list[dict], *, verify_url: str = "") -> bytes:
    """One landscape page per certificate, in the run's language, with where to check its code."""
    doc = _Document(orientation="L")
    for sheet in sheets:
        with translation.override(sheet["language"]):
            doc.pdf.add_page()
            doc.pdf.ln(25)
            doc.line(_("Certificate of participation"), 26, align="C", gap=8)
            doc.line(_("This is to certify that"), 13, align="C", gap=3)
            doc.line(sheet["name"], 22, align="C", gap=5)
            doc.line(_("took part in the live simulation exercise"), 13, align="C", gap=2)
            doc.line(f"{sheet['scenario']} — {sheet['run']}", 15, align="C", gap=2)
            if sheet["programme"]:
                doc.line(f"{sheet['programme']}: {sheet['edition']}", 13, align="C")
            dates = " – ".join(d.isoformat() for d in (sheet["starts_on"], sheet["ends_on"]) if d)
            place = ", ".join(x for x in (sheet["venue"], dates) if x)
            if place:
                doc.line(place, 12, align="C", gap=15)
            doc.line(_("Verification code: %(code)s") % {"code": sheet["code"]}, 11, align="C")
            doc.line(_("Issued on %(date)s") % {"date": sheet["issued_at"].date().isoformat()}, 9, align="C")
            if verify_url:
                doc.line(_("Check it at %(url)s") % {"url": verify_url}, 9, align="C")
    if not sheets:
        doc.pdf.add_page()
        doc.line(_("No certificate has been issued."), 12)
    return doc.output()
