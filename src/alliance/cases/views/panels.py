"""The sections of the case page, in the order shown. Each area module offers `panel(request, view)`
returning a context with a "template" key, or None when the actor may not see that section. Each panel
belongs to one tab of the page (views/register.py TABS); the whole page shows them all."""

from __future__ import annotations

from alliance.cases.views import casefile, data_protection, details, referrals, transnational

PANELS = (("overview", details.panel), ("referrals", referrals.panel), ("casefile", casefile.panel),
          ("transnational", transnational.panel), ("data_protection", data_protection.panel))


def panels_for(request, view, tab: str | None = None) -> list[dict]:
    """The panels of one tab, or of every tab when `tab` is None."""
    built = (build(request, view) for name, build in PANELS if tab is None or name == tab)
    return [p for p in built if p]
