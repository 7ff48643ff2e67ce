"""/api/v1/cases: HTCDS person details and victim context: edit pages and the case-page panel."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cases"])
