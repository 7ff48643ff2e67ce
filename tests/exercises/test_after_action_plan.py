"""The improvement plan (items with a responsible live organisation or person, a due date, a status and a
completion date; overdue shown; kept by controllers and co-ordinators), attendance and the certificates of
participation (for attendees only, one each, codes kept, a trainee downloads their own)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.core import roles as R
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.directory.models import Organisation
from alliance.exercises.models import Certificate, ImprovementItem
from alliance.exercises.selectors.after_action import (
    after_action_report_for,
    certificate_own_for,
    certificates_for,
)
from alliance.exercises.services.after_action import (
    attendance_mark,
    certificates_issue,
    improvement_item_create,
    improvement_item_delete,
    improvement_item_update,
)
from tests import factories
from tests.exercises import after_action_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return after_action_world.build()


@pytest.fixture
def agency(db):
    return factories.organisation("Dreamland Police Academy", sector="law_enforcement")


def _item(agency, **change) -> dict:
    return {"finding": "Consent asked after the first share", "corrective_action": "Add consent to the SOP card",
            "objective": "lo-protect", "capability_target": "ct-consent", "organisation_id": agency.pk,
            "due_on": timezone.localdate() + dt.timedelta(days=30), **change}


def test_a_controller_adds_tracks_and_closes_an_item(world, agency):
    item = improvement_item_create(actor=world.controller, run_id=world.run.pk, data=_item(agency))
    assert item.status == "open" and item.completed_on is None
    item = improvement_item_update(actor=world.controller, item_id=item.pk, data={"status": "in_progress"})
    item = improvement_item_update(actor=world.boss, item_id=item.pk, data={"status": "done"})
    assert item.completed_on == timezone.localdate()
    item = improvement_item_update(actor=world.boss, item_id=item.pk, data={"status": "open"})
    assert item.completed_on is None
    events = AuditEvent.objects.filter(object_type="improvement_item")
    assert [e.action for e in events] == ["create", "update", "update", "update"]
    assert all("SOP" not in e.reason and "SOP" not in str(e.fields) for e in events)
    improvement_item_delete(actor=world.boss, item_id=item.pk)
    assert not ImprovementItem.objects.exists()


@pytest.mark.parametrize(("field", "change"), [
    ("due_on", {"due_on": dt.date(2020, 1, 1)}),
    ("due_on", {"due_on": None}),
    ("finding", {"finding": "  "}),
    ("corrective_action", {"corrective_action": "x" * 5001}),
    ("objective", {"objective": "lo-made-up"}),
    ("capability_target", {"capability_target": "ct-made-up"}),
    ("organisation", {"organisation_id": None}),
    ("organisation", {"organisation_id": 10**9}),
    ("owner", {"owner_id": 10**9}),
    ("status", {"status": "cancelled"}),
    ("completed_on", {"status": "done", "completed_on": dt.date.today() + dt.timedelta(days=3)}),
])
def test_bad_items_are_refused_naming_the_field(world, agency, field, change):
    with pytest.raises(ValidationFailed) as refused:
        improvement_item_create(actor=world.controller, run_id=world.run.pk, data=_item(agency, **change))
    assert field in refused.value.errors and not ImprovementItem.objects.exists()


def test_the_owner_must_be_of_the_live_realm(world, agency):
    sandbox_agency = Organisation.objects.filter(sandbox__isnull=False).first()
    with pytest.raises(ValidationFailed) as refused:
        improvement_item_create(actor=world.boss, run_id=world.run.pk,
                                data=_item(agency, organisation_id=sandbox_agency.pk))
    assert "organisation" in refused.value.errors
    # A trainee whose only account is in a sandbox agency is no owner; a live person is.
    with pytest.raises(ValidationFailed) as refused:
        improvement_item_create(actor=world.boss, run_id=world.run.pk,
                                data=_item(agency, organisation_id=None, owner_id=world.trainees[0][0].pk))
    assert "owner" in refused.value.errors
    item = improvement_item_create(actor=world.boss, run_id=world.run.pk,
                                   data=_item(agency, organisation_id=None, owner_id=world.observer.user_id))
    assert item.owner_id == world.observer.user_id


def test_observers_read_the_plan_but_do_not_keep_it_and_trainees_see_nothing(world, agency):
    for actor in (world.observer, world.trainee(1),
                  factories.actor(factories.member(factories.organisation(), [R.ANALYST]))):
        with pytest.raises(NotFound):
            improvement_item_create(actor=actor, run_id=world.run.pk, data=_item(agency))
    item = improvement_item_create(actor=world.controller, run_id=world.run.pk, data=_item(agency))
    with pytest.raises(NotFound):
        improvement_item_update(actor=world.observer, item_id=item.pk, data={"status": "done"})
    assert after_action_report_for(actor=world.observer, run_id=world.run.pk)["improvements"] == [item]


def test_an_overdue_item_is_shown_overdue_until_done(world, agency, client):
    item = improvement_item_create(actor=world.controller, run_id=world.run.pk, data=_item(agency))
    ImprovementItem.objects.filter(pk=item.pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    [shown] = after_action_report_for(actor=world.boss, run_id=world.run.pk)["improvements"]
    assert shown.overdue
    client.force_login(world.controller_user())
    page = client.get(f"/exercises/runs/{world.run.pk}/after-action/")
    assert b'data-testid="overdue"' in page.content
    csv = client.get(f"/exercises/runs/{world.run.pk}/after-action/improvements.csv")
    assert b"Consent asked after the first share" in csv.content and b",yes" in csv.content
    # The past due date stays when something else changes; it cannot be moved into the past.
    improvement_item_update(actor=world.boss, item_id=item.pk, data={"status": "done"})
    [shown] = after_action_report_for(actor=world.boss, run_id=world.run.pk)["improvements"]
    assert not shown.overdue


def test_the_plan_is_added_from_the_page(world, agency, client):
    client.force_login(world.controller_user())
    url = f"/exercises/runs/{world.run.pk}/after-action/improvements/"
    due = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    answer = client.post(url, {"finding": "Late referral", "corrective_action": "Drill the referral",
                               "organisation": str(agency.pk), "due_on": due, "status": "open"})
    assert answer.status_code == 302 and ImprovementItem.objects.get().finding == "Late referral"
    refused = client.post(url, {"finding": "Late referral", "corrective_action": "Drill", "due_on": due,
                                "status": "open"})
    assert refused.status_code == 400 and ImprovementItem.objects.count() == 1


def test_certificates_go_to_attendees_only(world):
    with pytest.raises(ValidationFailed):
        certificates_issue(actor=world.boss, run_id=world.run.pk)  # not finished yet
    world.finish()
    issued = certificates_issue(actor=world.controller, run_id=world.run.pk)
    assert [c.trainee_id for c in issued] == [world.trainees[0][0].pk]  # the one who acted in the sandbox
    attendance_mark(actor=world.controller, run_id=world.run.pk, trainee_id=world.trainees[1][0].pk, present=True)
    again = certificates_issue(actor=world.controller, run_id=world.run.pk)
    assert {c.trainee_id for c in again} == {world.trainees[0][0].pk, world.trainees[1][0].pk}
    assert {c.code for c in issued} <= {c.code for c in again} and Certificate.objects.count() == 2
    # Marked absent: the certificate is withdrawn.
    attendance_mark(actor=world.controller, run_id=world.run.pk, trainee_id=world.trainees[1][0].pk, present=False)
    assert list(Certificate.objects.values_list("trainee_id", flat=True)) == [world.trainees[0][0].pk]
    with pytest.raises(ValidationFailed):
        attendance_mark(actor=world.controller, run_id=world.run.pk, trainee_id=world.observer.user_id, present=True)
    with pytest.raises(NotFound):
        certificates_issue(actor=world.observer, run_id=world.run.pk)


def test_a_trainee_downloads_their_own_certificate_and_no_other(world, client):
    world.finish()
    certificates_issue(actor=world.boss, run_id=world.run.pk)
    own = certificate_own_for(actor=world.trainee(1, 0), run_id=world.run.pk)
    assert own.trainee_name == world.trainees[0][0].display_name and len(own.code) == 12
    with pytest.raises(NotFound):
        certificate_own_for(actor=world.trainee(1, 1), run_id=world.run.pk)  # did not attend
    with pytest.raises(NotFound):
        certificates_for(actor=world.trainee(1, 0), run_id=world.run.pk)  # the run's, for its staff only
    client.force_login(world.trainees[0][0])
    pdf = client.get(f"/exercises/runs/{world.run.pk}/my-certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    client.force_login(world.trainees[0][1])
    assert client.get(f"/exercises/runs/{world.run.pk}/my-certificate.pdf").status_code == 404
    assert AuditEvent.objects.filter(object_type="certificate", action="view").count() == 2


def test_certificates_survive_the_archive_and_the_pdf_holds_every_one(world, client):
    world.finish()
    attendance_mark(actor=world.boss, run_id=world.run.pk, trainee_id=world.trainees[1][1].pk, present=True)
    world.archive()
    issued = certificates_issue(actor=world.boss, run_id=world.run.pk)
    assert {c.trainee_id for c in issued} == {world.trainees[0][0].pk, world.trainees[1][1].pk}
    client.force_login(world.controller_user())
    pdf = client.get(f"/exercises/runs/{world.run.pk}/after-action/certificates.pdf")
    pages = pdf.content.count(b"/Type /Page") - pdf.content.count(b"/Type /Pages")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF") and pages == 2
