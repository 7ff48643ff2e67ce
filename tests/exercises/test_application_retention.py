"""Retention: applicants' identity and free text go a set time after their edition; the counts stay."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from alliance.core.models import AuditEvent
from alliance.exercises.models import Applicant, Call, Edition
from alliance.exercises.selectors.programmes import programme_report_for
from alliance.exercises.services.applications import applicants_erase_expired
from alliance.exercises.services.selection import selection_run
from tests.exercises.test_programme_world import apply_and_confirm, coordinator, open_call

pytestmark = pytest.mark.django_db


def test_erasure_keeps_the_report_figures_and_drops_the_person(mailoutbox, settings):
    settings.ALLIANCE_APPLICANT_RETENTION_DAYS = 30
    actor = coordinator()
    call = open_call(actor)
    for n in range(3):
        apply_and_confirm(call, mailoutbox, email=f"p{n}@x.test", given_name=f"Name{n}", country=["KZ", "IT", "KZ"][n])
    Call.objects.filter(pk=call.pk).update(deadline=timezone.now() - dt.timedelta(days=1))
    selection_run(actor=actor, call_id=call.pk)
    before = programme_report_for(actor=actor, programme_id=call.edition.programme_id)

    edition = Edition.objects.get(pk=call.edition_id)
    too_early = edition.ends_on + dt.timedelta(days=29)
    assert applicants_erase_expired(today=too_early).applicants == 0
    done = applicants_erase_expired(today=edition.ends_on + dt.timedelta(days=31))
    assert (done.editions, done.applicants) == (1, 3)
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name, family_name, email, agency, motivation, email_index, person_index "
                       "FROM exercises_applicant")
        assert all(value is None for row in cursor.fetchall() for value in row)
    assert Applicant.objects.filter(erased_at__isnull=False).count() == 3
    after = programme_report_for(actor=actor, programme_id=call.edition.programme_id)
    assert after["participants"] == before["participants"] and after["states"] == before["states"] == 2
    assert AuditEvent.objects.filter(action="delete", object_type="edition", reason="applicant retention").exists()
    assert applicants_erase_expired(today=edition.ends_on + dt.timedelta(days=60)).editions == 0, "once only"


def test_unconfirmed_applications_go_when_their_link_expires(mailoutbox):
    from alliance.exercises.services.applications import application_submit
    from tests.exercises.test_programme_world import form, visitor

    call = open_call(coordinator())
    application_submit(actor=visitor(), call_id=call.pk, data=form(), language="en", confirm_url="/{token}/")
    Applicant.objects.update(token_expires_at=timezone.now() - dt.timedelta(hours=1))
    call_command("applicants_erase")
    assert not Applicant.objects.exists()
