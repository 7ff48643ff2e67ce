"""Reads of screenings, through the access policy; reading the answers of one is audited."""

from __future__ import annotations

from django.db.models import QuerySet

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound
from alliance.screening.models import Screening

LIST_COLUMNS = ("id", "client_uuid", "finished_at", "received_at", "offline", "outcome", "urgent", "is_child",
                "age_group", "sex", "citizenship", "work_type", "indicators_present", "interviewee_language",
                "case_id", "referred_at", "created_by_id")


def screening_get(actor: Actor, screening_id: int, *, purpose: str = "") -> Screening:
    """One screening with its answers and explanation (decrypted): an audited read."""
    if not policy.may(actor, R.SCREENING_VIEW):
        raise Forbidden(R.SCREENING_VIEW)
    screening = (Screening.objects.select_related("case", "organisation").filter(pk=screening_id,
                                                                                realm_id=actor.realm_id).first())
    if screening is None or not policy.SCREENING.can(actor, R.SCREENING_VIEW, screening):
        audit.record(actor=actor, action="denied", object_type="screening", object_id=screening_id)
        raise NotFound("screening")
    audit.record(actor=actor, action="view", object_type="screening", object_id=screening.pk,
                 fields=["answers", "explanation"], reason=purpose)
    return screening


def screening_by_client_uuid(actor: Actor, client_uuid: str) -> Screening | None:
    """Whether a queued screening already arrived (the offline queue asks before it resends)."""
    if not policy.may(actor, R.SCREENING_VIEW):
        raise Forbidden(R.SCREENING_VIEW)
    return policy.SCREENING.scope(actor, R.SCREENING_VIEW).filter(client_uuid=client_uuid).only("id").first()


def screenings_recent(actor: Actor) -> QuerySet:
    """The organisation's screenings, newest first, as plain columns: no answers, so nothing to decrypt
    and no personal data read (a screening names nobody)."""
    if not policy.may(actor, R.SCREENING_VIEW):
        raise Forbidden(R.SCREENING_VIEW)
    return policy.SCREENING.scope(actor, R.SCREENING_VIEW).order_by("-finished_at", "-id").values(*LIST_COLUMNS)


def screenings_today_count(actor: Actor) -> int:
    from django.utils import timezone

    if not policy.may(actor, R.SCREENING_VIEW):
        return 0
    return policy.SCREENING.scope(actor, R.SCREENING_VIEW).filter(finished_at__date=timezone.localdate()).count()


def screening_list_audit(actor: Actor, ids: list[int]) -> None:
    """Which screenings a list showed (ids only), so a breach can be traced to the people concerned."""
    ids = list(ids)
    audit.record(actor=actor, action="list", object_type="screening", fields=list(LIST_COLUMNS),
                 reason=f"{len(ids)} screenings: " + ",".join(str(i) for i in ids))
