"""The role-player's view, made for a phone: their card in their language and the next cue."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from alliance.exercises.selectors.runs import roleplayer_view_for


@login_required
@require_GET
def roleplayer(request, run_id: int):
    state = roleplayer_view_for(actor=request.actor, run_id=run_id)
    template = "exercises/runs/_cue.html" if request.headers.get("HX-Request") else "exercises/runs/roleplayer.html"
    return render(request, template, state)
