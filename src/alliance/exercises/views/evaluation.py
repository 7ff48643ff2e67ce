"""The evaluation pages of a run: the controllers' live board (every team against every expected action,
its rows refreshed by HTMX polling, no inline script), the observer's rating form for a tablet, the decision
log and the debrief. Each takes the run's and the team's ids; core/policy/evaluation.py decides who sees them
(training co-ordinators, and the controllers and observers of that run).
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
from alliance.exercises.domain.scenario_package import text_in
from alliance.exercises.forms.evaluation import BoardForm, DebriefForm, DecisionLogForm, RatingForm
from alliance.exercises.selectors import evaluation as selectors
from alliance.exercises.services import evaluation as services

POLL_SECONDS = 5


def _require_evaluator(request) -> None:
    if not policy.may_open_evaluation(request.actor):
        raise Forbidden("evaluation.view")


def _board_context(request) -> dict:
    _require_evaluator(request)
    runs = selectors.evaluation_runs_for(actor=request.actor)
    form = BoardForm(request.GET or None, runs=runs)
    context = {"form": form, "board": None, "query": request.GET.urlencode(), "poll": POLL_SECONDS}
    if not form.is_bound or not form.is_valid():
        return context
    language = request.LANGUAGE_CODE
    board = selectors.board_for(actor=request.actor, run_id=form.cleaned_data["run"], language=language)
    context.update(board=board, teams=board.teams, run_id=board.run.pk,
                   columns=list(zip(board.teams, board.evaluations, strict=True)),
                   rows=[(row, text_in(row.text, language) if row.text else "") for row in board.rows],
                   log=selectors.decision_log_for(actor=request.actor, run_id=board.run.pk),
                   log_form=DecisionLogForm(initial={"run": board.run.pk}, teams=board.teams))
    return context


@login_required
@require_GET
def board(request):
    return render(request, "exercises/evaluation/board.html", _board_context(request))


@login_required
@require_GET
def board_rows(request):
    """The board's table alone, for the page's polling."""
    return render(request, "exercises/evaluation/_board_rows.html", _board_context(request))


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() and len(str(value)) < 18 else None


@login_required
@require_http_methods(["GET", "POST"])
def rate(request):
    """The observer's form: one capability target of one team of a run, the four HSEEP levels, notes."""
    source = request.POST if request.method == "POST" else request.GET
    run = selectors.evaluation_run_for(actor=request.actor, run_id=_int(source.get("run")), rate=True)
    team = selectors.team_of_run(run=run, team_id=_int(source.get("team")))
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in run.scenario.languages else run.language
    targets = [(t["id"], f"{t['id']}: {text_in(t['text'], language)}")
               for t in run.scenario.content["package.yaml"].get("capability_targets", [])]
    form = RatingForm(request.POST if request.method == "POST" else None, targets=targets,
                      initial={"run": run.pk, "team": team.pk})
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.observer_rating_record(
                actor=request.actor, run_id=run.pk, team_id=team.pk,
                capability_target=form.cleaned_data["capability_target"], rating=form.cleaned_data["rating"],
                notes=form.cleaned_data["notes"])
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            query = urlencode({"run": run.pk, "team": team.pk, "saved": saved.capability_target})
            return HttpResponseRedirect(f"{reverse('exercises:evaluation_rate')}?{query}", status=303)
    ratings = selectors.ratings_for(actor=request.actor, run_id=run.pk, team_id=team.pk)
    return render(request, "exercises/evaluation/rate.html",
                  {"form": form, "ratings": ratings, "run": run, "team": team,
                   "saved": request.GET.get("saved", "")[:63]})


@login_required
@require_POST
def log_add(request):
    """An entry in the run's decision log, from the board."""
    run = selectors.evaluation_run_for(actor=request.actor, run_id=_int(request.POST.get("run")), rate=True)
    form = DecisionLogForm(request.POST, teams=list(run.teams.all()))
    if form.is_valid():
        try:
            services.decision_log_add(actor=request.actor, run_id=run.pk, team_id=form.cleaned_data["team"],
                                      kind=form.cleaned_data["kind"], text=form.cleaned_data["text"])
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            query = urlencode({"run": run.pk})
            return HttpResponseRedirect(f"{reverse('exercises:evaluation_board')}?{query}", status=303)
    return render(request, "exercises/evaluation/log_refused.html", {"form": form, "now": timezone.now()})


def _debrief_context(request) -> dict:
    _require_evaluator(request)
    runs = selectors.evaluation_runs_for(actor=request.actor)
    form = DebriefForm(request.GET or None, runs=runs, teams=selectors.evaluation_teams_for(actor=request.actor))
    context = {"form": form, "debrief": None, "query": request.GET.urlencode()}
    if not form.is_bound or not form.is_valid():
        return context
    debrief = selectors.debrief_for(actor=request.actor, run_id=form.cleaned_data["run"],
                                    team_id=form.cleaned_data["team"], language=request.LANGUAGE_CODE)
    meta = debrief.package.content["package.yaml"]
    language = request.LANGUAGE_CODE if request.LANGUAGE_CODE in debrief.package.languages else meta["languages"][0]
    results = debrief.evaluation.results if debrief.evaluation else []
    score = debrief.evaluation.score if debrief.evaluation else None
    objectives = [{"id": o["id"], "text": o["text"].get(language, ""),
                   "tally": score.by_objective.get(o["id"]) if score else None,
                   "results": [r for r in results if r.objective == o["id"]]}
                  for o in meta.get("learning_objectives", [])]
    context.update(debrief=debrief, team=debrief.team, objectives=objectives, title=meta["title"].get(language, ""),
                   score=score)
    return context


@login_required
@require_GET
def debrief(request):
    """A team's debrief and after-action report: results by learning objective, the timeline of its key
    decisions beside the expected actions, the observers' ratings and the decision log."""
    return render(request, "exercises/evaluation/debrief.html", _debrief_context(request))


@login_required
@require_GET
def debrief_pdf(request):
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

    debrief, team, score = context["debrief"], context["team"], context["score"]
    line(_("After-action report"), 16)
    line(f"{context['title']} · {team.name}", 12)
    if score is not None:
        line(_("Expected actions met: %(met)d of %(total)d") % {"met": score.met, "total": score.total}, 11)
    else:
        line(_("The team's sandbox has been purged: its results are no longer computed."), 11)
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
