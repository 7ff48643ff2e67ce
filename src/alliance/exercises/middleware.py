"""Answers an open inbox's poll "nothing new" from its ticket (exercises/inbox_ticket.py), before sessions,
accounts and the actor are rebuilt. Anything else, and any poll this cannot answer (no ticket, an expired
or forged one, a session that ended, something new), goes on through the whole stack to the view."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone

from alliance.core import policy
from alliance.exercises.inbox_ticket import HEADER, session_digest, ticket_read


class InboxPollMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.path = None

    def __call__(self, request):
        if request.method == "GET":
            self.path = self.path or reverse("exercises:run_inbox_poll")
            if request.path_info == self.path and (answer := self._nothing_new(request)) is not None:
                return answer
        return self.get_response(request)

    @staticmethod
    def _nothing_new(request) -> HttpResponse | None:
        from alliance.exercises.services.injects import run_tick_throttled

        claims = ticket_read(request.headers.get(HEADER), max_age=policy.INBOX_TICKET_SECONDS)
        after = request.GET.get("after", "")
        if claims is None or not after.isascii() or not after.isdigit() or len(after) > 18:
            return None
        session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME, "")
        with connection.cursor() as cursor:
            # One statement for both facts: is the session alive, and the newest release of the team.
            cursor.execute(
                "SELECT (SELECT 1 FROM django_session WHERE session_key = %s AND expire_date > %s), "
                "(SELECT MAX(id) FROM exercises_injectrelease WHERE team_id = %s)",
                [session_key[:64], connection.ops.adapt_datetimefield_value(timezone.now()), claims["team"]])
            alive, newest = cursor.fetchone()
        if not policy.inbox_ticket_admits(ticket_session=claims.get("session", ""),
                                          session_digest=session_digest(session_key), session_alive=bool(alive)):
            return None
        # Only an admitted poll ticks the run; what that tick releases is news, for the view to show.
        if (newest or 0) > int(after) or run_tick_throttled(run_id=claims["run"]):
            return None
        response = HttpResponse(status=204)
        response["Cache-Control"] = "no-store"
        response["Pragma"] = "no-cache"
        return response
