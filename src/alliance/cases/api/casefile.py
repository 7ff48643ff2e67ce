"""/api/v1/cases: The case file: timeline, tasks, notes, documents, support plan."""

from __future__ import annotations

from ninja import Router

router = Router(tags=["cases"])
