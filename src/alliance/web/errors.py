"""Clean error pages that reveal nothing about what exists."""

from django.shortcuts import render


def forbidden(request, exception=None):
    record_denial(request)
    return render(request, "web/error.html", {"status": 403}, status=403)


def record_denial(request) -> None:
    """Every refused authorisation is audited (SECURITY.md, V16): which endpoint, never the data."""
    from alliance.core import audit

    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_authenticated:
        return
    match = getattr(request, "resolver_match", None)
    endpoint = match.view_name if match else request.path[:64]
    audit.record(actor=actor, action="denied", object_type="endpoint", object_id=endpoint[:64], reason="role")


def not_found(request, exception=None):
    return render(request, "web/error.html", {"status": 404}, status=404)


def server_error(request):
    return render(request, "web/error.html", {"status": 500}, status=500)
