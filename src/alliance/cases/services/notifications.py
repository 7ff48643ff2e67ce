"""In-app notifications, and e-mail when a mail backend is configured.

A notice names the case by its number only; its text is built from the kind when shown, so neither the
database row nor the e-mail carries a personal value. E-mail goes out after the transaction commits, so
a rolled-back referral never announces itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from alliance.cases.models import Case, CaseShare, Notification
from alliance.core import roles as R
from alliance.directory.models import Membership, User

log = logging.getLogger(__name__)


def members_who_may(organisation_id: int, action: str) -> list[int]:
    """Active members of an organisation whose roles grant the action: who should hear of a referral."""
    rows = Membership.objects.filter(organisation_id=organisation_id, is_active=True,
                                     user__is_active=True).values_list("user_id", "roles")
    return sorted({user_id for user_id, roles in rows if action in R.actions_for(set(roles or []))})


def notify(*, realm_id: int, user_ids: Iterable[int], kind: str, case: Case | None = None,
           share: CaseShare | None = None) -> int:
    """Create one notice per user (inside the caller's transaction); returns how many."""
    user_ids = sorted(set(user_ids))
    Notification.objects.bulk_create(
        [Notification(realm_id=realm_id, user_id=uid, kind=kind, case=case, share=share) for uid in user_ids]
    )
    if user_ids and _mail_configured():
        number = case.number if case is not None else ""
        transaction.on_commit(lambda: _mail(user_ids, kind, number))
    return len(user_ids)


def _mail_configured() -> bool:
    return not settings.EMAIL_BACKEND.endswith(("console.EmailBackend", "dummy.EmailBackend"))


def _mail(user_ids: list[int], kind: str, number: str) -> None:
    label = dict(Notification.Kind.choices).get(kind, kind)
    subject = f"Alliance: {label} {number}".strip()
    body = _("Log in to Alliance to see it. This message holds no personal data by design.")
    for email in User.objects.filter(pk__in=user_ids).values_list("email", flat=True):
        try:
            send_mail(subject, body, None, [email])
        except OSError:
            log.warning("notification e-mail failed", extra={"kind": kind})
