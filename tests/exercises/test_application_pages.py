"""The public pages: a published call and its application form, without an account, in the visitor's
language; the confirmation link; and the JSON submission."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.exercises.models import Applicant, Call
from tests.exercises.test_programme_world import coordinator, open_call

pytestmark = pytest.mark.django_db

FORM = {"given_name": "Lena", "family_name": "Webform", "email": "lena@example.test", "profession": "prosecutor",
        "agency": "Office", "country": "MD", "gender": "female", "languages": ["en", "ro"], "years_experience": "6",
        "motivation": "Prosecuting trafficking.", "nominated": "on", "nominating_authority": "Ministry"}


def test_the_published_call_is_public_and_the_unpublished_one_is_not(client):
    call = open_call(coordinator())
    page = client.get(f"/exercises/calls/{call.pk}/")
    assert page.status_code == 200 and b"Vicenza 2027" in page.content
    assert b"Vicenza 2027" in client.get("/exercises/calls/").content
    Call.objects.filter(pk=call.pk).update(published=False)
    assert client.get(f"/exercises/calls/{call.pk}/").status_code == 404
    assert client.get(f"/exercises/apply/{call.pk}/").status_code == 404


def test_the_call_page_follows_the_visitor_language(client):
    call = open_call(coordinator())
    page = client.get(f"/exercises/calls/{call.pk}/", HTTP_ACCEPT_LANGUAGE="ru")
    assert b'lang="ru"' in page.content


def test_apply_confirm_through_the_pages(client, mailoutbox, django_capture_on_commit_callbacks):
    call = open_call(coordinator())
    assert client.get(f"/exercises/apply/{call.pk}/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/exercises/apply/{call.pk}/", FORM)
    assert response.status_code == 200 and b"check your spam" in response.content
    link = mailoutbox[0].body.split("http://testserver")[1].split()[0]
    assert client.get(link).status_code == 200
    assert Applicant.objects.get().confirmed_at is None, "a GET (a mail scanner) confirms nothing"
    done = client.post(link)
    assert done.status_code == 200 and b'data-testid="confirmed"' in done.content
    assert client.post(link).status_code == 410, "single use"
    assert Applicant.objects.get().confirmed_at is not None


def test_missing_fields_and_the_deadline_are_answered_on_the_form(client):
    call = open_call(coordinator())
    response = client.post(f"/exercises/apply/{call.pk}/", {**FORM, "email": "", "motivation": ""})
    assert response.status_code == 422 and b"This field is required" in response.content
    Call.objects.filter(pk=call.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))
    response = client.post(f"/exercises/apply/{call.pk}/", FORM)
    assert response.status_code == 422 and b"deadline" in response.content
    assert not Applicant.objects.exists()


def test_the_json_submission_answers_alike_for_a_repeat(client):
    call = open_call(coordinator())
    body = {**FORM, "languages": ["en"], "years_experience": 6, "nominated": True}
    first = client.post(f"/api/v1/exercises/calls/{call.pk}/applications", body, content_type="application/json")
    second = client.post(f"/api/v1/exercises/calls/{call.pk}/applications", body, content_type="application/json")
    assert first.status_code == second.status_code == 202 and first.json() == second.json()
    assert Applicant.objects.count() == 1
    bad = client.post(f"/api/v1/exercises/calls/{call.pk}/applications", {**body, "email": ""},
                      content_type="application/json")
    assert bad.status_code == 422 and "email" in bad.json()["error"]["details"]
