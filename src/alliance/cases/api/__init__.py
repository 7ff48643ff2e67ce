"""/api/v1/cases: one router per part of the case file, all on the same selectors and services as the pages."""

from __future__ import annotations

from alliance.cases.api import casefile, data_protection, details, htcds, referrals, register, transnational

# Each is mounted at /cases (config/api.py), in this order. Django tries URL patterns in order and the
# register's /cases/{case_id} takes any one segment, so the areas' literal paths (/cases/referrals,
# /cases/notifications, /cases/packages) come before it.
routers = tuple(m.router for m in (details, htcds, referrals, casefile, transnational, data_protection, register))
