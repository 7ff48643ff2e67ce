"""A receiver of a limited share sees only the shared fields, on every path: page, API, search, export."""

from __future__ import annotations

import pytest

from alliance.cases.services import case_create
from alliance.core import roles as R
from alliance.directory.services import token_issue
from tests import factories

SECRETS = ("Mariam", "Haddad", "DL-778899", "1998-02-03", "Debt of 4,000")


@pytest.fixture
def limited(db):
    police = factories.organisation("Dreamland Police", sector="law_enforcement")
    shelter = factories.organisation("Safe Harbour", sector="ngo")
    officer = factories.member(police, [R.INVESTIGATOR])
    worker = factories.member(shelter, [R.CASE_WORKER])
    case = case_create(actor=factories.actor(officer), given_name="Mariam", family_name="Haddad",
                       identity_number="DL-778899", birth_date="1998-02-03", pseudonym="Olive",
                       summary="Debt of 4,000 to the recruiter")
    factories.share(actor=factories.actor(officer), case_id=case.pk, organisation_id=shelter.pk, scope="limited",
               purpose="Shelter placement")
    return {"case": case, "worker": worker}


def _no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_case_page_withholds_fields(client, limited):
    client.force_login(limited["worker"].user)
    page = client.get(f"/cases/{limited['case'].pk}/").content.decode()
    assert limited["case"].number in page and 'data-testid="limited-scope"' in page
    _no_secret(page)


def test_api_withholds_fields(client, limited):
    _t, raw = token_issue(actor=factories.actor(limited["worker"]), name="t", days=1)
    body = client.get(f"/api/v1/cases/{limited['case'].pk}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert body["scope"] == "limited"
    assert {"given_name", "family_name", "identity_number", "birth_date", "summary"} <= set(body["withheld"])
    _no_secret(str(body))


def test_a_limited_share_cannot_confirm_a_name_by_searching(client, limited):
    """A name search that found the case would tell the limited receiver whose case it holds."""
    client.force_login(limited["worker"].user)
    for body in ({"name": "Mariam Haddad"}, {"identity_number": limited["case"].person.identity_number}):
        page = client.post("/cases/search/", body).content.decode()
        assert limited["case"].number not in page and "0 cases found" in page
    # The case number and the fields the share shows still find it.
    page = client.post("/cases/search/", {"number": limited["case"].number}).content.decode()
    assert "1 case found" in page


def test_export_leaves_withheld_cells_empty(client, limited):
    client.force_login(limited["worker"].user)
    response = client.get("/cases/export.csv")
    text = response.content.decode()
    assert response["Content-Disposition"].startswith("attachment")
    assert limited["case"].number in text
    _no_secret(text)


def test_owner_sees_everything(client, limited):
    owner = factories.member(limited["case"].owner_organisation, [R.INVESTIGATOR])
    client.force_login(owner.user)
    page = client.get(f"/cases/{limited['case'].pk}/").content.decode()
    for secret in ("Mariam", "Haddad", "DL-778899"):
        assert secret in page


def test_revoked_share_removes_access(client, limited):
    from alliance.cases.models import CaseShare
    from alliance.cases.services import case_share_revoke

    owner = factories.member(limited["case"].owner_organisation, [R.INVESTIGATOR])
    case_share_revoke(actor=factories.actor(owner), share_id=CaseShare.objects.get().pk)
    client.force_login(limited["worker"].user)
    assert client.get(f"/cases/{limited['case'].pk}/").status_code == 404


def test_export_neutralises_formula_cells(client, db):
    org = factories.organisation()
    worker = factories.member(org, [R.CASE_WORKER])
    case_create(actor=factories.actor(worker), given_name="=HYPERLINK(\"x\")", family_name="@SUM(A1)",
                pseudonym="+cmd")
    client.force_login(worker.user)
    text = client.get("/cases/export.csv").content.decode()
    assert "'=HYPERLINK" in text and "'@SUM" in text and "'+cmd" in text


def test_lists_searches_and_exports_record_which_cases_they_showed(client, limited):
    from alliance.core.models import AuditEvent

    client.force_login(limited["worker"].user)
    client.get("/cases/")
    client.post("/cases/search/", {"number": limited["case"].number})
    client.get("/cases/export.csv")
    expected = f"1 cases: {limited['case'].pk}"
    for action in ("list", "search", "export"):
        assert AuditEvent.objects.filter(action=action, reason=expected).exists(), action
