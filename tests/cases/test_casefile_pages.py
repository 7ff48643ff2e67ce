"""The case file's forms on the case page, without JavaScript: each posts, comes back to the page, and says
what happened or what was wrong."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.cases.models import Note, SupportPlan, SupportService, Task
from alliance.cases.services.casefile import task_create
from tests.cases.casefile_world import desk_fixture  # noqa: F401 - the `desk` fixture

pytestmark = pytest.mark.django_db


def today():
    """Read at each use: a run that crosses midnight must not find "today" in the past."""
    return timezone.localdate()


def _post(client, desk, path, data, who="police"):
    client.force_login(getattr(desk, who).user)
    response = client.post(path, data, follow=True)
    assert response.status_code == 200
    return response.content.decode().replace("&#x27;", "'").replace("&quot;", '"')


def test_add_edit_and_complete_a_task(client, desk):
    case = desk.case.pk
    page = _post(client, desk, f"/cases/{case}/tasks/", {"title": "Book interpreter", "due_on": str(today()),
                                                         "assignee": str(desk.colleague.user_id)})
    assert "The task is added." in page and "Book interpreter" in page
    task = Task.objects.get()
    page = _post(client, desk, f"/cases/{case}/tasks/", {"title": "Late", "due_on": str(today() - dt.timedelta(1))})
    assert "Due on: The due date is in the past." in page and Task.objects.count() == 1
    edit = client.get(f"/cases/tasks/{task.pk}/")
    assert edit.status_code == 200 and 'value="Book interpreter"' in edit.content.decode()
    page = _post(client, desk, f"/cases/tasks/{task.pk}/", {"title": "Book a Dari interpreter", "status": "open",
                                                             "assignee": "", "due_on": ""})
    assert "The task is saved." in page and "Book a Dari interpreter" in page
    assert "The task is done." in _post(client, desk, f"/cases/tasks/{task.pk}/complete/", {})
    assert Task.objects.get().status == "done"
    assert "Only an open task can be marked done." in _post(client, desk, f"/cases/tasks/{task.pk}/complete/", {})


def test_edit_page_shows_the_service_errors_on_its_fields(client, desk):
    task = task_create(actor=desk.actor("police"), case_id=desk.case.pk, title="Visit")
    client.force_login(desk.police.user)
    page = client.post(f"/cases/tasks/{task.pk}/", {"title": "Visit", "status": "open",
                                                    "due_on": str(today() - dt.timedelta(3))}).content.decode()
    assert "The due date is in the past." in page and 'id="id_due_on-errors"' in page


def test_complete_from_my_tasks_returns_there(client, desk):
    task = task_create(actor=desk.actor("police"), case_id=desk.case.pk, title="Visit",
                       assignee_id=desk.colleague.user_id)
    client.force_login(desk.colleague.user)
    response = client.post(f"/cases/tasks/{task.pk}/complete/", {"next": "mine"})
    assert response.status_code == 302 and response["Location"] == "/cases/tasks/mine/"


def test_note_and_its_errors(client, desk):
    page = _post(client, desk, f"/cases/{desk.case.pk}/notes/", {"body": "Afraid of the landlord",
                                                                 "sensitivity": "restricted"})
    assert "The note is added." in page and "Afraid of the landlord" in page
    assert Note.objects.get().sensitivity == "restricted"
    assert "Note: This field is required." in _post(client, desk, f"/cases/{desk.case.pk}/notes/",
                                                     {"body": "", "sensitivity": "standard"})
    # A restricted note is its author's alone: a colleague's page does not show it.
    client.force_login(desk.colleague.user)
    assert "Afraid of the landlord" not in client.get(f"/cases/{desk.case.pk}/?tab=casefile").content.decode()


def test_support_plan_and_services_through_the_page(client, desk):
    case = desk.case.pk
    page = _post(client, desk, f"/cases/{case}/support-plan/", {"objectives": "Safety first",
                                                                "support_types": ["Health", "Legal"],
                                                                "planned_end_on": str(today() + dt.timedelta(90))})
    assert "The support plan is saved." in page and "Safety first" in page
    assert SupportPlan.objects.get().support_types == ["Health", "Legal"]
    page = _post(client, desk, f"/cases/{case}/support-plan/", {"actual_end_on": str(today() + dt.timedelta(9))})
    assert "Actual end: The plan cannot have ended on a future date." in page
    page = _post(client, desk, f"/cases/{case}/support-plan/services/", {
        "support_type": "Legal", "provider": str(desk.shelter.organisation_id), "status": "planned",
        "starts_on": str(today()), "ends_on": str(today() - dt.timedelta(1))})
    assert "The end date is before the start date." in page and not SupportService.objects.exists()
    page = _post(client, desk, f"/cases/{case}/support-plan/services/", {
        "support_type": "Legal", "provider_name": "Dream Lawyers", "status": "planned", "description": "Advice"})
    assert "The service is added." in page and "Dream Lawyers" in page and "Legal" in page
    service = SupportService.objects.get()
    page = _post(client, desk, f"/cases/support-services/{service.pk}/", {"status": "delivered",
                                                                         "starts_on": str(today())})
    assert "The service is saved." in page and SupportService.objects.get().status == "delivered"


def test_a_service_needs_the_plan_first(client, desk):
    page = _post(client, desk, f"/cases/{desk.case.pk}/support-plan/services/", {
        "support_type": "Legal", "provider_name": "Dream Lawyers", "status": "planned"})
    assert "Save the support plan first." in page and not SupportService.objects.exists()


def test_timeline_page_is_paginated(client, desk):
    for n in range(55):
        task_create(actor=desk.actor("police"), case_id=desk.case.pk, title=f"Task {n}")
    client.force_login(desk.police.user)
    first = client.get(f"/cases/{desk.case.pk}/timeline/").content.decode()
    assert "Task 54" in first and "Page 1 of 2" in first and "Task: Task 0 <small>" not in first
    second = client.get(f"/cases/{desk.case.pk}/timeline/?page=2").content.decode()
    assert "Task: Task 0 <small>" in second and "Task 54" not in second
    assert client.get(f"/cases/{desk.case.pk}/timeline/?page=abc").status_code == 200
    case_page = client.get(f"/cases/{desk.case.pk}/?tab=casefile").content.decode()
    assert f"/cases/{desk.case.pk}/timeline/" in case_page  # the panel shows the latest and links to the rest
