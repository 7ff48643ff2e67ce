"""POST /api/v1/exercises/programmes, .../editions, /editions/{id}/call, /calls/{id}/publish: a training
co-ordinator builds a programme, an edition and its call and publishes it through the API, with the pages'
services, policy and audit; bad input is a 422 naming each field and saves nothing; other roles and other
organisations are refused."""

from __future__ import annotations

import pytest

from alliance.core import roles as R
from alliance.core.models import AuditEvent
from alliance.directory.services import token_issue
from alliance.exercises.models import Call, Edition, Programme
from tests import factories

pytestmark = pytest.mark.django_db
BASE = "/api/v1/exercises"
EDITION = {"title": "Astana 2027", "starts_on": "2027-09-13", "ends_on": "2027-09-17", "venue": "Astana",
           "country": "KZ", "language": "ru", "capacity": 40, "groups": 2, "donors": "Dreamland Fund"}
CALL = {"deadline": "2027-06-01T23:59:00Z", "profiles": ["police", "prosecutor"], "min_years": 3,
        "criteria": [{"code": "experience", "label": "Experience", "weight": 2, "kind": "years"},
                     {"code": "motivation", "label": "Motivation", "weight": 1.5, "kind": "rating"}],
        "quotas": {"max_per_country": 3, "min_share_gender": {"female": 0.4}},
        "custom_fields": [{"name": "diet", "label": "Dietary needs"}], "about": "Live simulation"}


def _bearer(member) -> dict:
    _token, raw = token_issue(actor=factories.actor(member), name="programmes", days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _post(client, path, body, headers):
    return client.post(f"{BASE}{path}", body, content_type="application/json", **headers)


def test_a_coordinator_builds_and_publishes_a_call_through_the_api(client):
    member = factories.member(factories.organisation("Centre"), [R.TRAINING_COORDINATOR])
    bearer = _bearer(member)
    made = _post(client, "/programmes", {"title": "Routes", "summary": "Along migration routes"}, bearer)
    assert made.status_code == 201
    programme = Programme.objects.get(pk=made.json()["id"])
    assert programme.organisation_id == member.organisation_id
    edition = _post(client, f"/programmes/{programme.pk}/editions", EDITION, bearer)
    assert edition.status_code == 201 and edition.json()["language"] == "ru" and edition.json()["groups"] == 2
    edition_id = edition.json()["id"]
    call = _post(client, f"/editions/{edition_id}/call", CALL, bearer)
    assert call.status_code == 201 and call.json()["published"] is False
    saved = Call.objects.get()
    assert saved.criteria[0] == {"code": "experience", "label": "Experience", "weight": 2, "kind": "years"}
    assert saved.custom_fields == [{"name": "diet", "label": "Dietary needs", "required": False}]
    assert client.get(f"/exercises/calls/{saved.pk}/").status_code == 404  # not public until published
    published = _post(client, f"/calls/{saved.pk}/publish", {"published": True}, bearer)
    assert published.status_code == 200 and published.json()["published"] is True
    assert client.get(f"/exercises/calls/{saved.pk}/").status_code == 200
    written = list(AuditEvent.objects.filter(user_id=member.user_id, object_type__in=["programme", "edition", "call"])
                   .values_list("object_type", "action"))
    assert written == [("programme", "create"), ("edition", "create"), ("call", "create"), ("call", "update")]


@pytest.mark.parametrize(("path", "change", "field"), [
    ("/programmes", {"title": ""}, "title"),
    ("edition", {"ends_on": "2027-09-01"}, "ends_on"),
    ("edition", {"country": "ZZ"}, "country"),
    ("edition", {"starts_on": "2027-02-30"}, "starts_on"),
    ("edition", {"capacity": 0}, "capacity"),
    ("edition", {"language": "fr"}, "language"),
    ("edition", {"venu": "typo"}, "venu"),
    ("call", {"profiles": ["astronaut"]}, "profiles"),
    ("call", {"criteria": [{"code": "x", "label": "X", "weight": 0, "kind": "magic"}]}, "criteria"),
    ("call", {"deadline": "tomorrow"}, "deadline"),
    ("call", {"notification_date": "2027-05-01"}, "notification_date"),
])
def test_bad_input_is_a_422_naming_the_field_and_saves_nothing(client, path, change, field):
    member = factories.member(factories.organisation("Centre"), [R.TRAINING_COORDINATOR])
    bearer = _bearer(member)
    programme = Programme.objects.create(realm_id=factories.actor(member).realm_id,
                                         organisation_id=member.organisation_id, title="Routes")
    edition = Edition.objects.create(programme=programme, title="E", starts_on="2027-09-13", ends_on="2027-09-17",
                                     venue="V", country="KZ", capacity=10)
    target, body = {"/programmes": ("/programmes", {"title": "Other"}),
                    "edition": (f"/programmes/{programme.pk}/editions", EDITION),
                    "call": (f"/editions/{edition.pk}/call", CALL)}[path]
    counts = (Programme.objects.count(), Edition.objects.count(), Call.objects.count())
    response = _post(client, target, {**body, **change}, bearer)
    assert response.status_code == 422, response.content
    assert field in str(response.json()["error"]["details"])
    assert (Programme.objects.count(), Edition.objects.count(), Call.objects.count()) == counts


def test_other_roles_and_other_organisations_are_refused(client):
    owner = factories.member(factories.organisation("Centre"), [R.TRAINING_COORDINATOR])
    programme_id = _post(client, "/programmes", {"title": "Routes"}, _bearer(owner)).json()["id"]
    edition_id = _post(client, f"/programmes/{programme_id}/editions", EDITION, _bearer(owner)).json()["id"]
    call_id = _post(client, f"/editions/{edition_id}/call", CALL, _bearer(owner)).json()["id"]
    worker = _bearer(factories.member(factories.organisation("Shelter"), [R.CASE_WORKER]))
    elsewhere = _bearer(factories.member(factories.organisation("Elsewhere"), [R.TRAINING_COORDINATOR]))
    assert _post(client, "/programmes", {"title": "Mine"}, worker).status_code == 403
    for headers, expected in ((worker, 403), (elsewhere, 404)):
        assert _post(client, f"/programmes/{programme_id}/editions", EDITION, headers).status_code == expected
        assert _post(client, f"/editions/{edition_id}/call", CALL, headers).status_code == expected
        assert _post(client, f"/calls/{call_id}/publish", {}, headers).status_code == expected
    assert client.post(f"{BASE}/programmes", {"title": "Anon"}, content_type="application/json").status_code == 401
    assert Programme.objects.count() == 1 and Edition.objects.count() == 1 and not Call.objects.get().published
    assert AuditEvent.objects.filter(action="denied", object_type="programme").count() >= 4
