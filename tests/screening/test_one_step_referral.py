"""One step from a positive screening to protection: case, consent and referral together, nothing re-typed,
the screening on the case timeline; every refusal leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import importlib

import pytest
from django.urls import reverse

from alliance.cases.models import Case, CaseShare, Consent
from alliance.cases.selectors.timeline import timeline_items
from alliance.core import roles as R
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.screening.domain.catalogue import load_catalogues
from alliance.screening.models import Screening
from alliance.screening.services import screening_refer, screening_submit
from tests import factories
from tests.screening import screening_world

POSITIVE = [("ilo-ec-operational", i) for i in ("dr-job-nature", "dr-conditions", "ec-hours", "ec-wages",
                                                "cd-documents", "cd-debt")]


@pytest.fixture
def world(db):
    load_catalogues()
    reception = factories.organisation("Reception North")
    shelter = factories.organisation("Shelter South")
    screener = factories.member(reception, [R.FRONTLINE_RESPONDER])
    return {"reception": reception, "shelter": shelter, "screener": screener, "actor": factories.actor(screener)}


def _screen(actor, yes=POSITIVE, **overrides) -> Screening:
    person = {"age": 24, "citizenship": "XW", "interpreter": True, **overrides}
    return screening_submit(actor=actor, payload=screening_world.payload(yes=yes, **person))[0]


def _counts():
    return Case.objects.count(), Consent.objects.count(), CaseShare.objects.count()


def test_a_positive_screening_becomes_a_case_with_consent_and_a_referral(world):
    screening = _screen(world["actor"])
    assert screening.outcome == "refer"
    case, share = screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="Amina",
                                  family_name="Haddad", organisation_id=world["shelter"].pk, consent=True)
    case.refresh_from_db()
    assert case.owner_organisation == world["reception"] and not case.is_child
    assert share.organisation == world["shelter"] and share.status == "pending" and share.kind == "referral"
    consent = share.consent
    assert consent.purpose == "share_organisation" and consent.organisation == world["shelter"]
    assert consent.language == "ar" and consent.interpreter
    # Nothing re-typed: what the screening knew is on the case.
    details = case.person.details
    assert details["sex"] == "Female" and details["citizenships"] == ["XW"] and details["estimated_age"] == 24
    assert details["primary_language"] == "ara"
    assert case.victim_context["exploitation_types"] == ["ForcedLabour"]
    assert {"FalsePromises", "WithholdsDocuments", "DebtBondage"} <= set(case.victim_context["methods_of_control"])
    screening.refresh_from_db()
    assert screening.case == case and screening.referred_at is not None
    kinds = [item.kind for item in timeline_items(actor=world["actor"], case=case, full=True)]
    assert "screening" in kinds


def test_an_adult_is_not_referred_without_agreement_and_nothing_is_left_behind(world):
    screening = _screen(world["actor"])
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="Amina", family_name="Haddad",
                        organisation_id=world["shelter"].pk, consent=False)
    assert "consent" in refused.value.errors
    assert _counts() == before


def test_a_refusal_late_in_the_step_rolls_the_case_back(world):
    """The case-management gate refuses (here: a blank family name) after nothing else failed."""
    screening = _screen(world["actor"])
    before = _counts()
    with pytest.raises(ValidationFailed):
        screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="Amina", family_name=" ",
                        organisation_id=world["shelter"].pk, consent=True)
    assert _counts() == before
    screening.refresh_from_db()
    assert screening.case is None


def test_a_screening_is_referred_once(world):
    screening = _screen(world["actor"])
    screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="A", family_name="B",
                    organisation_id=world["shelter"].pk, consent=True)
    before = _counts()
    with pytest.raises(ValidationFailed, match="already referred"):
        screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="A", family_name="B",
                        organisation_id=world["shelter"].pk, consent=True)
    assert _counts() == before


def test_no_indicators_nothing_to_refer(world):
    screening = _screen(world["actor"], yes=[])
    assert screening.outcome == "none"
    with pytest.raises(ValidationFailed, match="nothing to refer"):
        screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="A", family_name="B",
                        organisation_id=world["shelter"].pk, consent=True)


def test_a_child_goes_to_the_child_procedure(world):
    screening = _screen(world["actor"], yes=[("child-specific", "unaccompanied")], age=15, is_child=True,
                        work_type="none", sex="male")
    assert screening.outcome == "child"
    social = factories.organisation("Social Services", sector="social_services")
    case, share = screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="Omid",
                                  family_name="Karimi", organisation_id=social.pk, consent=True)
    assert case.is_child and share.organisation == social


def test_another_organisation_cannot_refer_or_read_it(world):
    screening = _screen(world["actor"])
    stranger = factories.actor(factories.member(world["shelter"], [R.CASE_WORKER]))
    with pytest.raises(NotFound):
        screening_refer(actor=stranger, screening_id=screening.pk, given_name="A", family_name="B",
                        organisation_id=world["shelter"].pk, consent=True)


def test_the_result_page_explains_and_the_refer_page_refers(client, world):
    screening = _screen(world["actor"])
    client.force_login(world["screener"].user)
    page = client.get(reverse("screening:detail", args=[screening.pk])).content.decode()
    assert "Presumed victim: refer now" in page
    assert "Deceptive recruitment: present, 1 strong and 1 medium or weak indicator" in page
    assert "Deceived about the nature of the job" in page
    assert "ilo-ec-operational 2009.2" in page  # the catalogue version it was scored with
    form = client.get(reverse("screening:refer", args=[screening.pk])).content.decode()
    assert 'lang="ar" dir="rtl"' in form  # the consent question read to the person, in their language
    response = client.post(reverse("screening:refer", args=[screening.pk]), {
        "given_name": "Amina", "family_name": "Haddad", "organisation": world["shelter"].pk, "scope": "limited",
        "consent": "on"})
    screening.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == reverse("cases:detail", args=[screening.case_id])
    refused = client.post(reverse("screening:refer", args=[screening.pk]), {
        "given_name": "Amina", "family_name": "Haddad", "organisation": world["shelter"].pk, "scope": "limited",
        "consent": "on"})
    assert refused.status_code == 422 and b"already referred" in refused.content


def test_a_screening_names_nobody_until_it_is_referred(world):
    screening = _screen(world["actor"])
    stored = {f.name for f in Screening._meta.get_fields()}
    assert not stored & {"given_name", "family_name", "name", "narrative", "notes"}
    assert screening.case is None


def test_a_screening_taken_elsewhere_is_refused_whole(world):
    """The phone's queue outlived the session: another account, organisation or realm must not receive it."""
    from alliance.core.errors import Conflict
    from tests.screening.matrix_world import payload

    actor = world["actor"]
    mine = {"user_id": actor.user_id, "organisation_id": actor.organisation_id, "realm_id": actor.realm_id}
    colleague = factories.actor(factories.member(world["reception"], [R.FRONTLINE_RESPONDER]))
    stranger = factories.actor(factories.member(world["shelter"], [R.FRONTLINE_RESPONDER]))
    body = payload(taken_by=mine)
    for other in (colleague, stranger):
        with pytest.raises(Conflict, match="another account"):
            screening_submit(actor=other, payload=body)
    assert Screening.objects.count() == 0
    for changed in ({"realm_id": actor.realm_id + 1000}, {"organisation_id": world["shelter"].pk}):
        with pytest.raises(Conflict):
            screening_submit(actor=actor, payload=payload(taken_by=mine | changed))
    screening, created = screening_submit(actor=actor, payload=body)
    assert created and screening.created_by_id == actor.user_id


def _referred(world):
    screening = _screen(world["actor"])
    case, _share = screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="Amina",
                                   family_name="Haddad", organisation_id=world["shelter"].pk, consent=True)
    return screening, case


def test_the_case_timeline_shows_the_screening_it_came_from_by_its_outcome_only(world):
    from alliance.cases.selectors.timeline import timeline_for

    screening, case = _referred(world)
    items, _count, full = timeline_for(actor=world["actor"], case_id=case.pk)
    shown = [item for item in items if item.kind == "screening"]
    assert full and len(shown) == 1 and shown[0].at == screening.finished_at
    assert shown[0].organisation == world["reception"].name and "Screening at reception" in shown[0].label


def test_erasing_the_case_erases_the_screening_it_came_from(world):
    from alliance.cases.services.data_protection import case_delete

    screening, case = _referred(world)
    worker = factories.actor(factories.member(world["reception"], [R.CASE_WORKER]))
    case_delete(actor=worker, case_id=case.pk, justification="Erasure request under Art. 17, verified by DPO")
    assert not Screening.objects.filter(pk=screening.pk).exists()
    erased = AuditEvent.objects.filter(action="delete", object_type="case", object_id=str(case.pk)).get()
    assert "screening" in erased.fields
    assert not Case.objects.filter(pk=case.pk).exists()


def test_anonymising_the_case_unlinks_the_screening_and_drops_the_stated_age(world):
    from alliance.cases.services.retention import case_anonymise

    screening, case = _referred(world)
    worker = factories.actor(factories.member(world["reception"], [R.CASE_WORKER]))
    Case.objects.filter(pk=case.pk).update(status="closed", closed_on=dt.date.today())  # closed years ago, say
    case_anonymise(actor=worker, case_id=case.pk, justification="Retention period ended, no hold, DPO approved")
    screening.refresh_from_db()
    assert screening.case is None and screening.answers["age"] is None
    assert screening.content_digest == ""  # it was computed over the stated age too
    assert screening.answers["observations"] and screening.age_group == "18-24"  # still a facility statistic
    # Referred once: the old screening cannot open a new named case for the anonymised person.
    before = _counts()
    with pytest.raises(ValidationFailed) as refused:
        screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="Amina", family_name="Haddad",
                        organisation_id=world["shelter"].pk, consent=True)
    assert "no longer held" in str(refused.value.errors["__all__"]) and _counts() == before


def test_the_default_purpose_does_not_tell_a_limited_receiver_the_person_is_a_child(world):
    screening = _screen(world["actor"], yes=[("child-specific", "unaccompanied")], age=15, is_child=True,
                        work_type="none")
    assert screening.outcome == "child"
    _case, share = screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="Omid",
                                   family_name="Karimi", organisation_id=world["shelter"].pk, consent=True)
    assert share.scope == CaseShare.Scope.LIMITED
    assert share.purpose == "Referral after a screening at reception"


def test_a_birth_date_that_shows_an_adult_needs_the_adults_agreement(world):
    screening = _screen(world["actor"], yes=[("child-specific", "unaccompanied")], age=None, age_group="unknown",
                        is_child=True, work_type="none")
    before = _counts()
    adult = (dt.date.today() - dt.timedelta(days=365 * 25)).isoformat()
    with pytest.raises(ValidationFailed) as refused:
        screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="Omid", family_name="Karimi",
                        organisation_id=world["shelter"].pk, consent=False, birth_date=adult)
    assert "consent" in refused.value.errors and _counts() == before


def test_referrals_stored_with_the_old_default_purpose_get_the_neutral_one(world):
    from django.apps import apps

    neutral = importlib.import_module("alliance.screening.migrations.0007_neutral_referral_purpose")
    screening = _screen(world["actor"], yes=[("child-specific", "unaccompanied")], age=15, is_child=True,
                        work_type="none")
    _case, share = screening_refer(actor=world["actor"], screening_id=screening.pk, given_name="Omid",
                                   family_name="Karimi", organisation_id=world["shelter"].pk, consent=True)
    CaseShare.objects.filter(pk=share.pk).update(purpose="Скрининг в центре приёма: Ребёнок с индикаторами: "
                                                         "процедура для детей")
    neutral.neutral_purposes(apps, None)
    share.refresh_from_db()
    assert share.purpose == "Направление после скрининга при приёме"
    # A purpose someone typed is left alone.
    CaseShare.objects.filter(pk=share.pk).update(purpose="Shelter place for the child")
    neutral.neutral_purposes(apps, None)
    share.refresh_from_db()
    assert share.purpose == "Shelter place for the child"
