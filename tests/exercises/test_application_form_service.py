"""The public application through the service: stored encrypted, confirmed once, refused cleanly."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from alliance.core.errors import ValidationFailed
from alliance.core.models import AuditEvent
from alliance.exercises.models import Applicant
from alliance.exercises.services.applications import application_confirm, application_submit
from tests.exercises.test_programme_world import apply_and_confirm, coordinator, form, open_call, visitor

pytestmark = pytest.mark.django_db(transaction=False)
URL = "http://testserver/exercises/apply/confirm/{token}/"


def _submit(call, **overrides):
    return application_submit(actor=visitor(), call_id=call.pk, data=form(**overrides), language="en",
                              confirm_url=URL)


def test_an_application_is_stored_encrypted_and_confirmed_by_its_link(mailoutbox, django_capture_on_commit_callbacks):
    call = open_call(coordinator())
    with django_capture_on_commit_callbacks(execute=True):
        answer = _submit(call)
    assert "check your spam" in answer.message
    applicant = Applicant.objects.get()
    assert applicant.confirmed_at is None
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name, email, motivation FROM exercises_applicant")
        raw = cursor.fetchone()
    assert "Aru" not in raw[0] and "example.test" not in raw[1] and "trafficking" not in raw[2]
    token = mailoutbox[0].body.split("/confirm/")[1].split("/")[0]
    assert application_confirm(actor=visitor(), token=token)
    assert not application_confirm(actor=visitor(), token=token), "the link works once"
    applicant.refresh_from_db()
    assert applicant.confirmed_at is not None and applicant.token_hash is None
    assert AuditEvent.objects.filter(object_type="applicant", action="create", object_id=str(applicant.pk)).exists()


def test_an_expired_link_confirms_nothing(mailoutbox, django_capture_on_commit_callbacks):
    call = open_call(coordinator())
    with django_capture_on_commit_callbacks(execute=True):
        _submit(call)
    Applicant.objects.update(token_expires_at=timezone.now() - dt.timedelta(minutes=1))
    token = mailoutbox[0].body.split("/confirm/")[1].split("/")[0]
    assert not application_confirm(actor=visitor(), token=token)
    assert Applicant.objects.get().confirmed_at is None


def test_after_the_deadline_nothing_is_stored():
    call = open_call(coordinator(), deadline=timezone.now() + dt.timedelta(seconds=1))
    call.deadline = timezone.now() - dt.timedelta(minutes=1)
    call.save()
    with pytest.raises(ValidationFailed, match="deadline"):
        _submit(call)
    assert not Applicant.objects.exists()


def test_missing_required_fields_are_named_and_nothing_is_stored():
    call = open_call(coordinator(), custom_fields=[{"name": "diet", "label": "Diet", "required": True}])
    with pytest.raises(ValidationFailed) as caught:
        _submit(call, given_name="", years_experience="", languages=[])
    assert {"given_name", "years_experience", "languages", "custom_diet"} <= set(caught.value.errors)
    assert not Applicant.objects.exists()


def test_a_repeat_by_the_same_email_is_answered_alike_and_explained_by_mail(
        mailoutbox, django_capture_on_commit_callbacks):
    call = open_call(coordinator())
    with django_capture_on_commit_callbacks(execute=True):
        first = _submit(call)
    with django_capture_on_commit_callbacks(execute=True):
        second = _submit(call, email="ARU.testova@example.test", given_name="Other")
    assert first.message == second.message, "the form must not tell who applied"
    assert Applicant.objects.count() == 1
    assert "already applied" in mailoutbox[1].body
    assert mailoutbox[1].to == ["ARU.testova@example.test"]


def test_the_same_person_under_another_email_is_stored_and_shown_as_duplicate(mailoutbox):
    from alliance.exercises.selectors.programmes import applicants_for

    actor = coordinator()
    call = open_call(actor)
    first = apply_and_confirm(call, mailoutbox)
    second = apply_and_confirm(call, mailoutbox, email="other@example.test", given_name="ARU ",
                               family_name="testova")
    third = apply_and_confirm(call, mailoutbox, email="third@example.test", given_name="Aru", country="KG")
    _call, rows = applicants_for(actor=actor, call_id=call.pk)
    duplicates = {row["applicant"].pk: row["duplicates"] for row in rows}
    assert duplicates == {first: [second], second: [first], third: []}
    listed = AuditEvent.objects.filter(action="list", object_type="applicant", object_id=str(call.pk)).get()
    assert listed.user_id == actor.user_id and "given_name" in listed.fields and "Aru" not in listed.reason


def test_a_flood_from_one_address_is_bounded(settings):
    settings.ALLIANCE_APPLICATIONS_PER_HOUR = 3
    call = open_call(coordinator())
    for n in range(3):
        _submit(call, email=f"a{n}@example.test")
    with pytest.raises(ValidationFailed, match="Too many"):
        _submit(call, email="a9@example.test")
    assert Applicant.objects.count() == 3
