"""The trainee's inbox in their team's sandbox. The page polls every second with the id of the newest
inject it shows and its ticket; "nothing new" is answered 204 by exercises/middleware.py in one query,
and what reaches this view gets the new items (if any) with a fresh ticket. Polling works on the
production server (granian, any number of workers) and offline on one laptop, where a long-lived event
stream would hold a worker per trainee."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from alliance.exercises.inbox_ticket import ticket_issue
from alliance.exercises.selectors.runs import inbox_evidence_for, inbox_for, team_of_actor
from alliance.exercises.services import injects


def _with_ticket(request, box: dict) -> dict:
    """The inbox as shown, with the ticket its next polls carry (exercises/inbox_ticket.py)."""
    return {**box, "poll_ticket": ticket_issue(session_key=request.session.session_key, team=box["team"])}


@login_required
@require_GET
def inbox(request):
    return render(request, "exercises/runs/inbox.html", _with_ticket(request, inbox_for(actor=request.actor)))


@login_required
@require_GET
def inbox_poll(request):
    try:
        after = int(request.GET.get("after", "0"))
    except ValueError:
        after = 0
    injects.run_tick_throttled(run_id=team_of_actor(actor=request.actor).run_id)
    # Without a valid ticket even "nothing new" is a (short) answer: it brings the page a fresh ticket.
    response = render(request, "exercises/runs/_inbox_items.html",
                      _with_ticket(request, inbox_for(actor=request.actor, after_id=after)))
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def inbox_read(request, release_id: int):
    injects.inject_mark_read(actor=request.actor, release_id=release_id)
    if request.htmx:  # the item's button turns into "Read"
        return render(request, "exercises/runs/_inbox_read.html", {"item": {"id": release_id, "read": True}})
    return redirect("exercises:run_inbox")


@login_required
@require_GET
def inbox_evidence(request, release_id: int, path: str):
    evidence = inbox_evidence_for(actor=request.actor, release_id=release_id, path=path)
    response = HttpResponse(bytes(evidence.data), content_type=evidence.media_type)
    response["Content-Disposition"] = f'attachment; filename="{evidence.path.rsplit("/", 1)[-1]}"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
