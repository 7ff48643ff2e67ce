"""Request-wide guards: body size, NUL characters, session lifetimes, no caching of pages, and service errors
as 404/403. The acting identity is attached by directory.middleware.ActorMiddleware: accounts and
memberships are the directory's, and core imports no other app."""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpResponse, JsonResponse

SESSION_STARTED = "alliance_started"
SESSION_SEEN = "alliance_seen"
SESSION_REALM = "alliance_realm"
SESSION_MEMBERSHIP = "alliance_membership"


def client_address(request) -> str:
    # Behind a proxy, configure the proxy to set REMOTE_ADDR (e.g. granian's --respect-forwarded headers);
    # X-Forwarded-For is not trusted here because any client can forge it.
    return request.META.get("REMOTE_ADDR", "")[:64]


class RequestSizeLimitMiddleware:
    """Refuse oversized bodies before anything reads them (Django's own limit skips file uploads)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.ALLIANCE_MAX_REQUEST_BYTES:
            return HttpResponse("Request body too large.", status=413, content_type="text/plain")
        return self.get_response(request)


class NulCharacterMiddleware:
    """Text never contains NUL: PostgreSQL refuses it (a server error), and SQLite would store a string that
    other tools cut short. Refused at the edge, in the query string and in non-file bodies."""

    MARKERS = (b"%00", b"\\u0000", b"\x00")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        query = request.META.get("QUERY_STRING", "").encode().lower()
        body = b""
        if not request.content_type.startswith("multipart/"):
            body = request.body.lower()
        if any(marker in query or marker in body for marker in self.MARKERS):
            if request.path.startswith("/api/"):
                return JsonResponse({"error": {"code": "bad_request", "message": "Text may not contain NUL "
                                               "characters.", "details": {}}}, status=400)
            return HttpResponse("Text may not contain NUL characters.", status=400, content_type="text/plain")
        return self.get_response(request)


def stamp_session(sender, request, user, **kwargs) -> None:
    """On every log-in (the log-in page, and Django's own `login()` wherever it is called): the stamps the
    lifetime checks read. Connected in core/apps.py."""
    if request is not None and hasattr(request, "session"):
        now = time.time()
        request.session[SESSION_STARTED] = now
        request.session[SESSION_SEEN] = now


class SessionLifetimeMiddleware:
    """Idle timeout and absolute lifetime (SECURITY.md, 7.3.1 and 7.3.2). A signed-in session without both
    stamps is expired too: its age is unknown, so it cannot be shown to be within either limit."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        session = request.session
        now = time.time()
        why = self._expired(session, now)
        if why:
            self._end(request, why)
        elif session.get(SESSION_STARTED) is not None and now - session[SESSION_SEEN] > 30:
            session[SESSION_SEEN] = now  # coarse, so that most requests do not write the session
        return self.get_response(request)

    @staticmethod
    def _expired(session, now: float) -> str:
        from django.contrib.auth import SESSION_KEY

        started, seen = session.get(SESSION_STARTED), session.get(SESSION_SEEN)
        if started is None and seen is None and SESSION_KEY not in session:
            return ""  # nobody signed in: nothing to end
        if not isinstance(started, int | float) or not isinstance(seen, int | float):
            return "no start stamp" if not isinstance(started, int | float) else "no activity stamp"
        if now - seen > settings.ALLIANCE_IDLE_TIMEOUT.total_seconds():
            return "idle timeout"
        if now - started > settings.ALLIANCE_SESSION_LIFETIME.total_seconds():
            return "absolute lifetime"
        return ""

    @staticmethod
    def _end(request, why: str) -> None:
        from django.contrib.auth import SESSION_KEY

        from alliance.core import audit

        user_id = request.session.get(SESSION_KEY)
        request.session.flush()
        request.session_expired = True
        if user_id is not None:
            user_id = int(user_id)
            audit.record(actor=None, action="logout", object_type="user", object_id=user_id, user_id=user_id,
                         address=client_address(request), reason=f"session expired: {why}")


class NoStoreMiddleware:
    """Pages and API answers may carry personal data: never cache them (SECURITY.md, 14.3.2)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response["Pragma"] = "no-cache"
        return response


class ServiceErrorMiddleware:
    """Pages answer a service's NotFound with 404 and Forbidden with 403, in one place, so a view that forgets
    to translate them still never shows a server error or tells missing from forbidden. (The API has its
    own handlers with the JSON error shape: config/api.py.) Validation errors stay with each view, which
    puts them on its form."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.core.exceptions import PermissionDenied
        from django.http import Http404

        from alliance.core.errors import Forbidden, NotFound

        if isinstance(exception, NotFound):
            raise Http404 from exception
        if isinstance(exception, Forbidden):
            raise PermissionDenied from exception
        return None
