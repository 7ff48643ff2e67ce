"""A programme world for the programme, application and selection tests (no tests of its own): a running
organisation with a training co-ordinator, a programme, an edition and its published call."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from alliance.core import roles as R
from alliance.exercises.services.applications import application_confirm, application_submit, public_actor
from alliance.exercises.services.programmes import call_publish, call_save, edition_create, programme_create
from tests import factories

CRITERIA = [{"code": "experience", "label": "Experience", "weight": 2, "kind": "years"},
            {"code": "nomination", "label": "Nomination", "weight": 1, "kind": "nomination"},
            {"code": "motivation", "label": "Motivation", "weight": 2, "kind": "rating"}]


def coordinator(org=None):
    org = org or factories.organisation("Training Centre")
    return factories.actor(factories.member(org, [R.TRAINING_COORDINATOR]))


def open_call(actor, *, capacity=4, language="en", quotas=None, custom_fields=None, deadline=None, min_years=2,
              nomination_required=False, title="Programme"):
    programme = programme_create(actor=actor, title=title)
    today = timezone.localdate()
    edition = edition_create(actor=actor, programme_id=programme.pk, title="Vicenza 2027",
                             starts_on=today + dt.timedelta(days=60), ends_on=today + dt.timedelta(days=65),
                             venue="CoESPU, Vicenza", country="IT", language=language, capacity=capacity, groups=1)
    call = call_save(actor=actor, edition_id=edition.pk, deadline=deadline or timezone.now() + dt.timedelta(days=10),
                     profiles=["police", "prosecutor", "social_worker", "labour_inspector"], criteria=CRITERIA,
                     quotas=quotas or {}, custom_fields=custom_fields or [], min_years=min_years,
                     nomination_required=nomination_required)
    return call_publish(actor=actor, call_id=call.pk)


def form(**overrides):
    data = {"given_name": "Aru", "family_name": "Testova", "email": "aru.testova@example.test",
            "profession": "police", "agency": "Dreamland Police", "country": "KZ", "gender": "female",
            "languages": ["en", "ru"], "years_experience": 5, "motivation": "I investigate trafficking cases.",
            "nominated": True, "nominating_authority": "Ministry of Interior", "answers": {}}
    data.update(overrides)
    return data


def visitor(address="203.0.113.7"):
    from alliance.directory.selectors import live_realm

    return public_actor(realm_id=live_realm().pk, address=address)


def apply_and_confirm(call, mailbox, **overrides):
    """Submit through the service and follow the mailed link; returns the applicant's id."""
    from django.test import TestCase

    from alliance.exercises.models import Applicant

    before = len(mailbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        application_submit(actor=visitor(), call_id=call.pk, data=form(**overrides), language="en",
                           confirm_url="http://testserver/exercises/apply/confirm/{token}/")
    link = mailbox[before].body.split("http://testserver/exercises/apply/confirm/")[1].split("/")[0]
    assert application_confirm(actor=visitor(), token=link)
    return Applicant.objects.filter(call=call).order_by("-id").first().pk


def policy_world(organisations, realms):
    """A programme with one applicant per organisation and realm, for tests/core/test_policy_properties.py."""
    from alliance.exercises.models import Applicant, Call, Edition, Programme

    programmes, applicants = [], []
    today = timezone.localdate()
    for realm in realms:
        for org in organisations:
            programme = Programme.objects.create(realm=realm, organisation=org, title=f"P {realm.pk}")
            edition = Edition.objects.create(programme=programme, title="E", starts_on=today, ends_on=today,
                                             venue="V", country="IT", capacity=1)
            call = Call.objects.create(edition=edition, deadline=timezone.now())
            programmes.append(programme)
            applicants.append(Applicant.objects.create(
                realm=realm, call=call, profession="police", country="KZ", gender="male", years_experience=1,
                submitted_at=timezone.now()))
    return programmes, applicants
