"""In-app notifications, and e-mail when a mail backend is configured.

A notice names the case by its number only; its text is built from the kind when shown, so neither the
database row nor the e-mail carries a personal value. E-mail goes out after the transaction commits, so
a rolled-back referral never announces itself.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.models import Case, CaseShare, Notification
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import NotFound
from alliance.core.models import Realm
from alliance.directory.models import Membership, User

log = logging.getLogger(__name__)


def members_who_may(*, organisation_id: int, action: str, realm_id: int | None = None) -> list[int]:
    """Active members of an organisation whose roles grant the action: who should hear of a referral."""
    return members_where(organisation_id=organisation_id, granted=lambda actions: action in actions, realm_id=realm_id)


def members_where(*, organisation_id: int, granted: Callable[[frozenset[str]], bool],
                  realm_id: int | None = None) -> list[int]:
    """Active members whose rights in the realm pass `granted`, as Actor computes them: in the live realm
    (or with no realm named) exercise-only roles grant nothing; in an exercise realm only its participants
    count, so nobody hears of a case they could never open."""
    realm = Realm.objects.filter(pk=realm_id).first() if realm_id else None
    exercise = realm is not None and realm.is_exercise
    rows = Membership.objects.filter(organisation_id=organisation_id, is_active=True, user__is_active=True)
    if exercise:
        rows = rows.filter(user__exercise_realms=realm)
    found = set()
    for user_id, roles in rows.values_list("user_id", "roles"):
        roles = set(roles or [])
        if not exercise:
            roles -= R.EXERCISE_ONLY_ROLES
        if granted(R.actions_for(roles)):
            found.add(user_id)
    return sorted(found)


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


def notification_read(*, actor: Actor, notification_id: int) -> Notification:
    """Mark one of the actor's own notices read; anybody else's is "not found"."""
    found = Notification.objects.filter(pk=notification_id, user_id=actor.user_id, realm_id=actor.realm_id).first()
    if found is None or not actor.is_authenticated:
        raise NotFound("notification")
    if found.read_at is None:
        found.read_at = timezone.now()
        found.save(update_fields=["read_at"])
    return found


def notification_read_all(*, actor: Actor) -> int:
    if not actor.is_authenticated:
        return 0
    return Notification.objects.filter(user_id=actor.user_id, realm_id=actor.realm_id,
                                       read_at__isnull=True).update(read_at=timezone.now())
