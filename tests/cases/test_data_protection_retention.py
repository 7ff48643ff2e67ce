"""Retention per country profile, anonymisation, legal holds and deletion; the audit chain survives them all."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from alliance.cases.models import Case, CaseShare, Consent, Document, Note, NrmEvent, Person, Task
from alliance.cases.selectors.register import case_search_for
from alliance.cases.services import case_create, case_transition
from alliance.cases.services.data_protection import case_delete, legal_hold_clear, legal_hold_set
from alliance.cases.services.retention import case_anonymise, retention_run
from alliance.core import audit
from alliance.core import roles as R
from alliance.core.encryption import encrypted_fields_of
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from tests import factories

TODAY = dt.date(2031, 6, 15)
NAME = ("Zorana", "Kestrel")


@pytest.fixture
def worker(db):
    return factories.actor(factories.member(factories.organisation("Safe Harbour"), [R.CASE_WORKER]))


def _closed_case(worker, *, country="XD", closed_on=None, hold=False, given=NAME[0], family=NAME[1]):
    case = case_create(actor=worker, given_name=given, family_name=family, identity_number="ZK-778899",
                       birth_date="1988-07-15", summary="Found at the port, speaks Kestrelian", country=country)
    case_transition(actor=worker, case_id=case.pk, transition="close", reason="Left for her home town")
    if closed_on is not None:
        # Arranging a closure years ago: the step itself cannot be dated before the case was opened.
        Case.objects.filter(pk=case.pk).update(closed_on=closed_on)
    if hold:
        legal_hold_set(actor=worker, case_id=case.pk, reason="Trial of the recruiters pending")
    return Case.objects.get(pk=case.pk)


# The retention table: profile periods XD 5, XP 3, XM 10 years after closure; judged on TODAY.
TABLE = [
    # country, closed on, legal hold, anonymised on TODAY?
    ("XD", dt.date(2026, 6, 14), False, True),   # 5 years ended 2031-06-14
    ("XD", dt.date(2026, 6, 15), False, False),  # ends today: kept today, anonymised tomorrow
    ("XD", dt.date(2026, 6, 16), False, False),
    ("XP", dt.date(2028, 6, 1), False, True),    # 3 years ended 2031-06-01
    ("XP", dt.date(2028, 6, 30), False, False),
    ("XM", dt.date(2026, 1, 1), False, False),   # 10 years: until 2036
    ("XM", dt.date(2021, 6, 1), False, True),
    ("XD", dt.date(2020, 1, 1), True, False),    # long past, but held
]


def test_retention_anonymises_only_past_due_unheld_closed_cases(worker):
    cases = [_closed_case(worker, country=c, closed_on=on, hold=held) for c, on, held, _due in TABLE]
    still_open = case_create(actor=worker, given_name="Open", family_name="Case", country="XP")
    Case.objects.filter(pk=still_open.pk).update(created_at=timezone.now() - dt.timedelta(days=365 * 20))
    result = retention_run(today=TODAY)
    assert sorted(result.anonymised) == sorted(c.pk for c, row in zip(cases, TABLE, strict=True) if row[3])
    assert result.held == 1
    for case, (_country, _on, _held, due) in zip(cases, TABLE, strict=True):
        assert (Case.objects.get(pk=case.pk).anonymised_at is not None) == due
    assert Case.objects.get(pk=still_open.pk).anonymised_at is None


def test_a_second_run_changes_nothing(worker):
    _closed_case(worker, closed_on=dt.date(2020, 1, 1))
    assert len(retention_run(today=TODAY).anonymised) == 1
    events = AuditEvent.objects.count()
    again = retention_run(today=TODAY)
    assert again.anonymised == [] and again.due == []
    assert AuditEvent.objects.count() == events


def _readable_values():
    """Every value in the case tables as the application reads it (decrypted), and every raw cell."""
    for model in apps.get_app_config("cases").get_models():
        encrypted = encrypted_fields_of(model)
        for row in model.objects.all():
            for field in model._meta.concrete_fields:
                if field.name in encrypted or field.get_internal_type() in ("CharField", "TextField", "JSONField"):
                    yield f"{model.__name__}.{field.name}", str(getattr(row, field.attname))
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - names from the schema
            for row in cursor.fetchall():
                yield table, " ".join(str(cell) for cell in row)


def test_anonymisation_leaves_no_name_number_or_free_text(worker):
    case = _closed_case(worker, closed_on=dt.date(2020, 1, 1))
    person = case.person
    person.details = {"sex": "Female", "citizenships": ["XP"], "estimated_age": 37, "primary_language": "kes",
                      "address": "12 Harbour Lane", "vulnerabilities": ["Pregnancy"]}
    person.save()
    case.victim_context = {"exploitation_types": ["SexualExploitation"], "exploitation_country": "XD",
                           "exploitation_place": "Villa Kestrel", "perpetrators": [{"role": "Exploiter"}],
                           "route_events": [{"type": "Transit", "country": "XM", "place": "Port Kestrel",
                                             "description": "by night"}]}
    case.save()
    Note.objects.create(case=case, organisation_id=worker.organisation_id, body="Zorana cried")
    Task.objects.create(case=case, organisation_id=worker.organisation_id, title="Call Zorana's sister")
    factories.share(actor=worker, case_id=case.pk, organisation_id=factories.organisation("Clinic").pk,
                    scope="limited", purpose="Care for Zorana")
    Document.objects.create(case=case, organisation_id=worker.organisation_id, title="Zorana passport",
                            filename="kestrel.png", content_type="image/png", size=4, sha256="a" * 64,
                            content=b"\x89PNG")
    retention_run(today=TODAY)

    for where, text in _readable_values():
        for secret in (*NAME, "ZK-778899", "ZK778899", "1988-07-15", "Harbour Lane", "Villa", "Port Kestrel",
                       "speaks", "home town"):
            assert secret not in text, f"{secret!r} left in {where}"
    person = Person.objects.get(pk=person.pk)
    assert person.full_name_index is None and person.family_name_index is None
    assert person.identity_number_index is None and person.anonymised_at is not None
    assert person.details == {"sex": "Female", "citizenships": ["XP"], "age_band": "30-38"}
    case = Case.objects.get(pk=case.pk)
    assert case.victim_context == {"exploitation_types": ["SexualExploitation"], "exploitation_country": "XD",
                                   "route_events": [{"type": "Transit", "country": "XM"}]}
    # The facts stay: number, stage, status, dates, consents.
    assert case.nrm_stage == "closed" and case.status == "closed" and case.closed_on == dt.date(2020, 1, 1)
    assert case.pseudonym == f"Person {case.number[-4:]}"
    assert case_search_for(actor=worker, name=" ".join(NAME)) == []
    assert case_search_for(actor=worker, identity_number="ZK-778899") == []
    assert not NrmEvent.objects.filter(case=case, reason__isnull=False).exists()
    event = AuditEvent.objects.filter(action="update", object_id=str(case.pk), user_id=None).get()
    assert event.reason.startswith("retention: XD period ended") and "person.given_name" in event.fields
    assert audit.verify(anchor_file=_no_anchor()).ok


def _no_anchor():
    from pathlib import Path

    return Path("/nonexistent/alliance-anchor.log")


def test_a_person_with_another_case_kept_whole_keeps_their_name(worker):
    old = _closed_case(worker, closed_on=dt.date(2020, 1, 1))
    newer = case_create(actor=worker, given_name="Other", family_name="Person")
    Case.objects.filter(pk=newer.pk).update(person=old.person)
    retention_run(today=TODAY)
    assert Case.objects.get(pk=old.pk).anonymised_at is not None
    person = Person.objects.get(pk=old.person_id)
    assert person.anonymised_at is None and person.family_name == NAME[1]


def test_anonymising_by_hand_needs_a_closed_unheld_case_and_a_reason(worker):
    open_case = case_create(actor=worker, given_name="Still", family_name="Open")
    with pytest.raises(ValidationFailed) as refused:
        case_anonymise(actor=worker, case_id=open_case.pk, justification="Erasure request, Art. 17 GDPR")
    assert "status" in refused.value.errors
    held = _closed_case(worker, hold=True)
    with pytest.raises(ValidationFailed) as refused:
        case_anonymise(actor=worker, case_id=held.pk, justification="Erasure request, Art. 17 GDPR")
    assert "legal_hold" in refused.value.errors
    closed = _closed_case(worker)
    assert case_anonymise(actor=worker, case_id=closed.pk,
                          justification="Erasure request, Art. 17 GDPR").anonymised_at is not None
    with pytest.raises(ValidationFailed):
        legal_hold_set(actor=worker, case_id=closed.pk, reason="Too late")


def test_legal_hold_needs_a_reason_and_only_the_owner_may_set_it(worker):
    case = _closed_case(worker)
    with pytest.raises(ValidationFailed) as refused:
        legal_hold_set(actor=worker, case_id=case.pk, reason="  ")
    assert "reason" in refused.value.errors
    police = factories.organisation("Police", sector="law_enforcement")
    factories.share(actor=worker, case_id=case.pk, organisation_id=police.pk, scope="full", purpose="Inquiry")
    officer = factories.actor(factories.member(police, [R.INVESTIGATOR]))
    with pytest.raises(NotFound):
        legal_hold_set(actor=officer, case_id=case.pk, reason="Our inquiry")
    held = legal_hold_set(actor=worker, case_id=case.pk, reason="Trial pending")
    assert held.legal_hold and held.legal_hold_by_id == worker.user_id
    released = legal_hold_clear(actor=worker, case_id=case.pk, reason="Judgment final")
    assert not released.legal_hold and released.legal_hold_reason == ""
    events = AuditEvent.objects.count()
    legal_hold_clear(actor=worker, case_id=case.pk, reason="Again")  # nothing held: nothing changes
    assert AuditEvent.objects.count() == events


def test_the_command_counts_and_a_dry_run_changes_nothing(worker):
    _closed_case(worker, closed_on=dt.date(2020, 1, 1))
    _closed_case(worker, closed_on=dt.date(2020, 1, 1), hold=True)
    out = io.StringIO()
    call_command("retention", "run", "--dry-run", "--today", TODAY.isoformat(), stdout=out)
    assert "Due for anonymisation: 1 cases; under a legal hold: 1" in out.getvalue()
    assert not Case.objects.filter(anonymised_at__isnull=False).exists()
    out = io.StringIO()
    call_command("retention", "run", "--today", TODAY.isoformat(), stdout=out)
    assert "Anonymised: 1 cases" in out.getvalue()
    assert Case.objects.filter(anonymised_at__isnull=False).count() == 1


def test_reopening_clears_the_closure_date_and_closing_sets_it(worker):
    case = _closed_case(worker)
    assert case.closed_on == timezone.localdate()
    case_transition(actor=worker, case_id=case.pk, transition="reopen", reason="She came back")
    assert Case.objects.get(pk=case.pk).closed_on is None


# --- Deletion --------------------------------------------------------------------------------------

def test_deletion_removes_the_case_its_rows_and_the_person_and_keeps_the_chain(worker):
    case = _closed_case(worker)
    third = factories.organisation("Clinic")
    factories.share(actor=worker, case_id=case.pk, organisation_id=third.pk, scope="limited", purpose="Care")
    Note.objects.create(case=case, organisation_id=worker.organisation_id, body="Zorana cried")
    person_id, events_before = case.person_id, AuditEvent.objects.count()
    assert case_delete(actor=worker, case_id=case.pk, justification="Erasure request under Art. 17, verified")
    assert not Case.objects.filter(pk=case.pk).exists() and not Person.objects.filter(pk=person_id).exists()
    for model in (Note, Consent, CaseShare, NrmEvent):
        assert not model.objects.filter(case_id=case.pk).exists()
    deleted = AuditEvent.objects.get(action="delete", object_id=str(case.pk))
    assert deleted.fields == ["case", "person"] and NAME[0] not in deleted.reason
    # The case's earlier events stay: the chain is whole and verifies.
    assert AuditEvent.objects.filter(object_id=str(case.pk)).count() > 1
    assert AuditEvent.objects.count() == events_before + 1
    assert audit.verify(anchor_file=_no_anchor()).ok


def test_deletion_keeps_a_person_another_case_refers_to(worker):
    case = _closed_case(worker)
    other = case_create(actor=worker, given_name="X", family_name="Y")
    Case.objects.filter(pk=other.pk).update(person=case.person)
    assert case_delete(actor=worker, case_id=case.pk, justification="Duplicate entry of the same intake") is False
    assert Person.objects.filter(pk=case.person_id).exists()


def test_deletion_is_refused_under_hold_without_justification_and_beyond_the_owner(worker):
    held = _closed_case(worker, hold=True)
    with pytest.raises(ValidationFailed) as refused:
        case_delete(actor=worker, case_id=held.pk, justification="Erasure request under Art. 17, verified")
    assert "legal_hold" in refused.value.errors
    case = _closed_case(worker)
    with pytest.raises(ValidationFailed) as refused:
        case_delete(actor=worker, case_id=case.pk, justification="too short")
    assert "justification" in refused.value.errors
    stranger = factories.actor(factories.member(factories.organisation("Elsewhere"), [R.CASE_WORKER]))
    with pytest.raises(NotFound):
        case_delete(actor=stranger, case_id=case.pk, justification="Erasure request under Art. 17, verified")
    assert Case.objects.filter(pk__in=[held.pk, case.pk]).count() == 2
    assert AuditEvent.objects.filter(action="denied", object_id=str(case.pk), reason="delete").exists()


def test_the_page_forms_hold_and_delete(client, worker):
    from alliance.directory.models import User

    case = _closed_case(worker)
    client.force_login(User.objects.get(pk=worker.user_id))
    page = client.get(f"/cases/{case.pk}/?tab=data_protection").content.decode()
    assert "Anonymised after" in page and 'data-testid="delete-case"' in page
    client.post(f"/cases/{case.pk}/legal-hold/", {"hold": "set", "reason": "Trial pending"})
    assert Case.objects.get(pk=case.pk).legal_hold
    refused = client.post(f"/cases/{case.pk}/delete/", {"justification": "Erasure request under Art. 17",
                                                        "confirm": "on"}, follow=True)
    assert "A legal hold stands on this case" in refused.content.decode()
    client.post(f"/cases/{case.pk}/legal-hold/", {"hold": "release", "reason": "Judgment final"})
    done = client.post(f"/cases/{case.pk}/delete/", {"justification": "Erasure request under Art. 17",
                                                     "confirm": "on"})
    assert done.status_code == 302 and not Case.objects.filter(pk=case.pk).exists()


# --- Property: holds and open cases are never anonymised -------------------------------------------

OPS = st.lists(st.tuples(st.sampled_from(["close", "reopen", "hold", "release", "run"]), st.integers(0, 1),
                         st.integers(0, 12)), min_size=1, max_size=12)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=OPS)
def test_no_sequence_anonymises_a_held_or_open_case(worker, ops):
    cases = [case_create(actor=worker, given_name="Prop", family_name=f"Erty{i}", country=c)
             for i, c in enumerate(("XD", "XP"))]
    for op, index, years in ops:
        case = Case.objects.get(pk=cases[index].pk)
        try:
            if op == "close":
                case_transition(actor=worker, case_id=case.pk, transition="close", reason="Closed")
            elif op == "reopen":
                case_transition(actor=worker, case_id=case.pk, transition="reopen", reason="Back")
            elif op == "hold":
                legal_hold_set(actor=worker, case_id=case.pk, reason="Inquiry")
            elif op == "release":
                legal_hold_clear(actor=worker, case_id=case.pk, reason="Inquiry over")
            else:
                before = {c.pk: c for c in Case.objects.filter(pk__in=[c.pk for c in cases])}
                retention_run(today=timezone.localdate() + dt.timedelta(days=366 * years))
                for pk, earlier in before.items():
                    now = Case.objects.get(pk=pk)
                    if earlier.anonymised_at is None and now.anonymised_at is not None:
                        event("anonymised")
                        assert not earlier.legal_hold and earlier.status in ("closed", "closed_referred")
                        assert earlier.closed_on is not None
        except ValidationFailed:
            pass  # a step not possible now (re-opening an open case, holding an anonymised one)
        for c in Case.objects.filter(pk__in=[c.pk for c in cases]):
            assert not (c.legal_hold and c.anonymised_at is not None)


def test_an_anonymised_case_refuses_every_change(worker):
    from alliance.cases.services import consent_record
    from alliance.cases.services.casefile.notes import note_add
    from alliance.cases.services.details import person_details_update
    from alliance.cases.services.referrals import case_refer

    case = _closed_case(worker)
    case_anonymise(actor=worker, case_id=case.pk, justification="Erasure requested by the person herself.")
    other = factories.organisation("Other Shelter")
    attempts = [
        lambda: case_transition(actor=worker, case_id=case.pk, transition="reopen", reason="She came back"),
        lambda: note_add(actor=worker, case_id=case.pk, body="A new note"),
        lambda: person_details_update(actor=worker, case_id=case.pk, details={"sex": "female"}),
        lambda: consent_record(actor=worker, case_id=case.pk, purpose="assistance", language="en"),
        lambda: case_refer(actor=worker, case_id=case.pk, organisation_id=other.pk, scope="limited",
                           purpose="Shelter place", legal_basis="Court order 12/2031 of the district court"),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationFailed) as caught:
            attempt()
        assert "anonymised" in str(caught.value)
    assert Case.objects.get(pk=case.pk).nrm_stage == "closed"
    assert not Note.objects.filter(case_id=case.pk).exists()
