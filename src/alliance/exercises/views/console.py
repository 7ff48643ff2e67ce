"""The control console: clock, MSEL per team, release by hand, warnings, cues, progress. Polled by HTMX."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from alliance.core import policy
from alliance.core.errors import ValidationFailed
from alliance.exercises.forms.runs import PaceForm, ReleaseForm
from alliance.exercises.selectors.runs import console_state_for, run_list_for
from alliance.exercises.services import injects, runs


@login_required
@require_GET
def run_list(request):
    return render(request, "exercises/runs/list.html", {"runs": run_list_for(actor=request.actor),
                                                        "may_manage": policy.may_manage_runs(request.actor)})


@login_required
@require_GET
def console(request, run_id: int):
    injects.run_tick_throttled(run_id=run_id)
    state = console_state_for(actor=request.actor, run_id=run_id)
    template = "exercises/runs/_console.html" if request.headers.get("HX-Request") else "exercises/runs/console.html"
    response = render(request, template, {**state, "pace_form": PaceForm(initial={"pace": state["run"].pace}),
                                          "may_manage": policy.may_manage_runs(request.actor)})
    response["Cache-Control"] = "no-store"
    return response


_CLOCK = {"start": runs.run_start, "pause": runs.run_pause, "resume": runs.run_resume, "finish": runs.run_finish}


@login_required
@require_POST
def clock(request, run_id: int, verb: str):
    if verb == "pace":
        form = PaceForm(request.POST)
        if not form.is_valid():
            raise ValidationFailed({"pace": [str(e) for e in form.errors.get("pace", [])]})
        runs.run_pace(actor=request.actor, run_id=run_id, pace=form.cleaned_data["pace"])
    elif verb in _CLOCK:
        _CLOCK[verb](actor=request.actor, run_id=run_id)
    else:
        raise ValidationFailed("unknown clock action")
    return redirect("exercises:run_console", run_id=run_id)


@login_required
@require_POST
def release(request, run_id: int):
    form = ReleaseForm(request.POST)
    if not form.is_valid():
        raise ValidationFailed("choose an inject")
    team = form.cleaned_data.get("team")
    injects.inject_release(actor=request.actor, run_id=run_id, inject_id=form.cleaned_data["inject"],
                           team_ids=[team] if team else None)
    return redirect("exercises:run_console", run_id=run_id)
