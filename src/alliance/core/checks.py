"""Deployment checks that `alliance check` adds to Django's own `check --deploy`."""

from __future__ import annotations

import stat

from django.conf import settings
from django.core.checks import Error, Tags, Warning, register


@register(Tags.security, deploy=True)
def keys_outside_database(app_configs, **kwargs):
    import os

    from alliance.core.keyring import KeyRingError, keyring_path, load_keyring

    problems = []
    try:
        load_keyring()
    except KeyRingError as exc:
        problems.append(Error(str(exc), id="alliance.E001"))
    path = keyring_path()
    if not os.environ.get("ALLIANCE_KEYRING") and path.exists() and stat.S_IMODE(path.stat().st_mode) & 0o077:
        problems.append(Error(f"{path} must have mode 0600", id="alliance.E002"))
    if settings.PRODUCTION and not settings.ALLIANCE_REQUIRE_SECOND_FACTOR:
        problems.append(Warning("the second factor is not required in production", id="alliance.W001"))
    return problems
