"""The ticket an open inbox polls with. Every second, 251 trainees ask "anything after release N?" and the
answer is nearly always no. Rebuilding each one's actor for that (session, account, memberships, realms,
second factor, team: eleven queries and a full middleware stack) made the poll most of the server's work
under load. The page and every full poll answer carry a ticket signed with the server's key, naming the
team and a digest of the session it was issued to; InboxPollMiddleware answers "nothing new" on it with
one query, and everything else goes through the whole stack (core/policy/run.py says when a ticket
admits). The same pattern as a message bus kept in front of the application."""

from __future__ import annotations

import hashlib

from django.core import signing

SALT = "alliance.exercises.inbox-poll"
HEADER = "X-Inbox-Ticket"


def session_digest(session_key: str | None) -> str:
    return hashlib.sha256(session_key.encode()).hexdigest()[:32] if session_key else ""


def ticket_issue(*, session_key: str | None, team) -> str:
    return signing.TimestampSigner(salt=SALT).sign_object(
        {"team": team.pk, "run": team.run_id, "session": session_digest(session_key)})


def ticket_read(value: str | None, *, max_age: int) -> dict | None:
    """The ticket's claims, or None when it is missing, forged, malformed or older than max_age seconds."""
    if not value or len(value) > 512:
        return None
    try:
        claims = signing.TimestampSigner(salt=SALT).unsign_object(value, max_age=max_age)
    except (signing.BadSignature, ValueError):
        return None
    if not isinstance(claims, dict) or not all(type(claims.get(k)) is int for k in ("team", "run")):
        return None
    return claims
