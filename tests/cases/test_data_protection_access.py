"""The access tab (who viewed or changed a case, from the audit chain) and the subject-access export."""

from __future__ import annotations

import json

import pytest

from alliance.cases.models import Case, CaseShare, Document, Note, NrmEvent, Task
from alliance.cases.selectors.data_protection import access_log_for, access_rows
from alliance.cases.selectors.register import case_list_audit, case_search_for, case_view_for, shown_cases
from alliance.cases.selectors.subject_access import subject_access_for
from alliance.cases.services import case_create, case_transition
from alliance.core import audit
from alliance.core import roles as R
from alliance.core.errors import NotFound
from alliance.core.models import AuditEvent
from alliance.directory.services import token_issue
from tests import factories


@pytest.fixture
def desk(db):
    shelter = factories.organisation("Safe Harbour", sector="ngo")
    police = factories.organisation("Dreamland Police", sector="law_enforcement")
    worker = factories.member(shelter, [R.CASE_WORKER])
    auditor = factories.member(shelter, [R.AUDITOR])
    officer = factories.member(police, [R.INVESTIGATOR])
    case = case_create(actor=factories.actor(worker), given_name="Mira", family_name="Volk",
                       identity_number="XD-445566", birth_date="1990-04-02", summary="Met at the bus station")
    factories.share(actor=factories.actor(worker), case_id=case.pk, organisation_id=police.pk, scope="full",
                    purpose="Investigation")
    return {"shelter": shelter, "police": police, "worker": worker, "auditor": auditor, "officer": officer,
            "case": case}


def _log(member, case) -> list[dict]:
    _case, events = access_log_for(actor=factories.actor(member), case_id=case.pk)
    return access_rows(events=events)


def test_the_tab_lists_a_view_by_the_shared_organisation_and_is_refused_to_it(client, desk):
    case_view_for(actor=factories.actor(desk["officer"]), case_id=desk["case"].pk)
    rows = _log(desk["worker"], desk["case"])
    views = [r for r in rows if r["action"] == "view" and r["organisation"] == "Dreamland Police"]
    assert views and views[0]["user_email"] == desk["officer"].user.email
    assert "given_name" in views[0]["fields"]
    # The police see the case, not who else looks at it.
    with pytest.raises(NotFound):
        access_log_for(actor=factories.actor(desk["officer"]), case_id=desk["case"].pk)
    client.force_login(desk["officer"].user)
    assert client.get(f"/cases/{desk['case'].pk}/access/").status_code == 404
    refused = AuditEvent.objects.filter(action="denied", object_id=str(desk["case"].pk),
                                        reason="case.access_log", user_id=desk["officer"].user_id)
    assert refused.count() == 2


def test_the_owning_organisations_auditor_sees_the_tab(client, desk):
    case_view_for(actor=factories.actor(desk["officer"]), case_id=desk["case"].pk)
    client.force_login(desk["auditor"].user)
    page = client.get(f"/cases/{desk['case'].pk}/access/")
    assert page.status_code == 200
    body = page.content.decode()
    assert desk["officer"].user.email in body and "Dreamland Police" in body
    # Names never appear on the tab: field names only.
    assert "Mira" not in body and "Volk" not in body


def test_the_tab_shows_changes_shares_lists_searches_and_refusals(desk):
    worker, case = factories.actor(desk["worker"]), desk["case"]
    other = case_create(actor=worker, given_name="Ana", family_name="Ters")
    case_list_audit(actor=worker, ids=[other.pk, case.pk])
    case_search_for(actor=worker, name="Mira Volk")
    case_transition(actor=worker, case_id=case.pk, transition="close", reason="Moved abroad")
    stranger = factories.member(factories.organisation("Elsewhere"), [R.CASE_WORKER])
    with pytest.raises(NotFound):
        case_view_for(actor=factories.actor(stranger), case_id=case.pk)
    actions = [r["action"] for r in _log(desk["worker"], case)]
    for expected in ("create", "share", "list", "search", "update", "denied"):
        assert expected in actions, expected
    listed = next(r for r in _log(desk["worker"], case) if r["action"] == "list")
    assert listed["reason"] == "shown among 2 cases"
    assert all(r["action"] != "search" for r in _log(desk["worker"], other))  # the search did not show it


def test_a_list_of_other_cases_whose_ids_contain_these_digits_is_not_shown(desk):
    pk = desk["case"].pk
    audit.record(actor=factories.actor(desk["worker"]), action="list", object_type="case",
                 reason=shown_cases(ids=[int(f"{pk}1"), int(f"1{pk}"), int(f"2{pk}3")]))
    assert [r for r in _log(desk["worker"], desk["case"]) if r["action"] == "list"] == []


def test_reading_the_tab_is_itself_audited(desk):
    _log(desk["worker"], desk["case"])
    assert AuditEvent.objects.filter(action="view", object_id=str(desk["case"].pk), fields=["access_log"]).exists()


def test_the_api_tab_and_its_refusal(client, desk):
    _t, raw = token_issue(actor=factories.actor(desk["worker"]), name="t", days=1)
    body = client.get(f"/api/v1/cases/{desk['case'].pk}/access?page_size=5",
                      HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["count"] >= 2 and len(body["items"]) <= 5
    _t, raw = token_issue(actor=factories.actor(desk["officer"]), name="t", days=1)
    refused = client.get(f"/api/v1/cases/{desk['case'].pk}/access", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert refused.status_code == 404


# --- Subject access --------------------------------------------------------------------------------

@pytest.fixture
def file(desk):
    """A case file with something of every kind, some of it to be withheld."""
    case, shelter, police = desk["case"], desk["shelter"], desk["police"]
    colleague = factories.member(shelter, [R.CASE_WORKER])
    Case.objects.filter(pk=case.pk).update(victim_context={
        "exploitation_types": ["ForcedLabour"], "exploitation_country": "XP",
        "perpetrators": [{"role": "Exploiter", "details": "Brother-in-law of the farm owner"}]})
    Note.objects.create(case=case, organisation=shelter, author=desk["worker"].user, body="Sleeps badly")
    Note.objects.create(case=case, organisation=shelter, author=colleague.user, sensitivity="restricted",
                        body="Colleague's private impression")
    Note.objects.create(case=case, organisation=police, author=desk["officer"].user, sensitivity="confidential",
                        body="Surveillance of the farm")
    Document.objects.create(case=case, organisation=police, title="Operation plan", filename="op.pdf",
                            content_type="application/pdf", size=3, sha256="0" * 64, content=b"xyz",
                            sensitivity="confidential", uploaded_by=desk["officer"].user)
    Document.objects.create(case=case, organisation=shelter, title="Passport copy", filename="passport.png",
                            content_type="image/png", size=3, sha256="1" * 64, content=b"png",
                            uploaded_by=desk["worker"].user)
    Task.objects.create(case=case, organisation=shelter, title="Book a doctor", created_by=desk["worker"].user)
    CaseShare.objects.create(case=case, organisation=factories.organisation("Labour Inspectorate"), scope="limited",
                             purpose="Inspection", legal_basis="Police Act s.12: imminent danger to others")
    case_transition(actor=factories.actor(desk["worker"]), case_id=case.pk, transition="close",
                    reason="Returned home")
    NrmEvent.objects.create(case=case, transition="safe_return", from_stage="assistance", to_stage="return",
                            reason="Risk: the recruiter lives next door", effective_on=case.created_at.date())
    return case


def test_the_export_holds_everything_and_marks_what_is_withheld(desk, file):
    document = subject_access_for(actor=factories.actor(desk["worker"]), case_id=file.pk)
    text = json.dumps(document, default=str)
    person = document["person"]
    assert (person["given_name"], person["family_name"], person["identity_number"], person["birth_date"]) == (
        "Mira", "Volk", "XD-445566", "1990-04-02")
    (case,) = document["cases"]
    assert case["summary"] == "Met at the bus station" and case["closure_reason"] == "Returned home"
    assert [n.get("body") for n in case["notes"] if not n.get("withheld")] == ["Sleeps badly"]
    reasons = sorted(item["reason"] for item in case["notes"] + case["documents"] if item.get("withheld"))
    assert reasons == ["confidential document of another organisation", "confidential note of another organisation",
                       "restricted note of another author"]
    assert [d["title"] for d in case["documents"] if not d.get("withheld")] == ["Passport copy"]
    assert case["victim_context"]["perpetrators"] == {"withheld": True,
                                                     "reason": "about third parties (perpetrators)"}
    assert case["victim_context"]["exploitation_types"] == ["ForcedLabour"]
    assert case["tasks"][0]["title"] == "Book a doctor"
    assert {s["organisation"] for s in case["shares"]} == {"Dreamland Police", "Labour Inspectorate"}
    assert next(e for e in case["nrm_events"] if e["transition"] == "safe_return")["reason"]["withheld"] is True
    assert {e["transition"] for e in case["nrm_events"]} >= {"close", "safe_return"}
    for secret in ("Colleague's private impression", "Surveillance", "Operation plan", "Brother-in-law",
                   "recruiter lives next door"):
        assert secret not in text


def test_a_legal_basis_stated_by_law_enforcement_is_withheld(db):
    police = factories.organisation("Border Police", sector="law_enforcement")
    officer = factories.member(police, [R.INVESTIGATOR])
    case = case_create(actor=factories.actor(officer), given_name="Ivo", family_name="Rast")
    CaseShare.objects.create(case=case, organisation=factories.organisation("Prosecutor"), scope="full",
                             purpose="Prosecution", legal_basis="Covert operation DL-7, court order 19/2026")
    (share,) = subject_access_for(actor=factories.actor(officer), case_id=case.pk)["cases"][0]["shares"]
    assert share["legal_basis"] == {"withheld": True, "reason": "legal basis stated by law enforcement"}


def test_the_export_covers_the_persons_other_cases_of_the_organisation_and_is_audited(desk):
    worker = factories.actor(desk["worker"])
    second = case_create(actor=worker, given_name="Mira", family_name="Volk")
    Case.objects.filter(pk=second.pk).update(person=desk["case"].person)
    foreign = case_create(actor=factories.actor(desk["officer"]), given_name="Mira", family_name="Volk")
    Case.objects.filter(pk=foreign.pk).update(person=desk["case"].person)
    document = subject_access_for(actor=worker, case_id=desk["case"].pk)
    assert sorted(c["number"] for c in document["cases"]) == sorted([desk["case"].number, second.number])
    event = AuditEvent.objects.filter(action="export", object_id=str(desk["case"].pk)).get()
    assert event.reason.startswith("subject access; 2 cases: ")
    # The export shows on the tab of every case it covered.
    assert any(r["action"] == "export" for r in _log(desk["worker"], second))


def test_the_export_is_refused_beyond_the_owning_organisation(client, desk):
    with pytest.raises(NotFound):
        subject_access_for(actor=factories.actor(desk["officer"]), case_id=desk["case"].pk)
    with pytest.raises(NotFound):
        subject_access_for(actor=factories.actor(desk["auditor"]), case_id=desk["case"].pk)
    client.force_login(desk["officer"].user)
    assert client.get(f"/cases/{desk['case'].pk}/subject-access/").status_code == 404


def test_the_export_downloads_as_json_from_the_page_and_the_api(client, desk):
    client.force_login(desk["worker"].user)
    response = client.get(f"/cases/{desk['case'].pk}/subject-access/")
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["Cache-Control"] == "no-store"
    assert json.loads(response.content)["person"]["family_name"] == "Volk"
    _t, raw = token_issue(actor=factories.actor(desk["worker"]), name="t", days=1)
    body = client.get(f"/api/v1/cases/{desk['case'].pk}/subject-access", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["cases"][0]["number"] == desk["case"].number


def test_the_case_page_shows_the_panel_to_the_owner_only(client, desk):
    client.force_login(desk["worker"].user)
    page = client.get(f"/cases/{desk['case'].pk}/?tab=data_protection").content.decode()
    assert 'data-testid="data-protection"' in page and 'data-testid="access-log-link"' in page
    assert "anonymised 5 years after closure" in page
    client.force_login(desk["officer"].user)
    tab = client.get(f"/cases/{desk['case'].pk}/?tab=data_protection").content.decode()
    assert 'data-testid="data-protection"' not in tab


def test_another_organisations_list_of_its_own_rows_is_not_shown(desk):
    """Task, note and document lists name their own rows ("tasks 1: 7"), not cases: another organisation's
    list whose numbers happen to match must not appear here, with its staff."""
    pk = desk["case"].pk
    stranger = factories.actor(factories.member(factories.organisation("Poorland Aid"), [R.CASE_WORKER]))
    audit.record(actor=stranger, action="list", object_type="task", reason=f"tasks 1: {pk}")
    audit.record(actor=stranger, action="list", object_type="document", reason=f"documents 2: 9,{pk}")
    rows = _log(desk["worker"], desk["case"])
    assert [r for r in rows if r["organisation"] == "Poorland Aid"] == []
