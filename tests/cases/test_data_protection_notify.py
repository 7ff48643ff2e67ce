"""The duty to notify (an anonymous notification for an adult who does not consent to referral), and the
retention and notification settings of the country profiles."""

from __future__ import annotations

import copy
import json

import pytest

from alliance.cases.domain.country_rules import ProfileError, _parse, available_profiles, rules_for
from alliance.cases.models import Case, DutyNotification
from alliance.cases.services import case_create, consent_record
from alliance.cases.services.data_protection import duty_notification_send, duty_to_notify_blockers
from alliance.core import roles as R
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.directory.services import token_issue
from tests import factories


@pytest.fixture
def police(db):
    org = factories.organisation("Dreamland Police", sector="law_enforcement")
    return factories.actor(factories.member(org, [R.INVESTIGATOR]))


def _adult(actor, country="XD", **person):
    case = case_create(actor=actor, given_name="Dalia", family_name="Brenn", identity_number="DB-1200",
                       birth_date="1994-02-11", country=country, **person)
    case.person.details = {"sex": "Female", "gender": "Feminine", "citizenships": ["XP", "XM"],
                           "primary_language": "kes", "phone": "+99 555 0100"}
    case.person.save()
    case.victim_context = {"exploitation_types": ["ForcedLabour", "ForcedBegging"], "exploitation_country": "XD",
                           "exploitation_place": "Brenn farm", "perpetrators": [{"role": "Exploiter"}]}
    case.save()
    return Case.objects.get(pk=case.pk)


def test_the_notification_carries_anonymous_fields_only(police):
    case = _adult(police)
    notification = duty_notification_send(actor=police, case_id=case.pk)
    assert notification.authority == "National Rapporteur of Dreamland"
    assert notification.payload == {
        "sex": "Female", "age_band": "30-38", "citizenships": ["XM", "XP"],
        "exploitation_types": ["ForcedBegging", "ForcedLabour"], "country_of_exploitation": "XD",
        "detected_month": case.created_at.strftime("%Y-%m"), "profile": "XD"}
    text = json.dumps(notification.payload)
    for personal in ("Dalia", "Brenn", "DB-1200", "1994", "555", "kes", case.number, case.pseudonym):
        assert personal not in text
    event = AuditEvent.objects.get(action="create", object_type="duty_notification")
    assert event.reason == f"case {case.pk}" and "age_band" in event.fields


def test_refused_when_the_person_consented_to_referral(police):
    case = _adult(police)
    consent_record(actor=police, case_id=case.pk, purpose="assistance", language="en")
    with pytest.raises(ValidationFailed) as refused:
        duty_notification_send(actor=police, case_id=case.pk)
    assert "consented to referral" in " ".join(refused.value.errors["duty_to_notify"])
    assert not DutyNotification.objects.exists()


def test_consent_to_statistics_alone_is_no_consent_to_referral(police):
    case = _adult(police)
    consent_record(actor=police, case_id=case.pk, purpose="statistics", language="en")
    assert duty_to_notify_blockers(case=case) == []


def test_refused_for_a_child(police):
    child = case_create(actor=police, given_name="Tam", family_name="Brenn", birth_date="2015-03-01")
    with pytest.raises(ValidationFailed) as refused:
        duty_notification_send(actor=police, case_id=child.pk)
    assert "only for adults" in " ".join(refused.value.errors["duty_to_notify"])


def test_refused_where_the_profile_has_no_duty(police):
    case = _adult(police, country="XP")
    with pytest.raises(ValidationFailed) as refused:
        duty_notification_send(actor=police, case_id=case.pk)
    assert "Poorland profile has no duty to notify" in " ".join(refused.value.errors["duty_to_notify"])


def test_sent_once_only(police):
    case = _adult(police)
    duty_notification_send(actor=police, case_id=case.pk)
    with pytest.raises(ValidationFailed):
        duty_notification_send(actor=police, case_id=case.pk)
    assert DutyNotification.objects.count() == 1


def test_refused_beyond_the_owning_organisation(police):
    case = _adult(police)
    other = factories.actor(factories.member(factories.organisation("Shelter"), [R.CASE_WORKER]))
    with pytest.raises(NotFound):
        duty_notification_send(actor=other, case_id=case.pk)


def test_the_page_button_and_the_api(client, police):
    from alliance.directory.models import User

    case = _adult(police)
    client.force_login(User.objects.get(pk=police.user_id))
    page = client.get(f"/cases/{case.pk}/?tab=data_protection").content.decode()
    assert 'data-testid="duty-notify"' in page and "National Rapporteur of Dreamland" in page
    second = _adult(police)
    _t, raw = token_issue(actor=police, name="t", days=1)
    sent = client.post(f"/api/v1/cases/{second.pk}/duty-notifications", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert sent.status_code == 201 and sent.json()["payload"]["sex"] == "Female"
    again = client.post(f"/api/v1/cases/{second.pk}/duty-notifications", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert again.status_code == 422
    client.post(f"/cases/{case.pk}/duty-notification/")
    page = client.get(f"/cases/{case.pk}/?tab=data_protection").content.decode()
    assert 'data-testid="duty-sent"' in page and 'data-testid="duty-notify"' not in page


# --- Country profiles ----------------------------------------------------------------------------

def test_every_profile_states_its_retention_and_duty_to_notify(db):
    periods = {p.code: p.retention_years_after_closure for p in available_profiles()}
    assert (periods["XD"], periods["XP"], periods["XM"]) == (5, 3, 10)
    assert rules_for("XD").duty_to_notify_required and not rules_for("XP").duty_to_notify_required
    assert rules_for("XM").duty_to_notify_authority


def _dreamland() -> dict:
    from alliance.cases.domain.country_rules import PROFILE_DIR

    return json.loads((PROFILE_DIR / "XD.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("change, message", [
    (lambda p: p.pop("retention_years_after_closure"), "retention_years_after_closure"),
    (lambda p: p.update(retention_years_after_closure=-1), "between 0 and"),
    (lambda p: p.update(retention_years_after_closure=True), "whole number"),
    (lambda p: p.update(retention_years_after_closure="5"), "whole number"),
    (lambda p: p.update(duty_to_notify={"required": True, "authority": " "}), "names no authority"),
    (lambda p: p.update(duty_to_notify={"required": "yes"}), "duty_to_notify must be"),
    (lambda p: p.update(duty_to_notify=[]), "duty_to_notify must be"),
])
def test_a_profile_without_valid_retention_or_notification_rules_is_refused(change, message):
    profile = copy.deepcopy(_dreamland())
    change(profile)
    with pytest.raises(ProfileError, match=message):
        _parse(profile)


def test_retention_ends_on_the_anniversary_and_29_february_falls_back(db):
    import datetime as dt

    assert rules_for("XD").retention_ends(dt.date(2026, 3, 1)) == dt.date(2031, 3, 1)
    assert rules_for("XP").retention_ends(dt.date(2028, 2, 29)) == dt.date(2031, 2, 28)
