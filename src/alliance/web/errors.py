"""Clean error pages that reveal nothing about what exists."""

from django.shortcuts import render


def forbidden(request, exception=None):
    return render(request, "web/error.html", {"status": 403}, status=403)


def not_found(request, exception=None):
    return render(request, "web/error.html", {"status": 404}, status=404)


def server_error(request):
    return render(request, "web/error.html", {"status": 500}, status=500)
