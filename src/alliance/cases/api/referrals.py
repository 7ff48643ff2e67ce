"""/api/v1/cases: Referrals and transfers: send, inbox, accept, decline, revoke, done; notifications."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cases"])
