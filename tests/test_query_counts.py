"""List pages and list endpoints run a fixed number of queries, however many rows there are."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.cases.services import case_create
from alliance.core import audit
from alliance.core import roles as R
from alliance.directory.services import token_issue
from tests import factories


@pytest.fixture
def desk(db):
    org, partner = factories.organisation("Owner"), factories.organisation("Partner")
    investigator = factories.member(org, [R.INVESTIGATOR, R.AUDITOR], org_admin=True)
    partner_worker = factories.member(partner, [R.CASE_WORKER])
    return {"org": org, "partner": partner, "investigator": investigator, "partner_worker": partner_worker}


def _add_cases(desk, n: int) -> None:
    owner = factories.actor(desk["investigator"])
    for i in range(n):
        case = case_create(actor=owner, given_name=f"Given{i}", family_name=f"Family{i}")
        if i % 2:
            factories.share(actor=owner, case_id=case.pk, organisation_id=desk["partner"].pk, scope="limited",
                       purpose="q")
        factories.member(desk["org"], [R.CASE_WORKER])
        audit.record(actor=owner, action="view", object_type="case", object_id=case.pk)


def _count(call) -> int:
    call()  # warm-up: the first call of a token records its last use, a once-in-five-minutes write
    with CaptureQueriesContext(connection) as queries:
        response = call()
    assert response.status_code == 200
    return len(queries)


PAGES = {
    "cases page": ("investigator", lambda c, auth: c.get("/cases/")),
    "cases page (shared)": ("partner_worker", lambda c, auth: c.get("/cases/")),
    "audit page": ("investigator", lambda c, auth: c.get("/audit/")),
    "staff page": ("investigator", lambda c, auth: c.get("/directory/staff/")),
    "tokens page": ("investigator", lambda c, auth: c.get("/directory/tokens/")),
    "cases API": ("investigator", lambda c, auth: c.get("/api/v1/cases", **auth)),
    "cases API (shared)": ("partner_worker", lambda c, auth: c.get("/api/v1/cases", **auth)),
    "audit API": ("investigator", lambda c, auth: c.get("/api/v1/audit/events", **auth)),
    "tokens API": ("investigator", lambda c, auth: c.get("/api/v1/tokens", **auth)),
    "export": ("investigator", lambda c, auth: c.get("/cases/export.csv")),
    "export (shared)": ("partner_worker", lambda c, auth: c.get("/cases/export.csv")),
}


@pytest.mark.parametrize("name", sorted(PAGES))
def test_queries_do_not_grow_with_rows(client, desk, name):
    who, call = PAGES[name]
    membership = desk[who]
    _t, raw = token_issue(actor=factories.actor(membership), name="q", days=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    client.force_login(membership.user)
    _add_cases(desk, 3)
    few = _count(lambda: call(client, auth))
    _add_cases(desk, 30)
    many = _count(lambda: call(client, auth))
    if name.startswith("export"):
        # The export streams in chunks of 1,000 rows, one query each for the chunk and its persons.
        assert many <= few + 2, (few, many)
    else:
        assert many == few, (few, many)
