"""A page whose service says "not found" or "forbidden" answers 404 or 403, never a server error."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.test import RequestFactory

from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.core.middleware import ServiceErrorMiddleware


@pytest.mark.parametrize(("raised", "expected"), [(NotFound("case"), Http404),
                                                  (Forbidden("case.view"), PermissionDenied)])
def test_service_errors_become_http_errors(raised, expected):
    middleware = ServiceErrorMiddleware(lambda request: HttpResponse())
    with pytest.raises(expected):
        middleware.process_exception(RequestFactory().get("/"), raised)


def test_other_errors_are_left_to_django():
    middleware = ServiceErrorMiddleware(lambda request: HttpResponse())
    assert middleware.process_exception(RequestFactory().get("/"), ValidationFailed("x")) is None
