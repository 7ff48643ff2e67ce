"""Referrals and transfers between organisations: send, accept, decline, revoke, done; overdue notices.

A referral is a CaseShare that waits for its receiver (models.CaseShare). While it waits the receiver reads
the limited fields only, to decide (core/policy.py); accepted, it reads its scope. `revoked_at` marks the end
of a row's effect, whatever ended it (declined, revoked, done, or a transfer completed by the change of
owner), so that the one-active-share-per-organisation constraint lets the case be referred there again.

Every step is checked against TABLE (which steps each kind and status allow) and against the side the
actor's organisation is on: the receiver answers, the sender (or the case's owner, as its controller)
revokes. Each runs in a transaction on the locked row, is audited and notifies the other side.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import NoReturn

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain.checks import clean_text
from alliance.cases.domain.country_rules import rules_for
from alliance.cases.models import Case, CaseShare, Notification
from alliance.cases.services.notifications import members_where, notify
from alliance.cases.services.register import (
    case_for_sharing,
    record_sharing,
    refuse_if_anonymised,
    sharing_basis,
)
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.directory.models import Organisation

Kind, Status = CaseShare.Kind, CaseShare.Status
RECEIVER, SENDER = policy.RECEIVER, policy.SENDER
MAX_REASON = 2000
MAX_RESPONSE_DAYS = 366

# (kind, status) -> {step: next status}. Anything not listed is refused: declined, revoked and done are final,
# and an accepted transfer is complete (the receiver owns the case).
TABLE: dict[tuple[str, str], dict[str, str]] = {
    (Kind.REFERRAL, Status.PENDING): {"accept": Status.ACCEPTED, "decline": Status.DECLINED,
                                      "revoke": Status.REVOKED},
    (Kind.REFERRAL, Status.ACCEPTED): {"done": Status.DONE, "revoke": Status.REVOKED},
    (Kind.TRANSFER, Status.PENDING): {"accept": Status.ACCEPTED, "decline": Status.DECLINED,
                                      "revoke": Status.REVOKED},
    (Kind.SHARE, Status.ACCEPTED): {"revoke": Status.REVOKED},
}


@dataclass(frozen=True)
class Step:
    name: str
    side: str  # whose organisation takes it
    needs_reason: bool
    notice: str  # Notification.Kind sent to the other side


STEPS = {
    "accept": Step("accept", RECEIVER, False, Notification.Kind.REFERRAL_ACCEPTED),
    "decline": Step("decline", RECEIVER, True, Notification.Kind.REFERRAL_DECLINED),
    "done": Step("done", RECEIVER, False, Notification.Kind.REFERRAL_DONE),
    "revoke": Step("revoke", SENDER, True, Notification.Kind.REFERRAL_REVOKED),
}


def steps_for(*, actor: Actor, share: CaseShare, case_visible: bool | None = None) -> list[str]:
    """The steps this actor may take on this share now: what the pages offer, by the same rules. A list
    that already knows whether the actor may view the case passes `case_visible` (policy.CASE.scope)."""
    side = policy.referral_side(actor, share)
    if side is None or not policy.may_act_for_side(actor, side):
        return []
    steps = [name for name in TABLE.get((share.kind, share.status), {}) if STEPS[name].side == side]
    if steps and side == RECEIVER:
        visible = policy.CASE.can(actor, R.CASE_VIEW, share.case) if case_visible is None else case_visible
        return steps if visible else []
    return steps


def _default_respond_by(case: Case, today: dt.date) -> dt.date:
    rules = rules_for(case.country)
    return rules.add_working_days(today, rules.referral_response_working_days)


def case_refer(
    *, actor: Actor, case_id: int, organisation_id: int, kind: str = Kind.REFERRAL, scope: str, purpose: str,
    respond_by: dt.date | None = None, legal_basis: str = "",
) -> CaseShare:
    """Refer (or transfer) a case to another organisation, which accepts or declines it. The same consent
    gate as a share; the answer is due by `respond_by`, by default the country profile's working days."""
    case = case_for_sharing(actor=actor, case_id=case_id, reason="case.refer")
    try:
        with transaction.atomic():
            # Locked, so two transfers of one case cannot both be sent at once.
            case = Case.objects.select_for_update().get(pk=case.pk)
            consent, legal_basis, purpose, respond_by = _validate(actor, case, organisation_id, kind, scope,
                                                                  purpose, respond_by, legal_basis)
            share = CaseShare.objects.create(
                case=case, organisation_id=organisation_id, scope=scope, purpose=purpose, kind=kind,
                status=Status.PENDING, from_organisation_id=actor.organisation_id, granted_by_id=actor.user_id,
                consent=consent, legal_basis=legal_basis, respond_by=respond_by,
            )
            record_sharing(actor=actor, share=share)
            notify(realm_id=case.realm_id, kind=Notification.Kind.REFERRAL_RECEIVED, case=case, share=share,
                   user_ids=_answerers(organisation_id, case.realm_id, but=actor))
    except IntegrityError:
        # Someone else referred it there a moment ago (cases_one_active_share).
        raise ValidationFailed({"organisation": [_("The case is already shared with or referred to this "
                                                   "organisation.")]}) from None
    return share


def _check_first_responder(actor: Actor, case: Case, errors: dict) -> None:
    """Who may refer is the country's law (country profile: first-responder sectors); a prosecutor's office
    or a court shares a case, it does not refer a person into the NRM."""
    rules = rules_for(case.country)
    sector = Organisation.objects.filter(pk=actor.organisation_id).values_list("sector", flat=True).first()
    if sector not in rules.first_responder_sectors:
        labels = dict(Organisation.Sector.choices)
        errors.setdefault("kind", []).append(
            _("Under the %(country)s profile only first responders refer a person: %(sectors)s.") % {
                "country": rules.name,
                "sectors": ", ".join(str(labels.get(s, s)) for s in sorted(rules.first_responder_sectors))})


def _validate(actor: Actor, case: Case, organisation_id: int, kind: str, scope: str, purpose: str,
              respond_by: dt.date | None, legal_basis: str):
    errors: dict[str, list[str]] = {}
    if kind not in (Kind.REFERRAL, Kind.TRANSFER):
        errors["kind"] = [_("Choose a referral or a transfer.")]
    if scope not in CaseShare.Scope.values:
        errors["scope"] = [_("Choose full or limited.")]
    elif kind == Kind.TRANSFER and scope != CaseShare.Scope.FULL:
        errors["scope"] = [_("A transfer hands over the whole case: choose the full scope.")]
    purpose = clean_text(purpose, "purpose", required=True, max_length=300, errors=errors)
    today = timezone.localdate()
    if respond_by is not None and respond_by < today:
        errors["respond_by"] = [_("The answer cannot be due in the past.")]
    elif respond_by is not None and respond_by > today + dt.timedelta(days=MAX_RESPONSE_DAYS):
        errors["respond_by"] = [_("Ask for an answer within %(n)d days.") % {"n": MAX_RESPONSE_DAYS}]
    _check_first_responder(actor, case, errors)
    consent, legal_basis = sharing_basis(actor=actor, case=case, organisation_id=organisation_id,
                                         legal_basis=legal_basis, errors=errors)
    if kind == Kind.TRANSFER and "organisation" not in errors and case.shares.filter(
            kind=Kind.TRANSFER, status=Status.PENDING, revoked_at__isnull=True).exists():
        errors["kind"] = [_("A transfer of this case is already waiting for its answer.")]
    if errors:
        raise ValidationFailed(errors)
    return consent, legal_basis, purpose, respond_by or _default_respond_by(case, today)


def referral_accept(*, actor: Actor, share_id: int) -> CaseShare:
    return _take(actor, share_id, "accept", "")


def referral_decline(*, actor: Actor, share_id: int, reason: str) -> CaseShare:
    return _take(actor, share_id, "decline", reason)


def referral_revoke(*, actor: Actor, share_id: int, reason: str) -> CaseShare:
    return _take(actor, share_id, "revoke", reason)


def referral_done(*, actor: Actor, share_id: int, reason: str = "") -> CaseShare:
    return _take(actor, share_id, "done", reason)


def _refusal(actor: Actor, share: CaseShare | None, step: Step) -> Exception | None:
    """Why the actor may not take the step on this share, if they may not: a non-party is told "not found",
    a party on the wrong side or without the role "forbidden" (core/policy/referral.py)."""
    if share is None or policy.referral_side(actor, share) is None:
        return NotFound("referral")
    live = step.name in TABLE.get((share.kind, share.status), {})
    visible = policy.CASE.can(actor, R.CASE_VIEW, share.case) if live else True
    if not policy.may_take_referral_step(actor, share, step_side=step.side, live=live, case_visible=visible):
        return Forbidden(f"referral.{step.name}")
    return None


def _refuse(actor: Actor, share_id: object, step: Step, refusal: Exception) -> NoReturn:
    audit.record(actor=actor, action="denied", object_type="referral", object_id=share_id,
                 reason=f"referral.{step.name}")
    raise refusal


def _take(actor: Actor, share_id: int, name: str, reason: str) -> CaseShare:
    step = STEPS[name]
    share = (CaseShare.objects.select_related("case").filter(pk=share_id, case__realm_id=actor.realm_id).first()
             if type(share_id) is int else None)
    # Decided before the transaction, so that a refusal's audit row is not rolled back with it; and again
    # on the locked row below, so that a share revoked or a case transferred meanwhile wins.
    refusal = _refusal(actor, share, step)
    if refusal is not None:
        _refuse(actor, share_id, step, refusal)
    refuse_if_anonymised(case=share.case)
    errors: dict[str, list[str]] = {}
    reason = clean_text(reason, "reason", required=step.needs_reason, max_length=MAX_REASON, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        # Locked, so two people answering at once cannot both move the same referral.
        share = CaseShare.objects.select_for_update().select_related("case").get(pk=share_id)
        refusal = _refusal(actor, share, step)
        if refusal is None:
            return _apply(actor, share, step, name, reason)
    _refuse(actor, share_id, step, refusal)


def _apply(actor: Actor, share: CaseShare, step: Step, name: str, reason: str) -> CaseShare:
    target = TABLE.get((share.kind, share.status), {}).get(name)
    if target is None:
        raise ValidationFailed({"status": [_("This step is not possible now (status: %(status)s).")
                                           % {"status": Status(share.status).label}]})
    now = timezone.now()
    share.status = target
    changed = ["status"]
    if step.side == RECEIVER and share.responded_at is None:  # the answer; who finished it is audited
        share.responded_at, share.responded_by_id = now, actor.user_id
        changed += ["responded_at", "responded_by"]
    if target == Status.DONE:
        share.done_at = now
        changed.append("done_at")
    if target in (Status.DECLINED, Status.REVOKED, Status.DONE) or share.kind == Kind.TRANSFER:
        share.revoked_at = now
        changed.append("revoked_at")
    if reason:
        share.response_reason = reason
        changed.append("response_reason")
    if share.kind == Kind.TRANSFER and target == Status.ACCEPTED:
        _hand_over(actor, share)
    share.save(update_fields=changed)
    audit.record(actor=actor, action="update", object_type="referral", object_id=share.pk,
                 fields=[f"share.{f}" for f in changed], reason=f"case {share.case_id}: {share.kind}.{name}")
    notify(realm_id=share.case.realm_id, kind=step.notice, case=share.case, share=share,
           user_ids=_other_side(share, step.side, actor))
    return share


def _hand_over(actor: Actor, share: CaseShare) -> None:
    """A transfer accepted: the receiver owns the case from now on, its consents travel with it, and the
    former owner keeps nothing unless the case is separately shared with it."""
    case = Case.objects.select_for_update().get(pk=share.case_id)
    if case.owner_organisation_id != (share.from_organisation_id or case.owner_organisation_id):
        raise ValidationFailed({"status": [_("The case has changed hands since this transfer was sent.")]})
    case.owner_organisation_id = share.organisation_id
    case.save(update_fields=["owner_organisation"])
    share.case = case
    audit.record(actor=actor, action="update", object_type="case", object_id=case.pk,
                 fields=["owner_organisation"], reason=f"transfer {share.pk} accepted")


def _answerers(organisation_id: int, realm_id: int, *, but: Actor | None = None) -> list[int]:
    found = members_where(organisation_id=organisation_id, granted=policy.may_answer, realm_id=realm_id)
    return [uid for uid in found if but is None or uid != but.user_id]


def _senders(share: CaseShare, realm_id: int, *, but: Actor | None = None) -> list[int]:
    sender = share.from_organisation_id or share.case.owner_organisation_id
    found = members_where(organisation_id=sender, granted=lambda actions: R.CASE_VIEW in actions, realm_id=realm_id)
    return [uid for uid in found if but is None or uid != but.user_id]


def _other_side(share: CaseShare, side: str, actor: Actor) -> list[int]:
    realm_id = share.case.realm_id
    if side == RECEIVER:
        return _senders(share, realm_id, but=actor)
    return _answerers(share.organisation_id, realm_id, but=actor)


def referrals_overdue_notify(*, today: dt.date | None = None) -> int:
    """Tell both sides, once per referral, that an answer is overdue. Returns how many referrals."""
    today = today or timezone.localdate()
    overdue = (CaseShare.objects.filter(status=Status.PENDING, revoked_at__isnull=True, respond_by__lt=today)
               .exclude(pk__in=Notification.objects.filter(kind=Notification.Kind.REFERRAL_OVERDUE,
                                                           share__isnull=False).values("share_id"))
               .values_list("pk", flat=True))
    told = 0
    for share_id in list(overdue[:1000]):
        with transaction.atomic():
            share = CaseShare.objects.select_for_update().select_related("case").get(pk=share_id)
            already = Notification.objects.filter(kind=Notification.Kind.REFERRAL_OVERDUE, share=share).exists()
            if share.status != Status.PENDING or already:
                continue  # answered, or told by a concurrent run, since the list was read
            realm_id = share.case.realm_id
            users = set(_answerers(share.organisation_id, realm_id)) | set(_senders(share, realm_id))
            notify(realm_id=realm_id, kind=Notification.Kind.REFERRAL_OVERDUE, case=share.case, share=share,
                   user_ids=users)
            told += 1
    return told
