"""The after-action API: the report as JSON (the page's numbers), the trainee's feedback, improvement items
(create, list, change, delete, errors naming the field), certificates; the same policy as the pages."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.exercises.models import FeedbackResponse, ImprovementItem
from alliance.exercises.selectors.after_action import after_action_report_for
from tests import factories
from tests.exercises import after_action_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return after_action_world.build()


def test_the_report_json_has_the_pages_numbers(client, world):
    world.finish()
    client.force_login(world.controller_user())
    body = client.get(f"/api/v1/exercises/runs/{world.run.pk}/after-action").json()
    report = after_action_report_for(actor=world.boss, run_id=world.run.pk)
    assert (body["met"], body["total"]) == (report["overall"]["met"], report["overall"]["total"])
    assert [(t["number"], t["met"], t["total"]) for t in body["teams"]] == \
        [(t["number"], t["met"], t["total"]) for t in report["teams"]]
    assert body["trainees"] == 4 and body["attended"] == 1 and body["feedback"]["shown"] is False


def test_a_trainee_puts_and_reads_their_feedback(client, world):
    client.force_login(world.trainees[0][0])
    url = f"/api/v1/exercises/runs/{world.run.pk}/feedback"
    assert client.get(url).status_code == 204
    sent = client.put(url, {"realism": 5, "relevance": 4, "organisation": 3, "debrief": 2, "worked": "Cards"},
                      content_type="application/json")
    assert sent.status_code == 200 and sent.json()["worked"] == "Cards"
    assert client.get(url).json()["realism"] == 5
    bad = client.put(url, {"realism": 9, "relevance": 4, "organisation": 3, "debrief": 2},
                     content_type="application/json")
    assert bad.status_code in (400, 422) and FeedbackResponse.objects.get().realism == 5
    client.force_login(world.controller_user())
    assert client.put(url, {"realism": 5, "relevance": 4, "organisation": 3, "debrief": 2},
                      content_type="application/json").status_code == 404


def test_improvement_items_round_trip(client, world):
    agency = factories.organisation("Dreamland Labour Inspectorate", sector="labour_inspection")
    client.force_login(world.controller_user())
    base = f"/api/v1/exercises/runs/{world.run.pk}/improvements"
    due = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    made = client.post(base, {"finding": "No FIU request", "corrective_action": "Add the FIU contact",
                              "organisation_id": agency.pk, "due_on": due}, content_type="application/json")
    assert made.status_code == 201, made.content
    item_id = made.json()["id"]
    changed = client.patch(f"/api/v1/exercises/improvements/{item_id}", {"status": "done"},
                           content_type="application/json")
    assert changed.json()["status"] == "done" and changed.json()["completed_on"] == timezone.localdate().isoformat()
    past = client.post(base, {"finding": "x", "corrective_action": "y", "organisation_id": agency.pk,
                              "due_on": "2020-01-01"}, content_type="application/json")
    assert past.status_code in (400, 422) and "due_on" in past.json()["error"]["details"]
    no_day = client.post(base, {"finding": "x", "corrective_action": "y", "organisation_id": agency.pk,
                                "due_on": "2030-02-30"}, content_type="application/json")
    assert no_day.status_code in (400, 422) and "due_on" in no_day.json()["error"]["details"]
    assert [i["id"] for i in client.get(base).json()] == [item_id]
    assert client.delete(f"/api/v1/exercises/improvements/{item_id}").status_code == 204
    assert not ImprovementItem.objects.exists()


def test_certificates_are_issued_and_downloaded(client, world):
    world.finish()
    client.force_login(world.controller_user())
    codes = client.post(f"/api/v1/exercises/runs/{world.run.pk}/certificates").json()
    assert len(codes) == 1
    pdf = client.get(f"/api/v1/exercises/runs/{world.run.pk}/certificates/{world.trainees[0][0].pk}.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert client.get(f"/api/v1/exercises/runs/{world.run.pk}/certificates/{world.trainees[0][1].pk}.pdf"
                      ).status_code == 404
    client.force_login(world.trainees[0][0])
    assert client.get(f"/api/v1/exercises/runs/{world.run.pk}/my-certificate.pdf").content.startswith(b"%PDF")
