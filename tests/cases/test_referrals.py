"""Referrals and transfers: every refusal, each lifecycle step and what it changes, the notices each sends."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.utils import timezone

from alliance.cases.models import Case, CaseShare, Consent, Notification
from alliance.cases.selectors.register import case_view_for
from alliance.cases.services import case_create, case_share, consent_record, consent_withdraw
from alliance.cases.services.referrals import (
    case_refer,
    referral_accept,
    referral_decline,
    referral_done,
    referral_revoke,
    referrals_overdue_notify,
)
from alliance.cases.tasks import notify_overdue_referrals
from alliance.core import roles as R
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from tests import factories

SECRETS = ("Mariam", "Haddad", "DL-778899")
TODAY = timezone.localdate


@pytest.fixture
def desk(db):
    police = factories.organisation("Dreamland Police", sector="law_enforcement")
    shelter = factories.organisation("Safe Harbour", sector="ngo")
    social = factories.organisation("Child Protection", sector="social_services")
    elsewhere = factories.organisation("Elsewhere", sector="ngo")
    people = {
        "officer": factories.member(police, [R.FRONTLINE_RESPONDER]),
        "investigator": factories.member(police, [R.INVESTIGATOR]),
        "police_auditor": factories.member(police, [R.AUDITOR]),
        "worker": factories.member(shelter, [R.CASE_WORKER]),
        "shelter_auditor": factories.member(shelter, [R.AUDITOR]),
        "shelter_trainer": factories.member(shelter, [R.TRAINER]),
        "social_worker": factories.member(social, [R.CASE_WORKER]),
        "stranger": factories.member(elsewhere, [R.CASE_WORKER]),
    }
    actors = {name: factories.actor(m) for name, m in people.items()}
    case = case_create(actor=actors["officer"], given_name="Mariam", family_name="Haddad",
                       identity_number="DL-778899", pseudonym="Olive")
    consent_record(actor=actors["officer"], case_id=case.pk, purpose="share_organisation",
                   organisation_id=shelter.pk, language="ar", interpreter=True)
    return {"police": police, "shelter": shelter, "social": social, "elsewhere": elsewhere, "case": case,
            "people": people, **actors}


def _refer(desk, who="officer", org="shelter", **kw):
    kw.setdefault("scope", "full")
    kw.setdefault("purpose", "Shelter placement")
    return case_refer(actor=desk[who], case_id=desk["case"].pk, organisation_id=desk[org].pk, **kw)


def _state(desk):
    case = Case.objects.get(pk=desk["case"].pk)
    return (case.owner_organisation_id,
            sorted(CaseShare.objects.values_list("organisation_id", "kind", "status", "revoked_at")))


# --- Refusals when referring --------------------------------------------------------------------------

def _no_consent(desk):
    return _refer(desk, org="social")


def _own_organisation(desk):
    return _refer(desk, org="police")


def _duplicate_referral(desk):
    _refer(desk)
    return _refer(desk)


def _duplicate_share(desk):
    case_share(actor=desk["officer"], case_id=desk["case"].pk, organisation_id=desk["shelter"].pk,
               scope="limited", purpose="Shelter")
    return _refer(desk)


def _past_date(desk):
    return _refer(desk, respond_by=TODAY() - dt.timedelta(days=1))


def _transfer_limited(desk):
    return _refer(desk, kind="transfer", scope="limited")


def _second_transfer(desk):
    consent_record(actor=desk["officer"], case_id=desk["case"].pk, purpose="share_sector", sector="ngo",
                   language="en")
    _refer(desk, kind="transfer")
    return _refer(desk, org="elsewhere", kind="transfer")


def _without_consent_by_a_role_without_override(desk):
    return _refer(desk, org="social", legal_basis="Immediate danger to the person's life tonight")


def _unknown_kind(desk):
    return _refer(desk, kind="share")


def _unknown_organisation(desk):
    return case_refer(actor=desk["officer"], case_id=desk["case"].pk, organisation_id=10**9, scope="full",
                      purpose="x")


@pytest.mark.parametrize(("attempt", "field"), [
    (_no_consent, "consent"),
    (_own_organisation, "organisation"),
    (_duplicate_referral, "organisation"),
    (_duplicate_share, "organisation"),
    (_past_date, "respond_by"),
    (_transfer_limited, "scope"),
    (_second_transfer, "kind"),
    (_without_consent_by_a_role_without_override, "consent"),
    (_unknown_kind, "kind"),
    (_unknown_organisation, "organisation"),
])
def test_referral_refused_with_a_specific_message(desk, attempt, field):
    with pytest.raises(ValidationFailed) as error:
        attempt(desk)
    assert field in error.value.errors and error.value.errors[field][0]


def test_duplicate_messages_say_what_is_already_there(desk):
    with pytest.raises(ValidationFailed) as error:
        _duplicate_referral(desk)
    assert "already waiting" in error.value.errors["organisation"][0]


@pytest.mark.parametrize("who", ["worker", "stranger", "police_auditor", "social_worker"])
def test_only_the_owner_refers(desk, who):
    """A receiver, a stranger or a role that cannot share gets "not found", audited, and nothing is written."""
    before = _state(desk)
    with pytest.raises(NotFound):
        _refer(desk, who=who, org="social")
    assert _state(desk) == before
    assert AuditEvent.objects.filter(action="denied", reason="case.refer", user_id=desk[who].user_id).exists()


def test_refusal_writes_nothing(desk):
    before = (_state(desk), Notification.objects.count())
    with pytest.raises(ValidationFailed):
        _past_date(desk)
    assert (_state(desk), Notification.objects.count()) == before


def test_legal_basis_by_an_override_role_is_audited_as_an_override(desk):
    share = _refer(desk, who="investigator", org="social", legal_basis="Immediate danger to the person's life")
    assert share.consent is None and share.legal_basis.startswith("Immediate danger")
    assert AuditEvent.objects.filter(action="override", object_id=str(desk["case"].pk), fields=["consent"]).exists()


def test_child_procedure_refers_to_social_services_without_consent(desk):
    child = case_create(actor=desk["officer"], given_name="Little", family_name="One", is_child=True)
    share = case_refer(actor=desk["officer"], case_id=child.pk, organisation_id=desk["social"].pk, scope="full",
                       purpose="Child protection")
    assert share.status == "pending" and share.consent is None


def test_respond_by_defaults_to_the_country_working_days(desk):
    from alliance.cases.domain.country_rules import rules_for

    share = _refer(desk)
    rules = rules_for("XD")
    assert share.respond_by == rules.add_working_days(TODAY(), rules.referral_response_working_days)
    assert rules.is_working_day(share.respond_by)


# --- Refusals of the steps -----------------------------------------------------------------------------

def _pending(desk):
    return _refer(desk)


def _accepted(desk):
    return referral_accept(actor=desk["worker"], share_id=_refer(desk).pk)


def _declined(desk):
    return referral_decline(actor=desk["worker"], share_id=_refer(desk).pk, reason="No bed free")


def _revoked(desk):
    return referral_revoke(actor=desk["officer"], share_id=_refer(desk).pk, reason="Sent by mistake")


def _done(desk):
    return referral_done(actor=desk["worker"], share_id=_accepted(desk).pk)


def _accepted_transfer(desk):
    share = _refer(desk, kind="transfer")
    return referral_accept(actor=desk["worker"], share_id=share.pk)


STEP_CALLS = {
    "accept": lambda actor, share: referral_accept(actor=actor, share_id=share.pk),
    "decline": lambda actor, share: referral_decline(actor=actor, share_id=share.pk, reason="No bed free"),
    "revoke": lambda actor, share: referral_revoke(actor=actor, share_id=share.pk, reason="Sent by mistake"),
    "done": lambda actor, share: referral_done(actor=actor, share_id=share.pk),
}


@pytest.mark.parametrize(("make", "step", "who", "error"), [
    # wrong status
    (_accepted, "accept", "worker", ValidationFailed),
    (_pending, "done", "worker", ValidationFailed),
    (_declined, "accept", "worker", ValidationFailed),
    (_declined, "revoke", "officer", ValidationFailed),
    (_revoked, "accept", "worker", ValidationFailed),
    (_revoked, "revoke", "officer", ValidationFailed),
    (_done, "done", "worker", ValidationFailed),
    (_done, "revoke", "officer", ValidationFailed),
    # after a transfer the former owner is no party to the case's shares any more
    (_accepted_transfer, "revoke", "officer", NotFound),
    (_accepted_transfer, "done", "worker", ValidationFailed),
    # wrong side: the sender cannot answer, the receiver cannot revoke
    (_pending, "accept", "officer", Forbidden),
    (_pending, "decline", "investigator", Forbidden),
    (_accepted, "done", "officer", Forbidden),
    (_pending, "revoke", "worker", Forbidden),
    # wrong organisation: neither party
    (_pending, "accept", "stranger", NotFound),
    (_pending, "revoke", "stranger", NotFound),
    (_accepted, "done", "social_worker", NotFound),
    # wrong role: the receiver's auditor cannot answer; the sender's auditor cannot revoke; trainers hold no
    # rights in the live realm
    (_pending, "accept", "shelter_auditor", Forbidden),
    (_pending, "accept", "shelter_trainer", Forbidden),
    (_pending, "revoke", "police_auditor", Forbidden),
])
def test_step_refused(desk, make, step, who, error):
    share = make(desk)
    before = (_state(desk), Notification.objects.count())
    with pytest.raises(error):
        STEP_CALLS[step](desk[who], share)
    assert (_state(desk), Notification.objects.count()) == before


@pytest.mark.parametrize("step", ["decline", "revoke"])
def test_decline_and_revoke_need_a_reason(desk, step):
    share = _refer(desk)
    call = referral_decline if step == "decline" else referral_revoke
    with pytest.raises(ValidationFailed) as error:
        call(actor=desk["worker" if step == "decline" else "officer"], share_id=share.pk, reason="  ")
    assert "reason" in error.value.errors
    assert CaseShare.objects.get().status == "pending"


def test_refused_steps_are_audited(desk):
    share = _refer(desk)
    with pytest.raises(NotFound):
        referral_accept(actor=desk["stranger"], share_id=share.pk)
    with pytest.raises(NotFound):
        referral_accept(actor=desk["stranger"], share_id=10**9)
    assert AuditEvent.objects.filter(action="denied", object_type="referral", reason="referral.accept").count() == 2


# --- The lifecycle and access -------------------------------------------------------------------------

def test_pending_referral_shows_the_receiver_the_limited_fields_only(desk):
    _refer(desk, scope="full")
    view = case_view_for(actor=desk["worker"], case_id=desk["case"].pk)
    assert view.scope == "limited" and "given_name" not in view.fields


def test_accepted_referral_gives_its_scope_and_done_or_decline_ends_it(desk):
    share = _accepted(desk)
    assert share.status == "accepted" and share.responded_by_id == desk["worker"].user_id
    assert case_view_for(actor=desk["worker"], case_id=desk["case"].pk).fields["given_name"] == "Mariam"
    done = referral_done(actor=desk["worker"], share_id=share.pk, reason="Moved on to her own flat")
    assert done.status == "done" and done.done_at is not None and done.revoked_at is not None
    with pytest.raises(NotFound):
        case_view_for(actor=desk["worker"], case_id=desk["case"].pk)
    assert CaseShare.objects.get(pk=share.pk).response_reason == "Moved on to her own flat"


def test_declined_referral_can_be_sent_again(desk):
    first = _declined(desk)
    assert first.status == "declined" and first.response_reason == "No bed free"
    with pytest.raises(NotFound):
        case_view_for(actor=desk["worker"], case_id=desk["case"].pk)
    again = _refer(desk)
    assert again.status == "pending" and CaseShare.objects.count() == 2


def test_revoking_an_accepted_referral_ends_access(desk):
    share = _accepted(desk)
    referral_revoke(actor=desk["officer"], share_id=share.pk, reason="The person asked us to")
    with pytest.raises(NotFound):
        case_view_for(actor=desk["worker"], case_id=desk["case"].pk)


def test_the_sender_revokes_a_plain_share_too(desk):
    share = case_share(actor=desk["officer"], case_id=desk["case"].pk, organisation_id=desk["shelter"].pk,
                       scope="limited", purpose="Shelter")
    assert share.from_organisation_id == desk["police"].pk
    referral_revoke(actor=desk["officer"], share_id=share.pk, reason="No longer needed")
    assert CaseShare.objects.get().status == "revoked"


def test_transfer_moves_the_case_and_its_consents_on_acceptance(desk):
    share = _refer(desk, kind="transfer")
    assert Case.objects.get().owner_organisation == desk["police"]  # nothing moves while it waits
    referral_accept(actor=desk["worker"], share_id=share.pk)
    case = Case.objects.get()
    assert case.owner_organisation == desk["shelter"]
    assert Consent.objects.filter(case=case).count() == 1
    assert case_view_for(actor=desk["worker"], case_id=case.pk).scope == "full"
    # The former owner keeps nothing, unless the new owner shares the case with it.
    with pytest.raises(NotFound):
        case_view_for(actor=desk["officer"], case_id=case.pk)
    assert AuditEvent.objects.filter(action="update", object_type="case", object_id=str(case.pk),
                                     fields=["owner_organisation"]).exists()
    transferred = CaseShare.objects.get(pk=share.pk)
    assert transferred.status == "accepted" and transferred.revoked_at is not None


def test_withdrawn_consent_revokes_a_pending_referral(desk):
    share = _refer(desk)
    consent_withdraw(actor=desk["officer"], consent_id=share.consent_id)
    assert CaseShare.objects.get().status == "revoked"
    with pytest.raises(NotFound):
        case_view_for(actor=desk["worker"], case_id=desk["case"].pk)


def test_every_step_is_audited_by_field_name(desk):
    share = _accepted(desk)
    referral_done(actor=desk["worker"], share_id=share.pk, reason="Moved on to her own flat")
    events = AuditEvent.objects.filter(object_type="referral", object_id=str(share.pk), action="update")
    assert events.count() == 2
    for event in events:
        assert "Moved on" not in str(event.fields) + event.reason


# --- Notifications ------------------------------------------------------------------------------------

def _notified(desk, kind):
    return set(Notification.objects.filter(kind=kind).values_list("user_id", flat=True))


def test_each_step_notifies_the_other_side(desk):
    people = desk["people"]
    share = _refer(desk)
    # Receiver members who may answer; not its auditor, not the live realm's trainer, not the sender.
    assert _notified(desk, "referral_received") == {people["worker"].user_id}
    referral_accept(actor=desk["worker"], share_id=share.pk)
    assert _notified(desk, "referral_accepted") == {people["officer"].user_id, people["investigator"].user_id}
    referral_revoke(actor=desk["officer"], share_id=share.pk, reason="Asked by the person")
    assert _notified(desk, "referral_revoked") == {people["worker"].user_id}
    declined = _refer(desk)
    referral_decline(actor=desk["worker"], share_id=declined.pk, reason="No bed free")
    assert _notified(desk, "referral_declined") == {people["officer"].user_id, people["investigator"].user_id}
    finished = referral_accept(actor=desk["worker"], share_id=_refer(desk).pk)
    referral_done(actor=desk["worker"], share_id=finished.pk)
    assert _notified(desk, "referral_done") == {people["officer"].user_id, people["investigator"].user_id}


def test_notification_email_carries_no_personal_value(desk, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True):
        _refer(desk, purpose="Shelter placement")
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert desk["case"].number in message.subject
    for secret in SECRETS:
        assert secret not in message.subject + message.body


def test_a_refused_referral_announces_nothing(desk, settings, django_capture_on_commit_callbacks):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ValidationFailed):
        _past_date(desk)
    assert mail.outbox == [] and not Notification.objects.exists()


def test_overdue_referrals_are_announced_once_to_both_sides(desk):
    people = desk["people"]
    share = _refer(desk, respond_by=TODAY())
    answered = _refer(desk, who="investigator", org="social",
                      legal_basis="Immediate danger to the person's life", respond_by=TODAY())
    referral_accept(actor=desk["social_worker"], share_id=answered.pk)
    later = TODAY() + dt.timedelta(days=1)
    assert referrals_overdue_notify(today=TODAY()) == 0  # due today is not overdue yet
    assert referrals_overdue_notify(today=later) == 1
    assert referrals_overdue_notify(today=later) == 0
    overdue = Notification.objects.filter(kind="referral_overdue")
    assert set(overdue.values_list("share_id", flat=True)) == {share.pk}
    assert set(overdue.values_list("user_id", flat=True)) == {
        people["worker"].user_id, people["officer"].user_id, people["investigator"].user_id}


def test_overdue_check_is_a_huey_task(desk):
    share = _refer(desk, respond_by=TODAY())
    CaseShare.objects.filter(pk=share.pk).update(respond_by=TODAY() - dt.timedelta(days=2))
    notify_overdue_referrals.call_local()
    assert Notification.objects.filter(kind="referral_overdue", share=share).exists()


def test_only_first_responders_refer_a_person_into_the_nrm(db):
    """Dreamland's profile names who refers; a prosecutor's office shares a case but does not refer."""
    from alliance.cases.services import case_create, consent_record
    from alliance.cases.services.referrals import case_refer
    from alliance.core import roles as R
    from alliance.core.errors import ValidationFailed
    from tests import factories

    prosecution = factories.organisation("Prosecutor's Office", sector="prosecution")
    shelter = factories.organisation("Shelter")
    prosecutor = factories.actor(factories.member(prosecution, [R.CASE_WORKER]))
    case = case_create(actor=prosecutor, given_name="Vera", family_name="Witness")
    consent_record(actor=prosecutor, case_id=case.pk, purpose="share_organisation", organisation_id=shelter.pk,
                   language="en")
    with pytest.raises(ValidationFailed) as caught:
        case_refer(actor=prosecutor, case_id=case.pk, organisation_id=shelter.pk, scope="limited",
                   purpose="Shelter place")
    assert "first responders" in str(caught.value)
    assert not case.shares.exists()
