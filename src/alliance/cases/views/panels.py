"""The sections of the case page, in the order shown. Each area module offers `panel(request, view)`
returning a context with a "template" key, or None when the actor may not see that section."""

from __future__ import annotations

from alliance.cases.views import casefile, data_protection, details, referrals, transnational

PANELS = (details.panel, referrals.panel, casefile.panel, transnational.panel, data_protection.panel)


def panels_for(request, view) -> list[dict]:
    return [p for p in (build(request, view) for build in PANELS) if p]
