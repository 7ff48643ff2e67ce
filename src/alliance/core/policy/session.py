"""When a signed-in user must pass a second factor before acting, for web pages and for the API's session
alike (SECURITY.md: roles that read personal data, where the profile demands it)."""

from __future__ import annotations

from django.conf import settings

from alliance.core.actor import Actor
from alliance.core.roles import PERSONAL_DATA_ROLES


def second_factor_required(actor: Actor, *, enrolled: bool) -> bool:
    """Once enrolled, always; otherwise where the deployment demands one of every role that reads personal
    data. A personal API token is issued from a session that passed this, and stands for it."""
    return enrolled or (bool(settings.ALLIANCE_REQUIRE_SECOND_FACTOR) and bool(actor.roles & PERSONAL_DATA_ROLES))
