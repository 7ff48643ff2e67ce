"""The facility dashboard: aggregated screening figures for reception managers, with small numbers
suppressed, scoped to what the manager may see, never a link to a screening or a person."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.core import roles as R
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.directory.services import token_issue
from alliance.screening import dashboard as figures
from alliance.screening.catalogue import load_catalogues
from alliance.screening.models import Catalogue, Screening
from alliance.screening.services import screening_refer, screening_submit
from alliance.screening.views.dashboard import day_bars, horizontal_bars
from tests import factories

DASHBOARD_API = "/api/v1/screening/dashboard"
SCREEN = "mixed-migration-5"


@pytest.fixture
def catalogues(db):
    load_catalogues()
    return {row.code: row.version for row in Catalogue.objects.filter(published_at__isnull=False)}


def payload(catalogues, *, days_ago=1, sex="female", age_group="25-34", is_child=False, citizenship="XP",
            work_type="labour", urgent=False, offline=False, yes=()) -> dict:
    finished = timezone.now() - dt.timedelta(days=days_ago, minutes=5)
    return {
        "client_uuid": str(uuid.uuid4()),
        "started_at": (finished - dt.timedelta(minutes=12)).isoformat(), "finished_at": finished.isoformat(),
        "offline": offline, "interviewer_language": "en", "interviewee_language": "ar", "interpreter": False,
        "catalogues": [{"code": code, "version": catalogues[code]}
                       for code in ("mixed-migration-5", "ilo-ec-operational", "child-specific")],
        "sex": sex, "age": None, "age_group": age_group, "is_child": is_child, "citizenship": citizenship,
        "work_type": work_type, "urgent": urgent,
        "answers": [{"catalogue": SCREEN, "indicator": indicator, "answer": "yes", "source": "self_reported"}
                    for indicator in yes],
    }


def submit(actor, catalogues, n=1, **kwargs) -> list[Screening]:
    return [screening_submit(actor=actor, payload=payload(catalogues, **kwargs))[0] for _ in range(n)]


@pytest.fixture
def world(catalogues, live):
    """Two reception facilities in the live realm, each with a responder and a manager (organisation admin),
    an analyst and a national co-ordinator at the co-ordinator's office, and another realm."""
    north, south = factories.organisation("North reception"), factories.organisation("South reception")
    office = factories.organisation("Rapporteur office", sector="coordinator_rapporteur")
    shelter = factories.organisation("Shelter")
    people = {
        "north_responder": factories.member(north, [R.FRONTLINE_RESPONDER]),
        "north_manager": factories.member(north, [], org_admin=True),
        "south_responder": factories.member(south, [R.FRONTLINE_RESPONDER]),
        "analyst": factories.member(office, [R.ANALYST]),
        "coordinator": factories.member(office, [R.NATIONAL_COORDINATOR]),
    }
    actors = {name: factories.actor(m) for name, m in people.items()}
    return {"north": north, "south": south, "office": office, "shelter": shelter, "people": people,
            "actors": actors, "catalogues": catalogues}


def _api(client, membership):
    _token, raw = token_issue(actor=factories.actor(membership), name="dashboard", days=1)
    return lambda **params: client.get(DASHBOARD_API, params, HTTP_AUTHORIZATION=f"Bearer {raw}")


# --- Figures -------------------------------------------------------------------------------------------
def test_counts_per_band_and_per_day_with_zero_days_filled(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 6, days_ago=1)  # no indicators
    submit(north, cat, 5, days_ago=3, yes=["worked-unpaid"])  # an indicator: monitor and inform
    submit(north, cat, 2, days_ago=3, urgent=True)  # urgent: refer now
    submit(north, cat, 1, days_ago=3, is_child=True, age_group="12-17", yes=["job-offer"])  # child procedure
    submit(north, cat, 3, days_ago=2, offline=True)

    data = figures.dashboard(world["actors"]["analyst"])

    assert data["total"] == 17
    assert {o["code"]: o["count"] for o in data["outcomes"]} == {"none": 9, "monitor": 5, "refer": 2, "child": 1}
    assert data["offline"] == 3 and data["urgent"] == 2
    series = data["per_day"]
    assert len(series) == figures.DEFAULT_DAYS == data["days"]
    assert series[-1]["date"] == timezone.localdate() and series[0]["date"] == data["date_from"]
    by_day = {d["date"]: d["count"] for d in series}
    today = timezone.localdate()
    day = lambda n: timezone.localdate(timezone.now() - dt.timedelta(days=n, minutes=5))  # noqa: E731
    assert by_day[day(1)] == 6 and by_day[day(2)] == 3 and by_day[day(3)] == 8
    assert sum(by_day.values()) == 17
    assert by_day[today - dt.timedelta(days=20)] == 0  # a day without screenings is there, as 0


def test_referrals_made_and_urgent_ones(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    urgent = submit(north, cat, 2, urgent=True)
    monitor = submit(north, cat, 1, yes=["forced-to-work"])
    submit(north, cat, 4)
    for screening in (urgent[0], monitor[0]):
        screening_refer(actor=north, screening_id=screening.pk, given_name="Ana", family_name="Doe",
                        organisation_id=world["shelter"].pk, consent=True)

    data = figures.dashboard(world["actors"]["north_manager"])

    assert data["referrals"] == 2 and data["urgent_referrals"] == 1 and data["urgent"] == 2


def test_a_small_cell_shows_less_than_five_and_never_the_number(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 7, citizenship="XP", sex="female", yes=["worked-unpaid"])
    submit(north, cat, 3, citizenship="XW", sex="other", yes=["job-offer"])
    submit(north, cat, 1, citizenship="", sex="other", age_group="unknown")

    data = figures.dashboard(world["actors"]["analyst"])

    citizenship = {c["code"]: c for c in data["by_citizenship"]}
    assert citizenship["XP"]["count"] == 7 and citizenship["XP"]["label"] == "Poorland"
    assert citizenship["XW"]["count"] == "<5" and citizenship["XW"]["label"] == "Warland"
    assert citizenship[""]["count"] == "<5"
    sex = {c["code"]: c["count"] for c in data["by_sex"]}
    assert sex == {"female": 7, "other": "<5", "male": 0, "unknown": 0}  # 0 stays 0: nobody is singled out
    ages = {c["code"]: c["count"] for c in data["by_age_group"]}
    assert ages["25-34"] == 10 and ages["unknown"] == "<5" and ages["0-11"] == 0
    indicators = {(i["catalogue"], i["indicator"]): i for i in data["indicators"]}
    assert indicators[(SCREEN, "worked-unpaid")]["count"] == 7
    assert indicators[(SCREEN, "worked-unpaid")]["label"] == "Worked without getting the expected payment"
    assert indicators[(SCREEN, "job-offer")]["count"] == "<5"
    assert indicators[(SCREEN, "forced-to-work")]["count"] == 0
    assert data["total"] == 11  # totals stay exact


def test_suppressed_cells_are_never_ordered_by_their_true_value(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 1, citizenship="XE")
    submit(north, cat, 4, citizenship="XW")
    submit(north, cat, 2, citizenship="XM")
    submit(north, cat, 6, citizenship="XT")
    cells = figures.dashboard(world["actors"]["analyst"])["by_citizenship"]
    # The exact count first; then the suppressed ones in the order of their names, not of their counts.
    assert [c["label"] for c in cells] == ["Transvaland", "Eastland", "Middelland", "Warland"]


# --- Who sees what ------------------------------------------------------------------------------------
def test_an_organisation_admin_sees_only_their_organisation(world):
    cat = world["catalogues"]
    submit(world["actors"]["north_responder"], cat, 6)
    submit(world["actors"]["south_responder"], cat, 9)
    manager = factories.actor(world["people"]["north_manager"])

    data = figures.dashboard(manager)

    assert data["total"] == 6 and data["scope"] == "organisation"
    assert data["facility"].id == world["north"].pk
    assert [f.id for f in data["facilities"]] == [world["north"].pk]
    with pytest.raises(ValidationFailed) as refused:
        figures.dashboard(manager, facility_id=world["south"].pk)
    assert "facility" in refused.value.errors


def test_an_analyst_sees_the_whole_realm_and_can_pick_one_facility(world):
    cat = world["catalogues"]
    submit(world["actors"]["north_responder"], cat, 6)
    submit(world["actors"]["south_responder"], cat, 9)
    for who in ("analyst", "coordinator"):
        actor = world["actors"][who]
        assert figures.dashboard(actor)["total"] == 15
        # Only organisations with screenings are offered (not the shelter or the office).
        assert [f.name for f in figures.facility_choices(actor)] == ["North reception", "South reception"]
        assert figures.dashboard(actor, facility_id=world["south"].pk)["total"] == 9
        assert figures.dashboard(actor, facility_id=str(world["north"].pk))["total"] == 6
        with pytest.raises(ValidationFailed):
            figures.dashboard(actor, facility_id=world["shelter"].pk)


def test_another_realms_screenings_never_count(world):
    cat = world["catalogues"]
    submit(world["actors"]["north_responder"], cat, 5)
    sandbox = factories.exercise_realm("Team B")
    elsewhere = factories.organisation("Exercise reception")
    trainee = factories.member(elsewhere, [R.FRONTLINE_RESPONDER])
    submit(factories.actor(trainee, realm=sandbox), cat, 8)
    submit(factories.actor(world["people"]["north_responder"], realm=sandbox), cat, 4)

    analyst = world["actors"]["analyst"]
    assert figures.dashboard(analyst)["total"] == 5
    assert [f.name for f in figures.facility_choices(analyst)] == ["North reception"]
    with pytest.raises(ValidationFailed):
        figures.dashboard(analyst, facility_id=elsewhere.pk)
    assert figures.dashboard(factories.actor(world["people"]["north_manager"]))["total"] == 5
    # And the exercise realm's own analyst sees only the exercise realm.
    exercise_analyst = factories.actor(factories.member(world["office"], [R.ANALYST]), realm=sandbox)
    assert figures.dashboard(exercise_analyst)["total"] == 12


def test_a_frontline_responder_without_admin_is_refused_page_and_api(world, client):
    responder = world["people"]["north_responder"]
    with pytest.raises(Forbidden):
        figures.dashboard(world["actors"]["north_responder"])
    client.force_login(responder.user)
    assert client.get(reverse("screening:dashboard")).status_code == 403
    response = _api(client, responder)()
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert not AuditEvent.objects.filter(object_type="screening_dashboard", action="view").exists()


# --- The page and the API -------------------------------------------------------------------------------
def test_the_page_shows_figures_and_charts_but_no_screening_and_no_client_uuid(world, client):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    made = submit(north, cat, 6, citizenship="XP", yes=["worked-unpaid"])
    made += submit(north, cat, 3, citizenship="XW", yes=["job-offer"])
    client.force_login(world["people"]["north_manager"].user)

    response = client.get(reverse("screening:dashboard"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="total">9<' in page
    assert page.count("<svg") >= 3 and "<title" in page and "<desc" in page and 'viewBox="0 0 ' in page
    assert 'width="100%"' in page and " style=" not in page and "<script>" not in page
    warland = re.search(r"<th scope=\"row\">Warland</th><td class=\"count\">(.*?)</td>", page).group(1)
    assert "&lt;5" in warland and "3" not in warland
    assert re.search(r"<th scope=\"row\">Poorland</th><td class=\"count\">6</td>", page)
    for screening in made:
        assert str(screening.client_uuid) not in page
        assert reverse("screening:detail", args=[screening.pk]) not in page
    assert not re.search(r"/screening/\d+/", page)


def test_viewing_the_dashboard_is_audited_once(world, client):
    submit(world["actors"]["north_responder"], world["catalogues"], 2)
    client.force_login(world["people"]["analyst"].user)

    assert client.get(reverse("screening:dashboard")).status_code == 200
    assert client.get(reverse("screening:dashboard"), {"facility": world["north"].pk}).status_code == 200

    events = list(AuditEvent.objects.filter(object_type="screening_dashboard").order_by("seq"))
    assert [(e.action, e.object_id, list(e.fields)) for e in events] == [
        ("view", "all", ["aggregates"]), ("view", str(world["north"].pk), ["aggregates"])]
    assert events[0].user_id == world["people"]["analyst"].user_id


@pytest.mark.parametrize(("params", "field"), [
    ({"date_from": "2026-13-01"}, "date_from"),
    ({"date_to": "yesterday"}, "date_to"),
    ({"date_from": "1900-01-01", "date_to": "1900-01-02"}, "date_from"),
    ({"date_from": "2026-03-10", "date_to": "2026-03-01"}, "date_to"),
    ({"date_from": "2024-01-01", "date_to": "2025-06-30"}, "date_to"),
    ({"facility": "999999"}, "facility"),
    ({"facility": "north"}, "facility"),
])
def test_bad_filter_input_gives_a_form_error_and_nothing_else(world, client, params, field):
    submit(world["actors"]["north_responder"], world["catalogues"], 2)
    client.force_login(world["people"]["analyst"].user)

    response = client.get(reverse("screening:dashboard"), params)

    assert response.status_code == 422
    page = response.content.decode()
    assert f'id="id_{field}_error"' in page and f'aria-describedby="id_{field}_error"' in page
    assert 'data-testid="total"' not in page and "<svg" not in page
    assert not AuditEvent.objects.filter(object_type="screening_dashboard").exists()


def test_the_api_gives_the_same_aggregates_with_suppressed_cells_as_strings(world, client):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 6, citizenship="XP")
    submit(north, cat, 2, citizenship="XW", yes=["job-offer"])
    get = _api(client, world["people"]["coordinator"])

    response = get()

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 8 and body["scope"] == "realm" and body["facility"] is None
    assert {c["code"]: c["count"] for c in body["by_citizenship"]} == {"XP": 6, "XW": "<5"}
    assert {(i["indicator"], i["count"]) for i in body["indicators"] if i["count"]} == {("job-offer", "<5")}
    assert len(body["per_day"]) == 30 and sum(d["count"] for d in body["per_day"]) == 8
    assert [f["name"] for f in body["facilities"]] == ["North reception"]
    assert "client_uuid" not in response.content.decode()
    one = get(facility=world["north"].pk, date_from=str(timezone.localdate() - dt.timedelta(days=6)),
              date_to=str(timezone.localdate()))
    assert one.status_code == 200 and one.json()["days"] == 7 and one.json()["facility"]["name"] == "North reception"
    bad = get(date_from="2026-02-30")
    assert bad.status_code == 422 and "date_from" in bad.json()["error"]["details"]
    assert get(facility=world["south"].pk).status_code == 422  # no screenings there: not a choice


def test_the_charts_mirror_for_right_to_left():
    ltr = horizontal_bars([{"label": "A", "count": 10}], rtl=False)["rows"][0]
    rtl = horizontal_bars([{"label": "A", "count": 10}], rtl=True)["rows"][0]
    assert ltr["bar"]["x"] == 0 and rtl["bar"]["x"] + rtl["bar"]["width"] == pytest.approx(rtl["label_x"])
    series = [{"date": timezone.localdate() - dt.timedelta(days=n), "count": n} for n in (2, 1)]
    first_ltr, first_rtl = day_bars(series, rtl=False)["bars"][0], day_bars(series, rtl=True)["bars"][0]
    assert first_ltr["x"] < 200 < first_rtl["x"]  # the first day at the reading start


def test_the_number_of_queries_does_not_grow_with_the_screenings(world, client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    north, cat = world["actors"]["north_responder"], world["catalogues"]
    client.force_login(world["people"]["analyst"].user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("screening:dashboard")).status_code == 200
        return len(queries)

    submit(north, cat, 2, yes=["job-offer"])
    few = count()
    submit(north, cat, 12, days_ago=4, citizenship="XW", yes=["worked-unpaid", "job-offer"])
    submit(world["actors"]["south_responder"], cat, 3)
    assert count() == few
