"""The REST API at /api/v1: one NinjaAPI, routers from each app, one error shape, two ways to log in."""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import HttpBearer, SessionAuth

from alliance.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from alliance.core.middleware import client_address


class BearerToken(HttpBearer):
    """Personal API token: the actor is rebuilt from the current membership on every call."""

    def authenticate(self, request, token):
        from alliance.directory.services import token_resolve

        found = token_resolve(raw=token, address=client_address(request))
        if found is None:
            # An unknown, expired or revoked token is an authentication failure, and audited as one.
            from alliance.core import audit

            audit.record(actor=None, action="failed_login", object_type="api_token",
                         address=client_address(request), reason="unusable token")
            return None
        request.actor = found.actor
        request.api_token = found
        return found.user


class BrowserSession(SessionAuth):
    """The web UI's own session (with CSRF), only once its second factor is satisfied."""

    def authenticate(self, request, key):
        if request.headers.get("Authorization"):
            return None  # a presented token decides alone: a bad one never falls back to the cookie
        user = super().authenticate(request, key)
        if user is None or getattr(request, "actor", None) is None or not request.actor.is_authenticated:
            return None
        from alliance.core.policy import second_factor_required
        from alliance.directory.selectors import second_factor_enrolled

        if not user.is_verified() and second_factor_required(request.actor,
                                                             enrolled=second_factor_enrolled(user=user)):
            return None
        request.api_token = None
        return user


api = NinjaAPI(
    title="Alliance API",
    version="1",
    description="Multi-agency platform against trafficking in human beings. Every call acts in one realm "
    "and is checked by the same access policy and audit as the web interface.",
    urls_namespace="api",
    auth=[BearerToken(), BrowserSession()],
)


def _error(request, status: int, code: str, message: str, details=None):
    return api.create_response(request, {"error": {"code": code, "message": message, "details": details or {}}},
                               status=status)


@api.exception_handler(SuspiciousOperation)
@api.exception_handler(MultiPartParserError)
def _malformed(request, exc):
    # A body Django refuses to parse (a broken multipart, too many fields, too large): the API answers in
    # its own JSON shape, not with Django's HTML 400 page. The reason stays out: it may echo the input.
    return _error(request, 400, "bad_request", "The request body could not be read.")


@api.exception_handler(NinjaValidationError)
def _invalid(request, exc):
    details: dict[str, list[str]] = {}
    for item in exc.errors:
        location = ".".join(str(p) for p in item.get("loc", []) if p not in ("body", "payload", "query"))
        details.setdefault(location or "__all__", []).append(item.get("msg", "invalid"))
    return _error(request, 422, "invalid", "The request is not valid.", details)


@api.exception_handler(ValidationFailed)
def _failed(request, exc):
    return _error(request, 422, "invalid", "The request is not valid.", exc.errors)


@api.exception_handler(Conflict)
def _conflict(request, exc):
    details = {"existing_id": [str(exc.existing_id)]} if exc.existing_id else {}
    if exc.field:
        details[exc.field] = [str(exc)]
    return _error(request, 409, "conflict", str(exc), details)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", "Log in or send a valid API token.")


@api.exception_handler(Forbidden)
def _forbidden(request, exc):
    from alliance.web.errors import record_denial

    record_denial(request)
    return _error(request, 403, "forbidden", "Your roles do not allow this action.")


@api.exception_handler(NotFound)
@api.exception_handler(Http404)
def _not_found(request, exc):
    return _error(request, 404, "not_found", "Not found.")


HTTP_CODES = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 409: "conflict",
              405: "method_not_allowed", 429: "too_many_requests"}


@api.exception_handler(HttpError)
def _http_error(request, exc):
    return _error(request, exc.status_code, HTTP_CODES.get(exc.status_code, "error"), str(exc))


def _register_routers() -> None:
    from alliance.cases.api import routers as cases_routers
    from alliance.core.api import router as core_router
    from alliance.directory.api import router as directory_router
    from alliance.exercises.api import routers as exercises_routers
    from alliance.investigations.api import routers as investigations_routers
    from alliance.screening.api import routers as screening_routers

    api.add_router("/", directory_router)
    for cases_router in cases_routers:
        api.add_router("/cases", cases_router)
    api.add_router("/", core_router)
    for prefix, screening_group in screening_routers.items():
        for screening_router in screening_group:
            api.add_router(prefix, screening_router)
    for investigations_router in investigations_routers:
        api.add_router("/investigations", investigations_router)
    for exercises_router in exercises_routers:
        api.add_router("/exercises", exercises_router)


_register_routers()
