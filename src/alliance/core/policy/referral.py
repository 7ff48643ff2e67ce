"""Who takes which step on a referral or share: the side their organisation is on, and their role.

The receiver answers (accept, decline, done); the sending side (whoever owns the case now) revokes. While a
referral waits, the receiver reads the case's limited fields only (core/policy/case.py), and may answer only
while it can still see the case through it. cases/services/referrals.py asks these questions before the
transaction and again on the locked row.
"""

from __future__ import annotations

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.base import may

RECEIVER, SENDER = "receiver", "sender"


def may_answer(actions: frozenset[str]) -> bool:
    """Roles that work cases answer referrals: they read the case and edit it or decide on it."""
    return R.CASE_VIEW in actions and bool({R.CASE_EDIT, R.CASE_DECIDE} & actions)


def referral_side(actor: Actor, share) -> str | None:
    """The side of a share (a cases.CaseShare with its case) the actor's organisation is on, if any. The
    sending side is whoever owns the case now: after a transfer the new owner answers for the shares made
    before it, and the former owner, which no longer sees the case, can no longer touch them."""
    if share.case.realm_id != actor.realm_id or actor.organisation_id is None:
        return None
    if share.organisation_id == actor.organisation_id:
        return RECEIVER
    if actor.organisation_id == share.case.owner_organisation_id:
        return SENDER
    return None


def may_act_for_side(actor: Actor, side: str) -> bool:
    if side == RECEIVER:
        return may_answer(actor.actions)
    return may(actor, R.CASE_SHARE)


def may_take_referral_step(actor: Actor, share, *, step_side: str, live: bool, case_visible: bool) -> bool:
    """A party on the step's side, with a role for it; the receiver of a live referral also needs the case
    in view through it (a share revoked or a consent withdrawn ends that)."""
    side = referral_side(actor, share)
    if side is None or side != step_side or not may_act_for_side(actor, side):
        return False
    return not (live and side == RECEIVER and not case_visible)
