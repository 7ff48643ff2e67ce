"""What every page's shell needs: the actor, the realm banner and the navigation for the actor's rights."""

from __future__ import annotations

from alliance.core import policy
from alliance.core import roles as R


def shell(request) -> dict:
    actor = getattr(request, "actor", None)
    if actor is None or not actor.is_authenticated:
        return {"actor": actor}
    from alliance.cases.selectors.referrals import unread_count
    from alliance.cases.services import transnational
    from alliance.directory.selectors import memberships_of, realms_for

    # Read by the actor middleware for this request already, unless a view built the request without it.
    memberships = getattr(request, "session_memberships", None)
    memberships = memberships if memberships is not None else memberships_of(user=request.user)
    realms = getattr(request, "session_realms", None)
    realms = realms if realms is not None else realms_for(user=request.user, memberships=memberships)
    return {
        "unread_notifications": unread_count(actor=actor),
        "available_realms": realms,
        "memberships": memberships,
        "actor": actor,
        "current_realm": next((r for r in realms if r.pk == actor.realm_id), None),
        "nav": {
            "cases": policy.may(actor, R.CASE_LIST),
            "case_create": policy.may(actor, R.CASE_CREATE),
            "case_search": policy.may(actor, R.CASE_SEARCH),
            "audit": policy.may(actor, R.AUDIT_VIEW),
            "staff": policy.may(actor, R.STAFF_MANAGE),
            "packages": transnational.may_receive(actor),
            "package_admin": transnational.may_administer(actor),
            "htcds": policy.may(actor, R.CASE_IMPORT) or policy.may(actor, R.CASE_EXPORT),
            "screening": policy.may(actor, R.SCREENING_CONDUCT),
            "screening_dashboard": policy.may(actor, R.SCREENING_DASHBOARD),
            "catalogues": policy.may_edit_catalogues(actor),
            "programmes": policy.may(actor, R.PROGRAMME_MANAGE),
            "scenarios": policy.may_view_scenarios(actor),
            "investigations": policy.may(actor, R.INVESTIGATION_VIEW),
        },
        "role_labels": [R.role_label(r) for r in sorted(actor.roles)],
    }
