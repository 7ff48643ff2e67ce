"""Baseline for the API load test: the smallest WSGI application, served by the same granian setup."""

from __future__ import annotations

BODY = b'{"ok": true}'


def application(environ, start_response):
    start_response("200 OK", [("Content-Type", "application/json"), ("Content-Length", str(len(BODY)))])
    return [BODY]
