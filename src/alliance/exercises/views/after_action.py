"""The after-action pages: the report of a run (HTML and PDF), its improvement plan (add, edit, CSV),
attendance and certificates for the run's controllers and co-ordinators; the feedback form and the
certificate for a trainee, and the trainee's own list of exercises. Thin: selectors and services decide."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from alliance.core import policy
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.forms import apply_errors
from alliance.core.spreadsheet import csv_attachment
from alliance.exercises.forms.after_action import AttendanceForm, FeedbackForm, ImprovementItemForm
from alliance.exercises.models import Rating
from alliance.exercises.models.after_action import FEEDBACK_QUESTIONS
from alliance.exercises.selectors import after_action as read
from alliance.exercises.services import after_action as services
from alliance.exercises.views.after_action_pdf import certificates_pdf, report_pdf


def _pdf_response(data: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response


def _certificates(request, found: list, filename: str) -> HttpResponse:
    return _pdf_response(certificates_pdf(read.certificate_sheets(certificates=found),
                                          verify_url=verify_url(request)), filename)


def verify_url(request) -> str:
    """Where a reader of the paper checks it: printed on every certificate."""
    return request.build_absolute_uri(reverse("exercises:certificate_verify"))


def _item_form(report: dict, data=None, initial=None) -> ImprovementItemForm:
    organisations, owners = read.improvement_choices()
    return ImprovementItemForm(data, initial=initial, objectives=report["objectives"], targets=report["targets"],
                               organisations=organisations, owners=owners)


def _context(report: dict, **extra) -> dict:
    labels = dict(FEEDBACK_QUESTIONS)
    objectives = [{**o, "tally": report["overall"]["by_objective"].get(o["id"], {})} for o in report["objectives"]]
    actions = [{**a, "tally": report["overall"]["by_action"].get(a["id"], {}),
                "per_team": [next((r for r in t["results"] if r["action_id"] == a["id"]), None)
                             for t in report["teams"]]} for a in report["actions"]]
    ratings = dict(Rating.choices)
    statuses = {"met": _("met"), "not_met": _("not met"), "not_yet": _("not yet")}
    for team in report["teams"]:
        for x in team["ratings"]:
            x["label"] = ratings.get(x["rating"], x["rating"])
        for r in team["results"]:
            r["status_label"] = statuses.get(r["status"], r["status"])
    feedback = [{"code": code, "label": labels[code], **stats}
                for code, stats in report["feedback"]["questions"].items()]
    return {**report, "objective_rows": objectives, "action_rows": actions, "feedback_rows": feedback, **extra}


@login_required
@require_GET
def report(request, run_id: int):
    found = read.after_action_report_for(actor=request.actor, run_id=run_id)
    return render(request, "exercises/after_action/report.html",
                  _context(found, item_form=_item_form(found) if found["may_keep"] else None))


@login_required
@require_GET
def report_pdf_download(request, run_id: int):
    found = read.after_action_report_for(actor=request.actor, run_id=run_id)
    return _pdf_response(report_pdf(_context(found)), f"after-action-report-run-{run_id}.pdf")


@login_required
@require_POST
def improvement_add(request, run_id: int):
    found = read.after_action_report_for(actor=request.actor, run_id=run_id)
    form = _item_form(found, request.POST)
    if form.is_valid():
        try:
            services.improvement_item_create(actor=request.actor, run_id=run_id, data=form.service_data())
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return redirect("exercises:aar", run_id=run_id)
    return render(request, "exercises/after_action/report.html", _context(found, item_form=form), status=400)


@login_required
@require_http_methods(["GET", "POST"])
def improvement_edit(request, run_id: int, item_id: int):
    found = read.after_action_report_for(actor=request.actor, run_id=run_id)
    item = next((i for i in found["improvements"] if i.pk == item_id), None)
    if item is None or not found["may_keep"]:
        raise NotFound("improvement_item")
    initial = {"finding": item.finding, "corrective_action": item.corrective_action, "objective": item.objective,
               "capability_target": item.capability_target, "organisation": item.organisation_id,
               "owner": item.owner_id, "due_on": item.due_on, "status": item.status,
               "completed_on": item.completed_on}
    form = _item_form(found, request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.improvement_item_update(actor=request.actor, item_id=item_id, data=form.service_data())
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return redirect("exercises:aar", run_id=run_id)
    return render(request, "exercises/after_action/item_edit.html", {"run": found["run"], "item": item, "form": form})


@login_required
@require_GET
def improvement_csv(request, run_id: int):
    found = read.after_action_report_for(actor=request.actor, run_id=run_id)
    read.improvement_plan_exported(actor=request.actor, run=found["run"])
    rows = [[i.pk, i.finding, i.corrective_action, i.objective, i.capability_target,
             i.organisation.name if i.organisation else "", (i.owner.display_name if i.owner else ""),
             i.due_on.isoformat(), i.status, i.completed_on.isoformat() if i.completed_on else "",
             "yes" if i.overdue else ""] for i in found["improvements"]]
    return csv_attachment(f"improvement-plan-run-{run_id}.csv",
                          ["id", "finding", "corrective_action", "objective", "capability_target", "organisation",
                           "owner", "due_on", "status", "completed_on", "overdue"], rows)


@login_required
@require_POST
def attendance(request, run_id: int):
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed({"trainee": ["Choose a trainee of this run."]})
    services.attendance_mark(actor=request.actor, run_id=run_id, trainee_id=form.cleaned_data["trainee"],
                             present=form.present_value())
    return redirect("exercises:aar", run_id=run_id)


@login_required
@require_POST
def certificates_issue(request, run_id: int):
    services.certificates_issue(actor=request.actor, run_id=run_id)
    return redirect("exercises:aar", run_id=run_id)


@login_required
@require_GET
def certificates_download(request, run_id: int):
    found = read.certificates_for(actor=request.actor, run_id=run_id)
    return _certificates(request, found, f"certificates-run-{run_id}.pdf")


@login_required
@require_GET
def certificate_download(request, run_id: int, trainee_id: int):
    found = read.certificates_for(actor=request.actor, run_id=run_id, trainee_id=trainee_id)
    return _certificates(request, found, f"certificate-run-{run_id}-{trainee_id}.pdf")


@login_required
@require_http_methods(["GET", "POST"])
def feedback(request, run_id: int):
    """The trainee's feedback form: once per run, changed until the run is archived."""
    run, own = read.feedback_own_for(actor=request.actor, run_id=run_id)
    initial = ({code: getattr(own, code) for code, _l in FEEDBACK_QUESTIONS} | {"worked": own.worked or "",
                                                                                "improve": own.improve or ""}
               if own else None)
    form = FeedbackForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.feedback_submit(actor=request.actor, run_id=run_id,
                                     ratings={code: data[code] for code, _l in FEEDBACK_QUESTIONS},
                                     worked=data["worked"], improve=data["improve"])
        except ValidationFailed as error:
            apply_errors(form, error)
        else:
            return redirect(f"{request.path}?saved=1")
    return render(request, "exercises/after_action/feedback.html",
                  {"run": run, "form": form, "own": own, "saved": request.GET.get("saved") == "1",
                   "open": policy.may_give_feedback(request.actor, run)})


@login_required
@require_GET
def my_certificate(request, run_id: int):
    certificate = read.certificate_own_for(actor=request.actor, run_id=run_id)
    return _certificates(request, [certificate], f"certificate-run-{run_id}.pdf")


@login_required
@require_GET
def my_exercises(request):
    return render(request, "exercises/after_action/mine.html", {"rows": read.runs_of_trainee(actor=request.actor)})


@require_GET
def certificate_verify(request):
    """Public: anyone with a certificate's code sees what it certifies (core/policy/after_action.py)."""
    code = request.GET.get("code", "")
    sheet = read.certificate_verified(actor=request.actor, code=code) if code else None
    return render(request, "exercises/after_action/certificate_verify.html",
                  {"code": code[:64], "asked": bool(code), "sheet": sheet})
