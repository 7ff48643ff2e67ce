"""The NRM on the case page and in the API: stage, deadlines, history, steps; a limited share sees the
decision but not the reasons written about the person."""

from __future__ import annotations

import pytest

from alliance.cases.models import Case
from alliance.cases.services import case_create, case_transition
from alliance.core import roles as R
from alliance.directory.services import token_issue
from tests import factories


@pytest.fixture
def desk(db):
    shelter = factories.organisation("Shelter", sector="ngo")
    police = factories.organisation("Police", sector="law_enforcement")
    authority = factories.organisation("Authority", sector="border_migration")
    officer = factories.member(police, [R.INVESTIGATOR])
    decider = factories.member(authority, [R.COMPETENT_AUTHORITY])
    worker = factories.member(shelter, [R.CASE_WORKER])
    case = case_create(actor=factories.actor(officer), given_name="Lea", family_name="Marn")
    factories.share(actor=factories.actor(officer), case_id=case.pk, organisation_id=authority.pk, scope="full",
               purpose="Decisions")
    factories.share(actor=factories.actor(officer), case_id=case.pk, organisation_id=shelter.pk, scope="limited",
               purpose="Shelter")
    return {"case": case, "officer": officer, "decider": decider, "worker": worker}


def test_competent_authority_decides_from_the_case_page(client, desk):
    client.force_login(desk["decider"].user)
    page = client.get(f"/cases/{desk['case'].pk}/?tab=nrm").content.decode()
    assert 'data-testid="step-reasonable_grounds"' in page and "Reasonable-grounds decision due" in page
    response = client.post(f"/cases/{desk['case'].pk}/nrm/", {"transition": "reasonable_grounds",
                                                             "outcome": "positive", "reason": "Indicators met"},
                           follow=True)
    assert "The step is recorded." in response.content.decode()
    assert Case.objects.get().nrm_stage == "presumed"


def test_a_bad_step_shows_the_reason_and_changes_nothing(client, desk):
    client.force_login(desk["decider"].user)
    response = client.post(f"/cases/{desk['case'].pk}/nrm/", {"transition": "reasonable_grounds"}, follow=True)
    assert "Choose a positive or a negative decision." in response.content.decode()
    assert Case.objects.get().nrm_stage == "detected"


def test_limited_share_sees_the_decision_not_the_reason(client, desk):
    case_transition(actor=factories.actor(desk["decider"]), case_id=desk["case"].pk,
                    transition="reasonable_grounds", outcome="positive", reason="Statement of 3 May, debt bondage")
    client.force_login(desk["worker"].user)
    page = client.get(f"/cases/{desk['case'].pk}/?tab=nrm").content.decode()
    assert "Presumed victim (reasonable grounds)" in page and "Presumed victim" in page
    # Not who decided, when or why, nor the deadlines or the child procedure.
    assert "debt bondage" not in page and "Authority" not in page and 'data-testid="clocks"' not in page
    _t, raw = token_issue(actor=factories.actor(desk["worker"]), name="t", days=1)
    body = client.get(f"/api/v1/cases/{desk['case'].pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["nrm"]["stage"] == "presumed" and body["nrm"]["trafficking_status"] == "presumed"
    assert body["nrm"]["history"] == [] and body["nrm"]["clocks"] == [] and body["nrm"]["is_child"] is None
    assert "debt bondage" not in str(body)
    # A limited share offers no steps.
    assert body["nrm"]["steps"] == []


def test_owner_sees_the_reason_and_the_next_steps(client, desk):
    case_transition(actor=factories.actor(desk["decider"]), case_id=desk["case"].pk,
                    transition="reasonable_grounds", outcome="positive", reason="Debt bondage")
    _t, raw = token_issue(actor=factories.actor(desk["officer"]), name="t", days=1)
    body = client.get(f"/api/v1/cases/{desk['case'].pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["nrm"]["history"][0]["reason"] == "Debt bondage"
    assert "start_reflection" in body["nrm"]["steps"] and "conclusive_grounds" not in body["nrm"]["steps"]


def test_api_step_and_its_errors(client, desk):
    _t, raw = token_issue(actor=factories.actor(desk["decider"]), name="t", days=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    path = f"/api/v1/cases/{desk['case'].pk}/transitions"
    wrong = client.post(path, {"transition": "conclusive_grounds", "outcome": "positive"},
                        content_type="application/json", **auth)
    assert wrong.status_code == 422 and "transition" in wrong.json()["error"]["details"]
    bad_date = client.post(path, {"transition": "reasonable_grounds", "outcome": "positive",
                                  "effective_on": "2026-02-30"}, content_type="application/json", **auth)
    assert bad_date.status_code == 422
    ok = client.post(path, {"transition": "reasonable_grounds", "outcome": "positive"},
                     content_type="application/json", **auth)
    assert ok.status_code == 201 and ok.json()["to_stage"] == "presumed"


def test_deadlines_list_the_cases_one_may_see(client, desk):
    other = factories.member(factories.organisation(), [R.CASE_WORKER])
    case_create(actor=factories.actor(other), given_name="Not", family_name="Mine")
    client.force_login(desk["officer"].user)
    page = client.get("/cases/deadlines/").content.decode()
    assert desk["case"].number in page and page.count("Reasonable-grounds decision due") == 1
    # The shelter holds a limited share: deadlines would reveal the NRM history it does not see.
    client.force_login(desk["worker"].user)
    assert desk["case"].number not in client.get("/cases/deadlines/").content.decode()
