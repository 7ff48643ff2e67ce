"""Who reads which part of the case file, on the page and through the API; the timeline; "My tasks"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.cases.models import Note, Task
from alliance.cases.selectors.casefile import (
    document_list_for,
    my_tasks_for,
    note_list_for,
    task_list_for,
)
from alliance.cases.selectors.timeline import timeline_for
from alliance.cases.services import case_transition, consent_withdraw
from alliance.cases.services.casefile import (
    document_upload,
    note_add,
    support_plan_save,
    support_service_add,
    task_complete,
    task_create,
)
from alliance.core.errors import NotFound
from alliance.core.policy import may_read_part, readable_parts
from tests import factories
from tests.cases.casefile_world import PDF, desk_fixture, upload  # noqa: F401

pytestmark = pytest.mark.django_db

# Who wrote it (person, organisation) x sensitivity -> who reads it. "police" and "colleague" work for the
# owner; "shelter" holds a full share; "clinic" a limited one; "stranger" nothing.
READERS = ["police", "colleague", "shelter", "clinic", "stranger"]
TABLE = [
    ("police", "standard", {"police", "colleague", "shelter"}),
    ("police", "confidential", {"police", "colleague"}),
    ("police", "restricted", {"police"}),
    ("shelter", "standard", {"police", "colleague", "shelter"}),
    ("shelter", "confidential", {"shelter"}),
    ("shelter", "restricted", {"shelter"}),
]


@pytest.mark.parametrize(("author", "sensitivity", "readers"), TABLE)
def test_note_and_document_sensitivity(desk, author, sensitivity, readers):
    note = note_add(actor=desk.actor(author), case_id=desk.case.pk, body="Fears her uncle", sensitivity=sensitivity)
    document = document_upload(actor=desk.actor(author), case_id=desk.case.pk, file=upload(PDF, "s.pdf"),
                               sensitivity=sensitivity)
    for reader in READERS:
        actor = desk.actor(reader)
        try:
            notes = [n.pk for n in note_list_for(actor=actor, case_id=desk.case.pk)]
            documents = [d.pk for d in document_list_for(actor=actor, case_id=desk.case.pk)]
        except NotFound:
            notes = documents = []
        expected = reader in readers
        assert (note.pk in notes) == expected, (reader, "note")
        assert (document.pk in documents) == expected, (reader, "document")
        timeline = [i.kind for i in timeline_items_of(desk, reader)]
        assert ("note" in timeline) == expected and ("document" in timeline) == expected, (reader, "timeline")


def timeline_items_of(desk, who):
    try:
        return timeline_for(actor=desk.actor(who), case_id=desk.case.pk, page=1, page_size=200)[0]
    except NotFound:
        return []


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(author=st.sampled_from(["police", "colleague", "shelter"]),
       sensitivity=st.sampled_from(Note.Sensitivity.values), reader=st.sampled_from(READERS))
def test_the_row_rule_and_the_query_rule_agree(desk, author, sensitivity, reader):
    note = Note.objects.create(case=desk.case, organisation_id=getattr(desk, author).organisation_id,
                               author_id=getattr(desk, author).user_id, sensitivity=sensitivity, body="x")
    actor = desk.actor(reader)
    in_query = Note.objects.filter(pk=note.pk).filter(readable_parts(actor, author_field="author_id")).exists()
    assert in_query == may_read_part(actor, sensitivity=sensitivity, organisation_id=note.organisation_id,
                                author_id=note.author_id)


@pytest.fixture
def filled(desk):
    police = desk.actor("police")
    task = task_create(actor=police, case_id=desk.case.pk, title="Book interpreter", assignee_id=desk.police.user_id)
    note = note_add(actor=police, case_id=desk.case.pk, body="Fears her uncle")
    document = document_upload(actor=police, case_id=desk.case.pk, file=upload(PDF, "statement.pdf"))
    support_plan_save(actor=police, case_id=desk.case.pk, objectives="Safety")
    service = support_service_add(actor=police, case_id=desk.case.pk, support_type="Legal",
                                  provider_name="Dream Lawyers")
    return {"task": task, "note": note, "document": document, "service": service}


def test_a_limited_share_reads_nothing_of_the_file_on_the_page(client, desk, filled):
    client.force_login(desk.clinic.user)
    page = client.get(f"/cases/{desk.case.pk}/?tab=casefile").content.decode()
    assert 'data-testid="timeline"' in page
    # No dated history either: it would tell when each decision was taken.
    for hidden in ('data-testid="tasks"', 'data-testid="notes"', 'data-testid="documents"', "Book interpreter",
                   "Fears her uncle", "statement.pdf", "Dream Lawyers", 'data-kind="nrm"', "<time"):
        assert hidden not in page, hidden
    assert client.get(f"/cases/documents/{filled['document'].pk}/").status_code == 404
    assert client.get(f"/cases/tasks/{filled['task'].pk}/").status_code == 404
    assert client.post(f"/cases/tasks/{filled['task'].pk}/complete/").status_code == 404
    assert client.post(f"/cases/{desk.case.pk}/notes/", {"body": "x", "sensitivity": "standard"}).status_code == 404
    assert client.post(f"/cases/{desk.case.pk}/tasks/", {"title": ""}).status_code == 404
    assert client.post(f"/cases/{desk.case.pk}/documents/", {"file": upload(PDF, "a.pdf"),
                                                             "sensitivity": "standard"}).status_code == 404
    assert client.post(f"/cases/support-services/{filled['service'].pk}/", {"status": "delivered"}).status_code == 404
    assert "Book interpreter" not in client.get("/cases/tasks/mine/").content.decode()


def test_a_limited_share_reads_nothing_of_the_file_through_the_api(client, desk, filled):
    auth = desk.api(client, "clinic")
    case = desk.case.pk
    for path in (f"/api/v1/cases/{case}/tasks", f"/api/v1/cases/{case}/notes", f"/api/v1/cases/{case}/documents",
                 f"/api/v1/cases/documents/{filled['document'].pk}/content", f"/api/v1/cases/{case}/support-plan"):
        response = client.get(path, **auth)
        assert response.status_code == 404 and response.json()["error"]["code"] == "not_found", path
    posts = {f"/api/v1/cases/{case}/notes": {"body": "x"}, f"/api/v1/cases/{case}/tasks": {"title": "x"},
             f"/api/v1/cases/tasks/{filled['task'].pk}/complete": {}}
    for path, body in posts.items():
        assert client.post(path, body, content_type="application/json", **auth).status_code == 404, path
    assert client.patch(f"/api/v1/cases/tasks/{filled['task'].pk}", {"title": "x"}, content_type="application/json",
                        **auth).status_code == 404
    assert client.put(f"/api/v1/cases/{case}/support-plan", {}, content_type="application/json",
                      **auth).status_code == 404
    assert client.get("/api/v1/cases/tasks/mine", **auth).json()["count"] == 0


def test_a_full_share_reads_and_works_on_the_file(client, desk, filled):
    client.force_login(desk.shelter.user)
    page = client.get(f"/cases/{desk.case.pk}/?tab=casefile").content.decode()
    for shown in ("Book interpreter", "Fears her uncle", "statement.pdf", "Dream Lawyers", 'data-testid="add-task"'):
        assert shown in page, shown
    assert client.get(f"/cases/documents/{filled['document'].pk}/").content == PDF


def test_a_reader_who_may_not_edit_sees_no_forms(client, desk, filled):
    client.force_login(desk.authority.user)
    page = client.get(f"/cases/{desk.case.pk}/?tab=casefile").content.decode()
    assert "Book interpreter" in page and 'data-testid="add-task"' not in page and "upload-document" not in page
    assert client.get(f"/cases/tasks/{filled['task'].pk}/").status_code == 404


def test_timeline_newest_first_with_every_kind(client, desk, filled):
    police = desk.actor("police")
    task_complete(actor=police, task_id=filled["task"].pk)
    case_transition(actor=factories.actor(factories.member(desk.police.organisation, ["competent_authority"])),
                    case_id=desk.case.pk, transition="reasonable_grounds", outcome="positive",
                    reason="Debt bondage indicators")
    consent = desk.case.consents.first()
    consent_withdraw(actor=police, consent_id=consent.pk)
    items, count, full = timeline_for(actor=police, case_id=desk.case.pk, page=1, page_size=200)
    assert full and count == len(items)
    times = [item.at for item in items]
    assert times == sorted(times, reverse=True)
    kinds = {item.kind for item in items}
    assert {"nrm", "consent_given", "consent_withdrawn", "share_sent", "share_revoked", "task_created", "task_done",
            "note", "document", "support_plan", "support_service"} <= kinds
    nrm = next(item for item in items if item.kind == "nrm")
    assert nrm.organisation == "Dreamland Police" and nrm.user == "Test User"
    assert "Debt bondage" not in str(items) and "Fears her uncle" not in str(items)
    assert items[0].kind in ("consent_withdrawn", "share_revoked")  # the last thing done
    page_two, total, _full = timeline_for(actor=police, case_id=desk.case.pk, page=2, page_size=5)
    assert total == count and page_two == items[5:10]


def test_timeline_for_a_limited_share_shows_nothing(client, desk, filled):
    decider = factories.actor(factories.member(desk.police.organisation, ["competent_authority"]))
    case_transition(actor=decider, case_id=desk.case.pk, transition="reasonable_grounds", outcome="positive",
                    reason="Debt bondage indicators")
    items, _count, full = timeline_for(actor=desk.actor("clinic"), case_id=desk.case.pk)
    # The limited scope shows the current stage, not when it was reached: no dated history at all.
    assert not full and items == []
    auth = desk.api(client, "clinic")
    body = client.get(f"/api/v1/cases/{desk.case.pk}/timeline", **auth).json()
    assert body["scope"] == "limited" and body["items"] == []
    assert "Debt bondage" not in str(body) and "Dreamland Police" not in str(body)
    client.force_login(desk.clinic.user)
    page = client.get(f"/cases/{desk.case.pk}/timeline/").content.decode()
    assert "Book interpreter" not in page and "Debt bondage" not in page
    with pytest.raises(NotFound):
        timeline_for(actor=desk.actor("stranger"), case_id=desk.case.pk)
    assert client.get(f"/api/v1/cases/{desk.case.pk}/timeline", **desk.api(client, "stranger")).status_code == 404


def test_my_tasks_overdue_first_and_only_where_i_read_the_file(client, desk):
    police = desk.actor("police")
    today = timezone.localdate()
    later = task_create(actor=police, case_id=desk.case.pk, title="Later", due_on=today + dt.timedelta(days=9),
                        assignee_id=desk.colleague.user_id)
    undated = task_create(actor=police, case_id=desk.case.pk, title="Whenever", assignee_id=desk.colleague.user_id)
    overdue = task_create(actor=police, case_id=desk.case.pk, title="Overdue", assignee_id=desk.colleague.user_id)
    Task.objects.filter(pk=overdue.pk).update(due_on=today - dt.timedelta(days=2))
    done = task_create(actor=police, case_id=desk.case.pk, title="Done already", assignee_id=desk.colleague.user_id)
    task_complete(actor=police, task_id=done.pk)
    task_create(actor=police, case_id=desk.case.pk, title="Someone else's")
    mine = my_tasks_for(actor=desk.actor("colleague"))
    assert [t.pk for t in mine] == [overdue.pk, later.pk, undated.pk]
    assert mine[0].overdue and not mine[1].overdue
    client.force_login(desk.colleague.user)
    page = client.get("/cases/tasks/mine/").content.decode()
    assert page.index("Overdue") < page.index("Later") < page.index("Whenever") and "Done already" not in page
    assert 'href="/cases/tasks/mine/"' in page  # in the top navigation
    body = client.get("/api/v1/cases/tasks/mine", **desk.api(client, "colleague")).json()
    assert [t["title"] for t in body["items"]] == ["Overdue", "Later", "Whenever"] and body["items"][0]["overdue"]
    on_the_case = [t.title for t in task_list_for(actor=police, case_id=desk.case.pk)]
    assert on_the_case[:2] == ["Overdue", "Later"] and on_the_case[-1] == "Done already"


def test_a_full_share_sees_only_its_own_share_in_the_timeline(desk, filled):
    """A share never tells who else looks at a case: the shelter (full share) does not learn of the clinic."""
    shelter_items = timeline_items_of(desk, "shelter")
    labels = " ".join(i.label for i in shelter_items)
    assert "Green Clinic" not in labels and "Safe Harbour" in labels
    owner_labels = " ".join(i.label for i in timeline_items_of(desk, "police"))
    assert "Green Clinic" in owner_labels and "Safe Harbour" in owner_labels
