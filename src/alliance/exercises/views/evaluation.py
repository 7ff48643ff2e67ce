"""The evaluation pages: the controllers' live board (every team against every expected action, its rows
refreshed by HTMX polling, no inline script), the observer's rating form for a tablet, and the decision log.

Until exercise runs exist the board is told which scenario, which sandboxes and which start to use in its
query (ids and a time, nothing personal); once runs exist it takes them from the run.
"""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.core import policy
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.core.forms import apply_errors
from alliance.exercises.forms.evaluation import BoardForm, DebriefForm, DecisionLogForm, RatingForm
from alliance.exercises.selectors import evaluation as selectors
from alliance.exercises.services import evaluation as services

POLL_SECONDS = 5


def _require_evaluator(request) -> None:
    if not policy.may_evaluate_exercises(request.actor):
        raise Forbidden("evaluation.view")


def _board_context(request) -> dict:
    packages = selectors.evaluation_packages_for(actor=request.actor)
    realms = selectors.exercise_realms_for(actor=request.actor)
    form = BoardForm(request.GET or None, packages=packages, realms=realms)
    context = {"form": form, "board": None, "query": request.GET.urlencode(), "poll": POLL_SECONDS}
    if not form.is_bound or not form.is_valid():
        return context
    chosen = [r for r in realms if r.pk in form.cleaned_data["team"]]
    start = form.cleaned_data["start"] or min(r.created_at for r in chosen)
    package_id = form.cleaned_data["package"]
    context["board"] = selectors.board_for(actor=request.actor, package_id=package_id,
                                           realm_ids=[r.pk for r in chosen], started_at=start,
                                           finished=form.cleaned_data["finished"])
    context["teams"] = chosen
    language = request.LANGUAGE_CODE
    context["rows"] = [(row, row.text.get(language) or next(iter(row.text.values()), ""))
                       for row in context["board"].rows]
    context["package_id"] = package_id
    context["log"] = selectors.decision_log_for(actor=request.actor, package_id=package_id)
    context["log_form"] = DecisionLogForm(initial={"package": package_id})
    return context


@login_required
@require_GET
def board(request):
    _require_evaluator(request)
    return render(request, "exercises/evaluation/board.html", _board_context(request))


@login_required
@require_GET
def board_rows(request):
    """The board's table alone, for the page's polling."""
    _require_evaluator(request)
    return render(request, "exercises/evaluation/_board_rows.html", _board_context(request))


def _targets(request, package_id) -> list[tuple[str, str]]:
    if package_id is None:
        return []
    package = selectors.evaluation_package_for(actor=request.actor, package_id=package_id)
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in package.languages else package.languages[0]
    return [(t["id"], f"{t['id']}: {t['text'].get(language, '')}")
            for t in package.content["package.yaml"].get("capability_targets", [])]


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


@login_required
@require_http_methods(["GET", "POST"])
def rate(request):
    """The observer's form: one capability target of one team, the four HSEEP levels, notes."""
    if not policy.may_rate_exercises(request.actor):
        raise Forbidden("evaluation.rate")
    source = request.POST if request.method == "POST" else request.GET
    package_id, team = _int(source.get("package")), _int(source.get("team"))
    form = RatingForm(request.POST if request.method == "POST" else None, targets=_targets(request, package_id),
                      initial={"package": package_id, "team": team})
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.observer_rating_record(
                actor=request.actor, package_id=form.cleaned_data["package"], realm_id=form.cleaned_data["team"],
                capability_target=form.cleaned_data["capability_target"], rating=form.cleaned_data["rating"],
                notes=form.cleaned_data["notes"])
        except ValidationFailed as error:
            apply_errors(form, error)
    if saved is not None:
        query = urlencode({"package": saved.package_id, "team": saved.realm_id, "saved": saved.capability_target})
        return HttpResponseRedirect(f"{reverse('exercises:evaluation_rate')}?{query}", status=303)
    ratings = (selectors.ratings_for(actor=request.actor, package_id=package_id, realm_id=team)
               if package_id is not None and team is not None else [])
    return render(request, "exercises/evaluation/rate.html",
                  {"form": form, "ratings": ratings, "saved": request.GET.get("saved", "")[:63]})


@login_required
@require_POST
def log_add(request):
    """An entry in the decision log, from the board."""
    if not policy.may_rate_exercises(request.actor):
        raise Forbidden("evaluation.log")
    form = DecisionLogForm(request.POST)
    if form.is_valid():
        try:
            services.decision_log_add(actor=request.actor, package_id=form.cleaned_data["package"],
                                      realm_id=form.cleaned_data["team"], kind=form.cleaned_data["kind"],
                                      text=form.cleaned_data["text"])
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            back = request.POST.get("back", "")
            query = back if back and "\n" not in back and "//" not in back else ""
            return HttpResponseRedirect(f"{reverse('exercises:evaluation_board')}?{query}", status=303)
    return render(request, "exercises/evaluation/log_refused.html", {"form": form, "now": timezone.now()})


def _debrief_context(request) -> dict:
    packages = selectors.evaluation_packages_for(actor=request.actor)
    realms = selectors.exercise_realms_for(actor=request.actor)
    form = DebriefForm(request.GET or None, packages=packages, realms=realms)
    context = {"form": form, "debrief": None, "query": request.GET.urlencode()}
    if not form.is_bound or not form.is_valid():
        return context
    team = next(r for r in realms if r.pk == form.cleaned_data["team"])
    debrief = selectors.debrief_for(actor=request.actor, package_id=form.cleaned_data["package"], realm_id=team.pk,
                                    started_at=form.cleaned_data["start"] or team.created_at)
    meta = debrief.package.content["package.yaml"]
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in debrief.package.languages else meta["languages"][0]
    objectives = [{"id": o["id"], "text": o["text"].get(language, ""),
                   "tally": debrief.evaluation.score.by_objective.get(o["id"]),
                   "results": [r for r in debrief.evaluation.results if r.objective == o["id"]]}
                  for o in meta.get("learning_objectives", [])]
    context.update(debrief=debrief, team=team, objectives=objectives, title=meta["title"].get(language, ""))
    return context


@login_required
@require_GET
def debrief(request):
    """A team's debrief and after-action report: results by learning objective, the timeline of its key
    decisions beside the expected actions, the observers' ratings and the decision log."""
    _require_evaluator(request)
    return render(request, "exercises/evaluation/debrief.html", _debrief_context(request))


@login_required
@require_GET
def debrief_pdf(request):
    _require_evaluator(request)
    context = _debrief_context(request)
    if context["debrief"] is None:
        return render(request, "exercises/evaluation/debrief.html", context)
    response = HttpResponse(_pdf(context), content_type="application/pdf")
    response["Content-Disposition"] = 'attachment; filename="after-action-report.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


_FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _pdf(context) -> bytes:
    """The after-action report as PDF (fpdf2). A Unicode font where the system has one (Russian notes);
    otherwise the core font, with what it cannot draw replaced."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    unicode_font = _FONT.exists()
    if unicode_font:
        pdf.add_font("body", "", str(_FONT))
    family = "body" if unicode_font else "helvetica"

    def line(text: str, size: int = 10) -> None:
        text = str(text) if unicode_font else str(text).encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(family, size=size)
        pdf.multi_cell(0, size * 0.55, text, new_x="LMARGIN", new_y="NEXT")

    debrief, team = context["debrief"], context["team"]
    score = debrief.evaluation.score
    line(_("After-action report"), 16)
    line(f"{context['title']} · {team.name}", 12)
    line(_("Expected actions met: %(met)d of %(total)d") % {"met": score.met, "total": score.total}, 11)
    for objective in context["objectives"]:
        tally = objective["tally"]
        line(f"{objective['id']}: {objective['text']} ({tally.met if tally else 0}/{tally.total if tally else 0})", 11)
        for result in objective["results"]:
            line(f"  {result.action_id} [{result.capability_target}] {result.reason}", 9)
    line(_("Timeline"), 12)
    for moment in debrief.timeline:
        line(f"{moment.stamp}  {moment.what}", 9)
    line(_("Observers' ratings"), 12)
    for rating in debrief.ratings:
        line(f"{rating.capability_target}: {rating.get_rating_display()} {rating.notes or ''}", 9)
    line(_("Decision log"), 12)
    for entry in debrief.log:
        line(f"{entry.at:%H:%M} {entry.get_kind_display()}: {entry.text}", 9)
    return bytes(pdf.output())
