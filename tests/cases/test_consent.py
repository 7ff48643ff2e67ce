"""Consent gates sharing: no consent, no share (except the child procedure or an audited legal basis), and
withdrawal revokes at once what it covered."""

from __future__ import annotations

import pytest

from alliance.cases.models import CaseShare, Consent
from alliance.cases.selectors.register import consent_get_for
from alliance.cases.services import case_create, case_share, consent_record, consent_withdraw
from alliance.core import roles as R
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from tests import factories


@pytest.fixture
def intake(db):
    police = factories.organisation("Police", sector="law_enforcement")
    shelter = factories.organisation("Shelter", sector="ngo")
    social = factories.organisation("Social Services", sector="social_services")
    frontline = factories.actor(factories.member(police, [R.FRONTLINE_RESPONDER]))
    investigator = factories.actor(factories.member(police, [R.INVESTIGATOR]))
    case = case_create(actor=frontline, given_name="Ruth", family_name="Abebe")
    return {"police": police, "shelter": shelter, "social": social, "frontline": frontline,
            "investigator": investigator, "case": case}


def _share(intake, who="frontline", org="shelter", **kw):
    return case_share(actor=intake[who], case_id=intake["case"].pk, organisation_id=intake[org].pk,
                      scope="limited", purpose="Shelter placement", **kw)


def test_sharing_without_consent_is_refused_and_nothing_written(intake):
    with pytest.raises(ValidationFailed) as error:
        _share(intake)
    assert "consent" in error.value.errors
    assert not CaseShare.objects.exists()


def test_consent_for_the_organisation_allows_the_share(intake):
    consent = consent_record(actor=intake["frontline"], case_id=intake["case"].pk, purpose="share_organisation",
                             organisation_id=intake["shelter"].pk, language="ti", interpreter=True)
    share = _share(intake)
    assert share.consent == consent and consent.interpreter and consent.language == "ti"
    assert AuditEvent.objects.filter(action="share", reason=f"consent {consent.pk}").exists()


def test_consent_for_a_sector_covers_its_organisations(intake):
    consent_record(actor=intake["frontline"], case_id=intake["case"].pk, purpose="share_sector", sector="ngo",
                   language="en")
    assert _share(intake).consent.purpose == "share_sector"
    with pytest.raises(ValidationFailed):
        _share(intake, org="social")


def test_withdrawal_revokes_the_shares_it_covered(intake):
    consent = consent_record(actor=intake["frontline"], case_id=intake["case"].pk, purpose="share_organisation",
                             organisation_id=intake["shelter"].pk, language="en")
    _share(intake)
    assert consent_withdraw(actor=intake["frontline"], consent_id=consent.pk) == 1
    assert CaseShare.objects.get().revoked_at is not None
    with pytest.raises(ValidationFailed):
        _share(intake)  # the withdrawn consent no longer covers a new share


def test_override_needs_the_role_and_a_stated_legal_basis(intake):
    with pytest.raises(ValidationFailed) as error:
        _share(intake, legal_basis="Risk to life: Dreamland Anti-Trafficking Act s. 12(3)")
    assert "role" in error.value.errors["consent"][0]  # a frontline responder cannot override
    with pytest.raises(ValidationFailed) as error:
        _share(intake, who="investigator", legal_basis="urgent")
    assert "legal_basis" in error.value.errors
    share = _share(intake, who="investigator", legal_basis="Risk to life: Dreamland Anti-Trafficking Act s. 12(3)")
    assert share.consent is None and share.legal_basis.startswith("Risk to life")
    assert AuditEvent.objects.filter(action="override", object_id=str(intake["case"].pk)).exists()


def test_a_child_is_referred_to_child_protection_without_consent(intake):
    child = case_create(actor=intake["frontline"], given_name="Sami", family_name="Haile", is_child=True)
    share = case_share(actor=intake["frontline"], case_id=child.pk, organisation_id=intake["social"].pk,
                       scope="full", purpose="Child procedure")
    assert share.legal_basis.startswith("child procedure")
    with pytest.raises(ValidationFailed):
        case_share(actor=intake["frontline"], case_id=child.pk, organisation_id=intake["shelter"].pk,
                   scope="full", purpose="Shelter")


def test_bad_consent_records_are_refused_field_by_field(intake):
    with pytest.raises(ValidationFailed) as error:
        consent_record(actor=intake["frontline"], case_id=intake["case"].pk, purpose="share_organisation",
                       language="Tigrinya")
    assert {"organisation", "language"} <= set(error.value.errors)
    assert not Consent.objects.exists()


def test_only_the_owning_organisation_records_consent(intake):
    stranger = factories.actor(factories.member(intake["shelter"], [R.CASE_WORKER]))
    with pytest.raises(NotFound):
        consent_record(actor=stranger, case_id=intake["case"].pk, purpose="assistance", language="en")


def test_the_consent_gate_answers_not_found_alike_and_audits_each_refusal(intake):
    consent = consent_record(actor=intake["frontline"], case_id=intake["case"].pk, purpose="assistance",
                             language="en")
    assert consent_get_for(actor=intake["frontline"], consent_id=consent.pk, action=R.CASE_SHARE) == consent
    stranger = factories.actor(factories.member(intake["shelter"], [R.CASE_WORKER]))
    for actor, consent_id in ((stranger, consent.pk), (intake["frontline"], consent.pk + 1000),
                              (intake["frontline"], str(consent.pk))):
        with pytest.raises(NotFound):
            consent_get_for(actor=actor, consent_id=consent_id, action=R.CASE_SHARE, what="consent.withdraw")
    denied = AuditEvent.objects.filter(action="denied", object_type="consent", reason="consent.withdraw")
    assert denied.count() == 3


def test_the_withdraw_page_goes_back_to_the_case_and_hides_another_organisations_consent(client, intake):
    from alliance.directory.models import User

    consent = consent_record(actor=intake["frontline"], case_id=intake["case"].pk, purpose="assistance",
                             language="en")
    stranger = factories.actor(factories.member(intake["shelter"], [R.CASE_WORKER]))
    client.force_login(User.objects.get(pk=stranger.user_id))
    page = f"/cases/{intake['case'].pk}/consents/{consent.pk}/withdraw/"
    assert client.post(page).status_code == 404
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    client.force_login(User.objects.get(pk=intake["frontline"].user_id))
    other = case_create(actor=intake["frontline"], given_name="Lina", family_name="Oskar")
    assert client.post(f"/cases/{other.pk}/consents/{consent.pk}/withdraw/").status_code == 404  # not its case
    consent.refresh_from_db()
    assert consent.withdrawn_on is None
    response = client.post(page)
    assert response.status_code == 302 and response["Location"] == f"/cases/{intake['case'].pk}/?tab=referrals"
    consent.refresh_from_db()
    assert consent.withdrawn_on is not None
    again = client.post(page)  # already withdrawn: a message, same page
    assert again.status_code == 302 and again["Location"] == f"/cases/{intake['case'].pk}/?tab=referrals"
