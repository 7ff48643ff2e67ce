"""Who may work with other installations (transnational referral, cases/services/transnational.py).

Sending a case abroad is the case policy's `case.send_abroad` (its owner, in the live realm:
core/policy/case.py); these rules cover the organisation's keys and partners and the packages received.
"""

from __future__ import annotations

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.base import may


def may_administer_transnational(actor: Actor) -> bool:
    """Keys and trusted partners: organisation admins and system administrators, for their own
    organisation, in the live realm."""
    return (actor.is_authenticated and actor.organisation_id is not None and not actor.realm_is_exercise
            and (actor.is_organisation_admin or actor.has_role(R.SYSTEM_ADMINISTRATOR)))


def may_receive_from_abroad(actor: Actor) -> bool:
    """Accepting a package opens a case in one's organisation: an import, for those whose role imports."""
    return (actor.is_authenticated and actor.organisation_id is not None and not actor.realm_is_exercise
            and may(actor, R.CASE_IMPORT))
