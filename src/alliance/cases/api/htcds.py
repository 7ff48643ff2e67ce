"""/api/v1/cases: HTCDS import and export pages."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cases"])
