"""The owning organisation's duties as controller: legal holds, deletion, and the duty to notify.

Retention and anonymisation: services/retention.py. The access tab and the subject-access export are reads:
cases/selectors/data_protection.py and cases/selectors/subject_access.py.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain import deidentify
from alliance.cases.domain.country_rules import ProfileError, rules_for
from alliance.cases.models import Case, CaseShare, Consent, DutyNotification, Person, TransnationalPackage
from alliance.cases.selectors.data_protection import case_for_controller
from alliance.cases.services.retention import MIN_JUSTIFICATION
from alliance.cases.signals import case_erasing, replies
from alliance.core import audit
from alliance.core.actor import Actor
from alliance.core.errors import ValidationFailed

MAX_HOLD_REASON = 300
# Consent to any of these is consent to referral: the case is referred, not anonymously notified.
REFERRAL_CONSENTS = (Consent.Purpose.ASSISTANCE, Consent.Purpose.SHARE_ORGANISATION, Consent.Purpose.SHARE_SECTOR)


def _hold_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": [_("Give the reason for the legal hold.")]})
    if len(reason) > MAX_HOLD_REASON:
        raise ValidationFailed({"reason": [_("At most %(n)d characters.") % {"n": MAX_HOLD_REASON}]})
    return reason


def legal_hold_set(*, actor: Actor, case_id: int, reason: str) -> Case:
    """Keep the case whole past its retention period (proceedings, an inquiry, a complaint)."""
    case = case_for_controller(actor=actor, case_id=case_id, what="legal_hold")
    reason = _hold_reason(reason)
    if case.anonymised_at is not None:
        raise ValidationFailed({"legal_hold": [_("This case is already anonymised: there is nothing left to hold.")]})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        case.legal_hold, case.legal_hold_reason, case.legal_hold_by_id = True, reason, actor.user_id
        case.save(update_fields=["legal_hold", "legal_hold_reason", "legal_hold_by"])
        audit.record(actor=actor, action="update", object_type="case", object_id=case.pk,
                     fields=["legal_hold", "legal_hold_reason", "legal_hold_by"], reason=f"legal hold: {reason}")
    return case


def legal_hold_clear(*, actor: Actor, case_id: int, reason: str) -> Case:
    """Release the hold; retention applies again from the next run. Releasing no hold changes nothing."""
    case = case_for_controller(actor=actor, case_id=case_id, what="legal_hold")
    reason = _hold_reason(reason)
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if not case.legal_hold:
            return case
        case.legal_hold, case.legal_hold_reason, case.legal_hold_by_id = False, "", None
        case.save(update_fields=["legal_hold", "legal_hold_reason", "legal_hold_by"])
        audit.record(actor=actor, action="update", object_type="case", object_id=case.pk,
                     fields=["legal_hold", "legal_hold_reason", "legal_hold_by"],
                     reason=f"legal hold released: {reason}")
    return case


def case_delete(*, actor: Actor, case_id: int, justification: str) -> bool:
    """Remove the case and every row of it, and the person when no other case refers to them. The audit
    chain stays whole: its rows hold ids and field names, and the deletion is one more row. Returns
    whether the person was removed too."""
    case = case_for_controller(actor=actor, case_id=case_id, what="delete")
    justification = (justification or "").strip()
    if len(justification) < MIN_JUSTIFICATION:
        raise ValidationFailed({"justification": [
            _("State the legal basis and reason in at least %(n)d characters.") % {"n": MIN_JUSTIFICATION}]})
    if len(justification) > 2000:
        raise ValidationFailed({"justification": [_("At most %(n)d characters.") % {"n": 2000}]})
    with transaction.atomic():
        case = Case.objects.select_for_update().get(pk=case.pk)
        if case.legal_hold:
            raise ValidationFailed({"legal_hold": [_("A legal hold stands on this case: it cannot be deleted.")]})
        person_id = case.person_id
        # A package row outlives the case (its record of what travelled); its sealed content does not.
        TransnationalPackage.objects.filter(case=case).update(sealed=b"")
        # Shares first: each protects the consent it rests on, which the case's own cascade would remove.
        CaseShare.objects.filter(case=case).delete()
        # The screening the case came from holds the same person's answers: erased with it (by its app).
        erased_elsewhere = replies(case_erasing, case=case)
        case.delete()
        person_removed = not Case.objects.filter(person_id=person_id).exists()
        if person_removed:
            Person.objects.filter(pk=person_id).delete()
        audit.record(actor=actor, action="delete", object_type="case", object_id=case_id,
                     fields=(["case", "person"] if person_removed else ["case"])
                     + sorted(set(erased_elsewhere)),
                     reason=f"person {person_id} {'removed' if person_removed else 'kept'}; {justification}")
    return person_removed


# --- The duty to notify --------------------------------------------------------------------------------

def _is_adult(case: Case) -> bool:
    if case.is_child:
        return False
    if case.person.birth_date:
        try:
            return deidentify.age_on(dt.date.fromisoformat(case.person.birth_date), timezone.localdate()) >= 18
        except ValueError:
            return True
    return True


def duty_to_notify_blockers(*, case: Case) -> list[str]:
    """Why no anonymous notification may be sent for this case; empty when one may."""
    try:
        rules = rules_for(case.country)
    except ProfileError:
        return [_("No NRM country profile exists for this country.")]
    blockers = []
    if not rules.duty_to_notify_required:
        blockers.append(_("The %(country)s profile has no duty to notify.") % {"country": rules.name})
    if case.anonymised_at is not None:
        blockers.append(_("This case is anonymised."))
    if not _is_adult(case):
        blockers.append(_("A child is always referred: an anonymous notification is only for adults."))
    if case.consents.filter(purpose__in=REFERRAL_CONSENTS, withdrawn_on__isnull=True).exists():
        blockers.append(_("The person consented to referral: refer the case instead."))
    sent = case.duty_notifications.order_by("sent_at").first()
    if sent is not None:
        blockers.append(_("The notification was already sent on %(date)s.") % {"date": sent.sent_at.date()})
    return blockers


def duty_notification_send(*, actor: Actor, case_id: int) -> DutyNotification:
    """An adult who does not consent to referral is counted, not named: the authority receives categories,
    a month and country codes only (cases/domain/deidentify.py)."""
    case = case_for_controller(actor=actor, case_id=case_id, what="duty_notification")
    with transaction.atomic():
        case = Case.objects.select_for_update().select_related("person").get(pk=case.pk)
        blockers = duty_to_notify_blockers(case=case)
        if blockers:
            raise ValidationFailed({"duty_to_notify": blockers})
        authority = rules_for(case.country).duty_to_notify_authority
        payload = deidentify.anonymous_notification(case)
        notification = DutyNotification.objects.create(case=case, authority=authority, payload=payload,
                                                       sent_by_id=actor.user_id)
        audit.record(actor=actor, action="create", object_type="duty_notification", object_id=notification.pk,
                     fields=payload.keys(), reason=f"case {case.pk}")
    return notification
