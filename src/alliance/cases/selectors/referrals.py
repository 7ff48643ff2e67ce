"""Reads of referrals and notifications: the parties' own rows only, the pseudonym only where the case is
still visible to the reader, audited like every other list of cases."""

from __future__ import annotations

from django.db.models import Case as CaseWhen
from django.db.models import IntegerField, Q, QuerySet, Value, When
from django.utils import timezone

from alliance.cases.models import Case, CaseShare, Notification
from alliance.cases.selectors.register import shown_cases
from alliance.cases.services.referrals import steps_for
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden

BOXES = ("incoming", "outgoing", "overdue")
REFERRAL_KINDS = (CaseShare.Kind.REFERRAL, CaseShare.Kind.TRANSFER)
ROW_FIELDS = ("number", "pseudonym", "purpose", "response_reason")
MAX_ROWS = 500


def _row(actor: Actor, share: CaseShare, visible: set[int], today) -> dict:
    incoming = share.organisation_id == actor.organisation_id
    return {
        "id": share.pk, "case_id": share.case_id, "number": share.case.number,
        # Once the case is out of the reader's reach (declined, done, transferred away) the number stays as
        # the record of what happened; the pseudonym goes with the access.
        "pseudonym": share.case.pseudonym if share.case_id in visible else None,
        "case_visible": share.case_id in visible,
        "kind": share.kind, "kind_label": str(CaseShare.Kind(share.kind).label),
        "scope": share.scope, "scope_label": str(CaseShare.Scope(share.scope).label),
        "status": share.status, "status_label": str(CaseShare.Status(share.status).label),
        "organisation_id": share.organisation_id, "organisation": share.organisation.name,
        "from_organisation_id": share.from_organisation_id,
        "from_organisation": share.from_organisation.name if share.from_organisation else "",
        "direction": "incoming" if incoming else "outgoing",
        # What was said about the person travels with the case: out of view, the row keeps only its facts.
        "purpose": share.purpose if share.case_id in visible else "", "respond_by": share.respond_by,
        "overdue": share.status == CaseShare.Status.PENDING and share.respond_by is not None
        and share.respond_by < today,
        "granted_at": share.granted_at, "responded_at": share.responded_at, "done_at": share.done_at,
        "reason": (share.response_reason or "") if share.case_id in visible else "",
        "steps": steps_for(actor=actor, share=share, case_visible=share.case_id in visible),
    }


def _rows(actor: Actor, shares: list[CaseShare]) -> list[dict]:
    case_ids = {s.case_id for s in shares}
    visible = set(policy.CASE.scope(actor, R.CASE_VIEW).filter(pk__in=case_ids).values_list("pk", flat=True))
    today = timezone.localdate()
    return [_row(actor, share, visible, today) for share in shares]


def referral_row_for(*, actor: Actor, share: CaseShare) -> dict:
    """One referral as the lists show it, for the actor who just acted on it."""
    return _rows(actor, [share])[0]


def _base(actor: Actor) -> QuerySet:
    return CaseShare.objects.filter(case__realm_id=actor.realm_id).select_related(
        "case", "organisation", "from_organisation")


def referral_list_for(*, actor: Actor, box: str = "incoming", status: str | None = None) -> list[dict]:
    """The actor's organisation's referrals and transfers: received (incoming), sent (outgoing), or either
    way and waiting past their date (overdue). Waiting ones first, the most urgent on top."""
    if not policy.may(actor, R.CASE_LIST) or actor.organisation_id is None:
        raise Forbidden(R.CASE_LIST)
    mine = actor.organisation_id
    queryset = _base(actor).filter(kind__in=REFERRAL_KINDS)
    if box == "incoming":
        queryset = queryset.filter(organisation_id=mine)
    elif box == "outgoing":
        queryset = queryset.filter(from_organisation_id=mine)
    else:
        queryset = queryset.filter(Q(organisation_id=mine) | Q(from_organisation_id=mine),
                                   status=CaseShare.Status.PENDING, respond_by__lt=timezone.localdate())
    if status:
        queryset = queryset.filter(status=status)
    waiting_first = CaseWhen(When(status=CaseShare.Status.PENDING, then=Value(0)), default=Value(1),
                          output_field=IntegerField())
    shares = list(queryset.annotate(waiting=waiting_first)
                  .order_by("waiting", "respond_by", "-granted_at", "-id")[:MAX_ROWS])
    rows = _rows(actor, shares)
    audit.record(actor=actor, action="list", object_type="referral", fields=ROW_FIELDS,
                 reason=shown_cases(ids=(row["case_id"] for row in rows)))
    return rows


def case_referrals_for(*, actor: Actor, case: Case) -> list[dict]:
    """The referrals and shares of a case the actor already passed the gate for: all of them for the
    owner; for anyone else only those their own organisation sent or received."""
    queryset = _base(actor).filter(case=case).order_by("-granted_at", "-id")
    if not policy.CASE.can(actor, R.CASE_SHARE, case):
        queryset = queryset.filter(Q(organisation_id=actor.organisation_id)
                                   | Q(from_organisation_id=actor.organisation_id))
    rows = _rows(actor, list(queryset))
    if rows:
        audit.record(actor=actor, action="view", object_type="case", object_id=case.pk,
                     fields=["shares.purpose", "shares.response_reason"], reason=f"{len(rows)} referrals")
    return rows


def viewable_case_of(*, actor: Actor, share_id: int) -> int | None:
    """The id of the referral's case if the actor may open it now (where a page goes after a step)."""
    share = _base(actor).filter(pk=share_id).first()
    if share is None or not policy.CASE.can(actor, R.CASE_VIEW, share.case):
        return None
    return share.case_id


# --- Notifications ----------------------------------------------------------------------------------

def notifications_for(*, actor: Actor, unread_only: bool = False, limit: int = 200) -> list[dict]:
    """The actor's own notices in this realm. The text comes from the kind; the case by number only."""
    if not actor.is_authenticated:
        return []
    queryset = Notification.objects.filter(user_id=actor.user_id, realm_id=actor.realm_id).select_related("case")
    if unread_only:
        queryset = queryset.filter(read_at__isnull=True)
    return [notification_row(notice=n) for n in queryset[:limit]]


def notification_row(*, notice: Notification) -> dict:
    return {"id": notice.pk, "kind": notice.kind, "label": str(dict(Notification.Kind.choices).get(notice.kind,
                                                                                                   notice.kind)),
            "case_id": notice.case_id, "number": notice.case.number if notice.case else "",
            "share_id": notice.share_id, "created_at": notice.created_at, "read_at": notice.read_at}


def unread_count(*, actor: Actor) -> int:
    if actor is None or not actor.is_authenticated:
        return 0
    return Notification.objects.filter(user_id=actor.user_id, realm_id=actor.realm_id, read_at__isnull=True).count()
