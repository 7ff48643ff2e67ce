"""Referrals and transfers: send, inbox, accept, decline, revoke, done; notifications."""

from __future__ import annotations

urlpatterns: list = []


def panel(request, view) -> dict | None:
    """Context for this area's section of the case page (template in "template"), or None to show nothing."""
    return None
