"""The desks a case worker works from: my organisation's cases, those shared with it, overdue deadlines; and
search by more than a name."""

from __future__ import annotations

import datetime as dt

import pytest

from alliance.cases.models import Case, CaseClock
from alliance.cases.selectors.register import case_list_for, case_search_for
from alliance.cases.services import case_create
from alliance.core import roles as R
from alliance.core.errors import ValidationFailed
from tests import factories


@pytest.fixture
def desk(db):
    mine, other = factories.organisation("Shelter"), factories.organisation("Police", sector="law_enforcement")
    me = factories.actor(factories.member(mine, [R.CASE_WORKER]))
    them = factories.actor(factories.member(other, [R.CASE_WORKER]))
    own = case_create(actor=me, given_name="Ada", family_name="Mine")
    shared_full = case_create(actor=them, given_name="Bea", family_name="Full")
    shared_limited = case_create(actor=them, given_name="Cai", family_name="Limited")
    unrelated = case_create(actor=them, given_name="Dov", family_name="Other")
    factories.share(actor=them, case_id=shared_full.pk, organisation_id=mine.pk, scope="full", purpose="t")
    factories.share(actor=them, case_id=shared_limited.pk, organisation_id=mine.pk, scope="limited", purpose="t")
    return {"me": me, "them": them, "mine": mine, "other": other, "own": own, "shared_full": shared_full,
            "shared_limited": shared_limited, "unrelated": unrelated}


def _ids(queryset) -> set[int]:
    return set(queryset.values_list("id", flat=True))


def test_boxes_split_own_and_shared(desk):
    me = desk["me"]
    assert _ids(case_list_for(actor=me, box="mine")) == {desk["own"].pk}
    assert _ids(case_list_for(actor=me, box="shared")) == {desk["shared_full"].pk, desk["shared_limited"].pk}
    assert desk["unrelated"].pk not in _ids(case_list_for(actor=me, box="all"))


def test_overdue_box_lists_running_clocks_past_due_only_where_the_file_is_visible(desk):
    yesterday = dt.date.today() - dt.timedelta(days=1)
    for key in ("own", "shared_full", "shared_limited", "unrelated"):
        CaseClock.objects.filter(case=desk[key]).update(due_on=yesterday)
    assert CaseClock.objects.filter(case=desk["own"], stopped_on__isnull=True).exists()
    # A limited share does not show deadlines, so its overdue clock must not show through the list either.
    assert _ids(case_list_for(actor=desk["me"], box="overdue")) == {desk["own"].pk, desk["shared_full"].pk}
    CaseClock.objects.filter(case=desk["own"]).update(stopped_on=dt.date.today())
    assert _ids(case_list_for(actor=desk["me"], box="overdue")) == {desk["shared_full"].pk}


def test_list_page_tabs(client, desk):
    from alliance.directory.models import User

    client.force_login(User.objects.get(pk=desk["me"].user_id))
    body = client.get("/cases/?box=mine").content.decode()
    assert desk["own"].number in body and desk["shared_full"].number not in body
    body = client.get("/cases/?box=shared").content.decode()
    assert desk["shared_limited"].number in body and desk["own"].number not in body
    # An unknown box is the full list, not an error.
    assert client.get("/cases/?box=nonsense").status_code == 200


def test_search_by_status_stage_organisation_and_dates(desk):
    me = desk["me"]
    Case.objects.filter(pk=desk["shared_limited"].pk).update(nrm_stage="presumed")
    found = {r["id"] for r in case_search_for(actor=me, nrm_stage="presumed")}
    assert found == {desk["shared_limited"].pk}
    found = {r["id"] for r in case_search_for(actor=me, organisation=desk["other"].pk)}
    assert found == {desk["shared_full"].pk, desk["shared_limited"].pk}
    today = dt.date.today()
    assert {r["id"] for r in case_search_for(actor=me, opened_from=today, opened_to=today)} == {
        desk["own"].pk, desk["shared_full"].pk, desk["shared_limited"].pk}
    assert case_search_for(actor=me, opened_to=today - dt.timedelta(days=1)) == []
    assert {r["id"] for r in case_search_for(actor=me, status="active", name="mine ada")} == {desk["own"].pk}


@pytest.mark.parametrize(("criteria", "field"), [
    ({}, "__all__"),
    ({"opened_from": dt.date(2026, 5, 2), "opened_to": dt.date(2026, 5, 1)}, "opened_to"),
    ({"status": "lost"}, "status"),
    ({"nrm_stage": "limbo"}, "nrm_stage"),
    ({"name": "!!!"}, "name"),
])
def test_search_refuses_bad_criteria_with_a_specific_message(desk, criteria, field):
    with pytest.raises(ValidationFailed) as caught:
        case_search_for(actor=desk["me"], **criteria)
    assert field in caught.value.errors


def test_api_search_and_list_boxes(client, desk):
    from alliance.directory.models import User

    client.force_login(User.objects.get(pk=desk["me"].user_id))
    response = client.post("/api/v1/cases/search", {"organisation_id": desk["other"].pk},
                           content_type="application/json")
    assert response.status_code == 200
    assert {i["id"] for i in response.json()["items"]} == {desk["shared_full"].pk, desk["shared_limited"].pk}
    response = client.get("/api/v1/cases?box=mine")
    assert [i["id"] for i in response.json()["items"]] == [desk["own"].pk]
    assert client.get("/api/v1/cases?box=everything").status_code == 422


def test_list_counts_at_most_the_cap_and_keeps_the_box_in_page_links(client, desk, monkeypatch):
    from alliance.core.pagination import CappedPaginator
    from alliance.directory.models import User

    for i in range(3):
        case_create(actor=desk["me"], given_name=f"Extra{i}", family_name="Mine")
    monkeypatch.setattr(CappedPaginator, "cap", 2)
    monkeypatch.setattr("alliance.cases.views.register.LIST_PAGE_SIZE", 2)
    client.force_login(User.objects.get(pk=desk["me"].user_id))
    body = client.get("/cases/?box=mine").content.decode()
    assert "of many" in body
    assert "?box=mine&amp;page=2" in body
