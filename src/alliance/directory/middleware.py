"""The acting identity of every page request, rebuilt from the directory (accounts, memberships, realms)."""

from __future__ import annotations

from django.contrib.auth import logout
from django.shortcuts import redirect

from alliance.core.policy import second_factor_required
from alliance.directory.selectors import actor_for_session, second_factor_enrolled


class ActorMiddleware:
    """Attach request.actor: the user, their active membership and realm, rebuilt on every request so
    that a change of rights or a deactivation applies at once. Enforce the second factor."""

    EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.actor = actor_for_session(request=request)
        user = request.user
        if user.is_authenticated and not user.is_verified() and not request.path.startswith(self.EXEMPT_PREFIXES):
            enrolled = second_factor_enrolled(user=user)
            # The same rule as the API's session (config/api.py): core/policy/session.py.
            if second_factor_required(request.actor, enrolled=enrolled):
                return redirect("web:otp_verify" if enrolled else "web:otp_setup")
        if request.user.is_authenticated and request.actor.user_id is None and not request.path.startswith(
            self.EXEMPT_PREFIXES
        ):
            # No active membership any more: end the session.
            logout(request)
            return redirect("web:login")
        return self.get_response(request)
