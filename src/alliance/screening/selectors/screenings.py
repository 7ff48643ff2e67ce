"""Reads of screenings, through the access policy; reading the answers of one is audited."""

from __future__ import annotations

from django.db import transaction
from django.db.models import QuerySet

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound
from alliance.screening.models import Screening

LIST_COLUMNS = ("id", "client_uuid", "finished_at", "received_at", "offline", "outcome", "urgent", "is_child",
                "age_group", "sex", "citizenship", "work_type", "indicators_present", "interviewee_language",
                "case_id", "referred_at", "created_by_id")


def screening_access_or_none(*, actor: Actor, screening_id: object, action: str = R.SCREENING_VIEW,
                             lock: bool = False) -> Screening | None:
    """The gate's decision without the refusal, alike in cost for missing and forbidden. With
    lock=True (inside the caller's transaction) the row is locked before the decision."""
    if type(screening_id) is not int:
        return None
    if lock and not transaction.get_connection().in_atomic_block:
        raise RuntimeError("locking a screening needs a transaction")
    screenings = Screening.objects.select_related("case", "organisation")
    if lock:
        screenings = screenings.select_for_update(of=("self",))
    found = list(screenings.filter(pk=screening_id, realm_id=actor.realm_id)[:1])
    # A missing screening is asked what a forbidden one is, on a stand-in, so both cost the same.
    screening = found[0] if found else Screening(pk=screening_id, realm_id=actor.realm_id)
    return screening if policy.SCREENING.can(actor, action, screening) and found else None


def screening_get_for(*, actor: Actor, screening_id: object, action: str = R.SCREENING_VIEW, purpose: str = "",
                      what: str = "") -> Screening:
    """The one gate of the Screening type: one screening with its answers and explanation (decrypted), an
    audited read. A role that may not read screenings at all is "forbidden"; a missing, other-realm or
    other-organisation screening, or an id that is not an integer, "not found"; both refusals audited."""
    if not policy.may(actor, action):
        audit.record(actor=actor, action="denied", object_type="screening", object_id=screening_id,
                     reason=what or action)
        raise Forbidden(action)
    screening = screening_access_or_none(actor=actor, screening_id=screening_id, action=action)
    if screening is None:
        audit.record(actor=actor, action="denied", object_type="screening", object_id=screening_id,
                     reason=what or action)
        raise NotFound("screening")
    audit.record(actor=actor, action="view", object_type="screening", object_id=screening.pk,
                 fields=["answers", "explanation"], reason=purpose)
    return screening


def screening_by_client_uuid(*, actor: Actor, client_uuid: str) -> Screening | None:
    """Whether a queued screening already arrived (the offline queue asks before it resends)."""
    if not policy.may(actor, R.SCREENING_VIEW):
        raise Forbidden(R.SCREENING_VIEW)
    return policy.SCREENING.scope(actor, R.SCREENING_VIEW).filter(client_uuid=client_uuid).only("id").first()


def screenings_recent(*, actor: Actor) -> QuerySet:
    """The organisation's screenings, newest first, as plain columns: no answers, so nothing to decrypt
    and no personal data read (a screening names nobody)."""
    if not policy.may(actor, R.SCREENING_VIEW):
        raise Forbidden(R.SCREENING_VIEW)
    return policy.SCREENING.scope(actor, R.SCREENING_VIEW).order_by("-finished_at", "-id").values(*LIST_COLUMNS)


def screenings_today_count(*, actor: Actor) -> int:
    from django.utils import timezone

    if not policy.may(actor, R.SCREENING_VIEW):
        return 0
    return policy.SCREENING.scope(actor, R.SCREENING_VIEW).filter(finished_at__date=timezone.localdate()).count()


def screening_list_audit(*, actor: Actor, ids: list[int]) -> None:
    """Which screenings a list showed (ids only), so a breach can be traced to the people concerned."""
    ids = list(ids)
    audit.record(actor=actor, action="list", object_type="screening", fields=list(LIST_COLUMNS),
                 reason=f"{len(ids)} screenings: " + ",".join(str(i) for i in ids))


def screening_timeline_of_case(*, case, **_signal) -> list[tuple]:
    """For the case's timeline (cases/signals.py), read by someone its gate let through: the screening at
    reception the case came from, by its outcome band, never its answers."""
    from django.utils.translation import gettext as _

    return [(s.finished_at, "screening", s.organisation.name if s.organisation else "",
             (s.created_by.display_name or "") if s.created_by else "",
             _("Screening at reception: %(outcome)s") % {"outcome": s.get_outcome_display()})
            for s in Screening.objects.filter(case=case).select_related("organisation", "created_by")]
