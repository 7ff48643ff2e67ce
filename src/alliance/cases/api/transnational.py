"""/api/v1/cases: Transnational referral: organisation keys, partners, send and receive sealed packages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cases"])
