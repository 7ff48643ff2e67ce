"""/api/v1/cases: data-protection duties (access tab, subject-access export, retention, legal holds, notify)."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cases"])
