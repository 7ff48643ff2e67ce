"""The co-ordinator writes a programme, an edition and its call in the pages, and publishes it."""

from __future__ import annotations

import pytest

from alliance.core import roles as R
from alliance.exercises.models import Call, Edition, Programme
from tests import factories

pytestmark = pytest.mark.django_db


def test_programme_edition_and_call_through_the_pages(client):
    membership = factories.member(factories.organisation("Centre"), [R.TRAINING_COORDINATOR])
    client.force_login(membership.user)
    assert client.post("/exercises/programmes/new/", {"title": ""}).status_code == 200  # the form, with errors
    response = client.post("/exercises/programmes/new/", {"title": "Routes", "summary": "S"})
    programme = Programme.objects.get()
    assert response.status_code == 302 and programme.organisation_id == membership.organisation_id
    response = client.post(f"/exercises/programmes/{programme.pk}/editions/new/", {
        "title": "Astana 2027", "starts_on": "2027-09-13", "ends_on": "2027-09-17", "venue": "Astana",
        "country": "KZ", "language": "ru", "capacity": "40", "groups": "2"})
    assert response.status_code == 302
    edition = Edition.objects.get()
    body = {"profiles": ["police", "prosecutor"], "min_years": "3", "deadline": "2027-06-01T23:59",
            "criteria": "experience | Experience | 2 | years\nmotivation | Motivation | 1 | rating",
            "max_per_country": "3", "min_share_female": "40", "professions": "prosecutor | 5 |",
            "custom_fields": "diet | Dietary needs | no"}
    bad = client.post(f"/exercises/programmes/editions/{edition.pk}/call/",
                      {**body, "criteria": "x | X | heavy | magic", "professions": "astronaut | 1 |"})
    assert bad.status_code == 200 and b"weight" in bad.content and b"astronaut" in bad.content
    assert not Call.objects.exists(), "nothing saved on bad input"
    assert client.post(f"/exercises/programmes/editions/{edition.pk}/call/", body).status_code == 302
    call = Call.objects.get()
    assert call.quotas == {"max_per_country": 3, "min_share_gender": {"female": 0.4},
                           "min_per_profession": {"prosecutor": 5}}
    assert call.custom_fields == [{"name": "diet", "label": "Dietary needs", "required": False}]
    assert client.get(f"/exercises/calls/{call.pk}/").status_code == 404
    client.post(f"/exercises/programmes/calls/{call.pk}/publish/")
    client.logout()
    page = client.get(f"/exercises/calls/{call.pk}/")
    assert page.status_code == 200 and b"Astana 2027" in page.content
    # The form shows what was saved.
    client.force_login(membership.user)
    form = client.get(f"/exercises/programmes/editions/{edition.pk}/call/").content.decode()
    assert "experience | Experience | 2 | years" in form and "2027-06-01T23:59" in form


def test_another_organisation_cannot_write_into_the_programme(client):
    owner = factories.member(factories.organisation("Centre"), [R.TRAINING_COORDINATOR])
    client.force_login(owner.user)
    client.post("/exercises/programmes/new/", {"title": "Routes"})
    programme = Programme.objects.get()
    other = factories.member(factories.organisation("Elsewhere"), [R.TRAINING_COORDINATOR])
    client.force_login(other.user)
    response = client.post(f"/exercises/programmes/{programme.pk}/editions/new/", {
        "title": "X", "starts_on": "2027-09-13", "ends_on": "2027-09-17", "venue": "V", "country": "KZ",
        "language": "en", "capacity": "4", "groups": "1"})
    assert response.status_code == 404 and not Edition.objects.exists()


def test_who_may_not_start_a_programme_is_refused_and_the_refusal_is_audited():
    from alliance.core.errors import Forbidden
    from alliance.core.models import AuditEvent
    from alliance.exercises.selectors.programmes import programmes_for
    from alliance.exercises.services.programmes import programme_create

    caseworker = factories.actor(factories.member(factories.organisation(sector="ngo"), [R.CASE_WORKER]))
    with pytest.raises(Forbidden):
        programme_create(actor=caseworker, title="Not theirs to start")
    with pytest.raises(Forbidden):
        programmes_for(actor=caseworker)
    assert not Programme.objects.exists()
    denied = AuditEvent.objects.filter(action="denied", object_type="programme", user_id=caseworker.user_id)
    assert sorted(denied.values_list("reason", flat=True)) == sorted(["programme.create", R.PROGRAMME_MANAGE])
