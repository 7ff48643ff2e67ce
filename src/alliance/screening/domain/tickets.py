"""The interview ticket: the server's word for when an account got its copy of the interview.

A catalogue version retired while a phone was offline with it is still received (nothing lost), but only
from a copy the server handed out before the retirement: `started_at` is written by the phone and proves
nothing. The ticket is signed (Django's signing, SECRET_KEY), names the account, the realm and the catalogue
versions, and carries the time it was issued. It matters only for a retired version; a current version is
received with or without one, so collectors that never ask for a ticket keep working until a retirement.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core import signing
from django.utils import timezone

from alliance.core.actor import Actor

SALT = "alliance.screening.domain.interview-ticket"
# A page kept offline for up to 30 days, then an interview up to 30 days old (the submission window).
MAX_AGE = dt.timedelta(days=60)
MAX_LENGTH = 1000


def ticket_issue(actor: Actor, catalogues: Iterable) -> str:
    return signing.dumps({"u": actor.user_id, "r": actor.realm_id, "t": int(timezone.now().timestamp()),
                          "c": sorted([c.code, c.version] for c in catalogues)}, salt=SALT)


def ticket_read(actor: Actor, ticket) -> tuple[dt.datetime, set[tuple[str, str]]] | None:
    """(issued at, catalogue versions) of a ticket issued to this account in this realm within MAX_AGE, or
    None for anything else (missing, forged, another account's, too old)."""
    if not isinstance(ticket, str) or not ticket or len(ticket) > MAX_LENGTH:
        return None
    try:
        data = signing.loads(ticket, salt=SALT)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != actor.user_id or data.get("r") != actor.realm_id:
        return None
    try:
        issued = dt.datetime.fromtimestamp(int(data["t"]), tz=dt.UTC)
        versions = {(str(code), str(version)) for code, version in data["c"]}
    except (KeyError, TypeError, ValueError):
        return None
    if not timezone.now() - MAX_AGE <= issued <= timezone.now():
        return None
    return issued, versions
