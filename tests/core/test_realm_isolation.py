"""A user acting in one realm cannot read, list, search, export or count another realm's rows."""

from __future__ import annotations

import pytest

from alliance.cases.selectors import register as selectors
from alliance.cases.services import case_create
from alliance.core import roles as R
from alliance.core.errors import NotFound
from alliance.directory.services import token_issue
from tests import factories


@pytest.fixture
def two_realms(db):
    org = factories.organisation("Dreamland Shelter")
    membership = factories.member(org, [R.CASE_WORKER, R.TRAINER])
    exercise = factories.exercise_realm("Team Red")
    exercise.participants.add(membership.user)
    live_actor = factories.actor(membership)
    exercise_actor = factories.actor(membership, exercise)
    live_case = case_create(actor=live_actor, given_name="Liva", family_name="Real", identity_number="LV-1")
    exercise_case = case_create(actor=exercise_actor, given_name="Exa", family_name="Mple", identity_number="EX-1")
    return {"membership": membership, "exercise": exercise, "live_actor": live_actor,
            "exercise_actor": exercise_actor, "live_case": live_case, "exercise_case": exercise_case}


@pytest.mark.parametrize(("actor_key", "mine", "theirs"), [
    ("live_actor", "live_case", "exercise_case"),
    ("exercise_actor", "exercise_case", "live_case"),
])
def test_selectors_never_cross_realms(two_realms, actor_key, mine, theirs):
    actor, own, other = two_realms[actor_key], two_realms[mine], two_realms[theirs]
    assert selectors.case_view_for(actor=actor, case_id=own.pk).case == own
    with pytest.raises(NotFound):
        selectors.case_view_for(actor=actor, case_id=other.pk)
    assert list(selectors.case_list_for(actor=actor)) == [own]
    assert selectors.case_count_for(actor=actor) == 1
    other_name = f"{other.person.given_name} {other.person.family_name}"
    assert selectors.case_search_for(actor=actor, name=other_name) == []
    assert selectors.case_search_for(actor=actor, identity_number=other.person.identity_number) == []
    assert selectors.case_search_for(actor=actor, number=other.number) == []
    _header, rows = selectors.case_export_for(actor=actor)
    assert [row[1] for row in rows] == [own.number]


def test_api_token_is_bound_to_its_realm(two_realms, client):
    _token, raw = token_issue(actor=two_realms["exercise_actor"], name="exercise", days=1)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    listed = client.get("/api/v1/cases", **auth).json()
    assert [row["number"] for row in listed["items"]] == [two_realms["exercise_case"].number]
    assert client.get(f"/api/v1/cases/{two_realms['live_case'].pk}", **auth).status_code == 404
    assert client.get("/api/v1/me", **auth).json()["realm_is_exercise"] is True


def test_session_cannot_switch_into_a_realm_it_does_not_take_part_in(two_realms, client):
    outsider = factories.member(factories.organisation(), [R.TRAINEE])
    client.force_login(outsider.user)
    client.post("/context/", {"realm": str(two_realms["exercise"].pk)})
    response = client.get("/api/v1/me")
    assert response.json()["realm_is_exercise"] is False


def test_exercise_session_shows_the_banner(two_realms, client):
    client.force_login(two_realms["membership"].user)
    client.post("/context/", {"realm": str(two_realms["exercise"].pk)})
    page = client.get("/").content.decode()
    assert 'data-testid="exercise-banner"' in page


def test_a_token_stops_working_when_its_holder_leaves_the_exercise(two_realms, client):
    _token, raw = token_issue(actor=two_realms["exercise_actor"], name="exercise", days=1)
    two_realms["exercise"].participants.remove(two_realms["membership"].user)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_bad_audit_filters_get_a_message_not_an_error(client, db):
    from alliance.core import roles as R

    auditor = factories.member(factories.organisation(), [R.AUDITOR])
    client.force_login(auditor.user)
    response = client.get("/audit/?user_id=abc&realm_id=x1")
    assert response.status_code == 200 and "Give a number." in response.content.decode()
