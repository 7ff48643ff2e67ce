"""/api/v1/cases: one router per part of the case file, all on the same selectors and services as the pages."""

from __future__ import annotations

from alliance.cases.api import casefile, data_protection, details, htcds, referrals, register, transnational

router = register.router
# Literal paths (/cases/referrals, /cases/import) never clash with /cases/{case_id}: ids are integers.
for _module in (details, htcds, referrals, casefile, transnational, data_protection):
    router.add_router("", _module.router)
