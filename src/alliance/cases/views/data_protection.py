"""Data-protection duties: access tab, subject-access export, retention and legal holds, duty to notify."""

from __future__ import annotations

urlpatterns: list = []


def panel(request, view) -> dict | None:
    """Context for this area's section of the case page (template in "template"), or None to show nothing."""
    return None
