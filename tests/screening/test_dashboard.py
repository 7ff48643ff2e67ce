"""The facility dashboard: aggregated screening figures for reception managers, with small numbers
suppressed, scoped to what the manager may see, never a link to a screening or a person."""

from __future__ import annotations

import datetime as dt
import itertools
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from alliance.core import disclosure
from alliance.core import roles as R
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.directory.services import token_issue
from alliance.screening.domain.catalogue import load_catalogues
from alliance.screening.domain.periods import last_complete_month
from alliance.screening.models import Catalogue, Screening
from alliance.screening.selectors import dashboard as figures
from alliance.screening.services import screening_refer, screening_submit
from alliance.screening.views.dashboard import day_bars, horizontal_bars
from tests import factories
from tests.screening import screening_world

DASHBOARD_API = "/api/v1/screening/dashboard"
SCREEN = "mixed-migration-5"


@pytest.fixture
def catalogues(db):
    load_catalogues()
    return {row.code: row.version for row in Catalogue.objects.filter(published_at__isnull=False)}


def payload(catalogues, *, days_ago=1, sex="female", age_group="25-34", is_child=False, citizenship="XP",
            work_type="labour", urgent=False, offline=False, yes=()) -> dict:
    finished = timezone.now() - dt.timedelta(days=days_ago, minutes=5)
    return screening_world.payload(
        yes=[(SCREEN, indicator) for indicator in yes], is_child=is_child, work_type=work_type, urgent=urgent,
        age_group=age_group, offline=offline, started_at=finished - dt.timedelta(minutes=12), finished_at=finished,
        sex=sex, citizenship=citizenship)


def submit(actor, catalogues, n=1, *, last_month=False, **kwargs) -> list[Screening]:
    """Screenings as a phone sends them; with `last_month`, moved into the last completed calendar month
    (`days_ago` days before its end), the period co-ordinators and analysts get breakdowns for."""
    made = [screening_submit(actor=actor, payload=payload(catalogues, **kwargs))[0] for _ in range(n)]
    if last_month:
        _start, end = last_complete_month(timezone.localdate())
        day = end - dt.timedelta(days=min(kwargs.get("days_ago", 1), end.day - 1))
        when = timezone.make_aware(dt.datetime.combine(day, dt.time(12)))
        Screening.objects.filter(pk__in=[s.pk for s in made]).update(
            started_at=when - dt.timedelta(minutes=12), finished_at=when)
    return made


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


# --- Helpers: what a reader can work out from a table -------------------------------------------------------
def compositions(total: int, cells: int):
    """Every table of `cells` counts adding up to `total`."""
    if cells == 1:
        yield [total]
        return
    for first in range(total + 1):
        for rest in compositions(total - first, cells - 1):
            yield [first, *rest]


def readings(shown: list, total: int) -> list[set[int] | None]:
    """For each "<5" cell of a table shown with its exact total, every value it holds in some table that the
    method shows exactly so: what a reader who knows the method and reruns it over every candidate can work
    out (the attack a review found against an earlier method). None for the other cells."""
    values = [set() if cell == "<5" else None for cell in shown]
    for counts in compositions(total, len(shown)):
        if disclosure.protect_table(counts) == list(shown):
            for possible, n in zip(values, counts, strict=True):
                if possible is not None:
                    possible.add(n)
    return values


def assert_nothing_recoverable(shown: list, total: int) -> None:
    """Every "<5" cell could be 0 as far as any reader can tell, so none singles anybody out."""
    if "<5" not in shown:
        return
    for cell, possible in zip(shown, readings(shown, total), strict=True):
        if cell == "<5":
            assert 0 in possible and len(possible) >= 1, (shown, total, possible)


def released(rows) -> int | str:
    """What the cell-key method releases for these screenings: "<5", or the count moved by their keys."""
    rows = list(rows)
    return disclosure.release(disclosure.Tally(len(rows), sum(r.record_key for r in rows)))


def shape(cells: list) -> list:
    """A table as protect_table lays it out, every released count as "n"."""
    return ["n" if isinstance(c, int) else c for c in cells]


def page_table(page: str, testid: str) -> list[tuple[str, int | str]]:
    """(label, count) rows of a table on the page, counts as the API gives them (an int or a word)."""
    table = re.search(rf'<table[^>]*data-testid="{testid}">(.*?)</table>', page, re.S).group(1)
    body = re.search(r"<tbody>(.*?)</tbody>", table, re.S).group(1)

    def count(html: str) -> int | str:
        for word in ("hidden", "withheld"):
            if f">{word}<" in html:
                return word
        return "<5" if "&lt;5" in html else int(html.strip())

    return [(label, count(cell)) for label, cell in
            re.findall(r'<tr><th scope="row">(.*?)</th><td[^>]*>(.*?)</td></tr>', body, re.S)]


TABLES = (("outcomes", "table-outcomes"), ("by_sex", "by-sex"), ("by_age_group", "by-age-group"),
          ("by_citizenship", "by-citizenship"))


# --- Figures -------------------------------------------------------------------------------------------
def test_counts_per_band_and_per_day_with_zero_days_filled(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 6, days_ago=1)  # no indicators
    submit(north, cat, 5, days_ago=3, yes=["worked-unpaid"])  # an indicator: monitor and inform
    submit(north, cat, 5, days_ago=3, urgent=True)  # urgent: refer now
    submit(north, cat, 5, days_ago=3, is_child=True, age_group="12-17", yes=["job-offer"])  # child procedure
    submit(north, cat, 3, days_ago=2, offline=True)

    data = figures.dashboard(actor=world["actors"]["north_manager"])

    assert data["total"] == 24 and data["suppressed_reason"] is None
    bands = {o["code"]: o["count"] for o in data["outcomes"]}
    assert bands == {code: released(Screening.objects.filter(outcome=code)) for code in ("none", "monitor", "refer",
                                                                                          "child")}
    assert all(abs(bands[code] - true) <= 2 for code, true in (("none", 9), ("monitor", 5), ("refer", 5),
                                                                ("child", 5)))
    assert data["urgent"] == released(Screening.objects.filter(urgent=True))
    assert data["offline"] == "<5"  # 3 taken offline: a small count
    series = data["per_day"]
    assert len(series) == figures.DEFAULT_DAYS == data["days"]
    assert series[-1]["date"] == timezone.localdate() and series[0]["date"] == data["date_from"]
    by_day = {d["date"]: d["count"] for d in series}
    today = timezone.localdate()
    day = lambda n: timezone.localdate(timezone.now() - dt.timedelta(days=n, minutes=5))  # noqa: E731
    assert by_day[day(1)] == 6 and by_day[day(2)] == 3 and by_day[day(3)] == 15  # the days stay exact
    assert sum(by_day.values()) == 24
    assert by_day[today - dt.timedelta(days=20)] == 0  # a day without screenings is there, as 0


def test_referrals_made_and_urgent_ones(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    urgent = submit(north, cat, 6, urgent=True)
    monitor = submit(north, cat, 1, yes=["forced-to-work"])
    submit(north, cat, 4)
    for screening in (*urgent[:5], monitor[0]):
        screening_refer(actor=north, screening_id=screening.pk, given_name="Ana", family_name="Doe",
                        organisation_id=world["shelter"].pk, consent=True)

    data = figures.dashboard(actor=world["actors"]["north_manager"])

    referred = Screening.objects.filter(referred_at__isnull=False)
    assert data["referrals"] == released(referred) and abs(data["referrals"] - 6) <= 2
    assert data["urgent_referrals"] == released(referred.filter(urgent=True))
    assert data["urgent"] == released(Screening.objects.filter(urgent=True))
    assert data["offline"] == "<5"  # none at all is "<5" too


def test_with_fewer_than_ten_screenings_only_the_total_and_the_days_are_given(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 9, days_ago=2)
    assert figures.dashboard(actor=world["actors"]["north_manager"])["by_sex"] is None
    submit(north, cat, 1, days_ago=2)
    data = figures.dashboard(actor=world["actors"]["north_manager"])
    assert data["total"] == figures.MIN_TOTAL and data["suppressed_reason"] is None and data["by_sex"]


def test_a_day_with_one_screening_shows_nothing_but_its_total_and_day(world, client):
    """The finding: an analyst who picks the one day with one screening must not see who it was."""
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 12, days_ago=5)  # enough over the month, but not on the day looked at
    submit(north, cat, 1, days_ago=1, sex="other", age_group="12-17", is_child=True, citizenship="XW",
           urgent=True, offline=True, yes=["job-offer", "worked-unpaid"])
    day = timezone.localdate(timezone.now() - dt.timedelta(days=1, minutes=5))
    period = {"date_from": day.isoformat(), "date_to": day.isoformat()}
    analyst = world["people"]["analyst"]

    body = _api(client, analyst)(**period).json()

    assert body["total"] == 1 and [d["count"] for d in body["per_day"]] == [1]
    assert body["suppressed_reason"].startswith("Fewer than 10 screenings in this period")
    for section in ("outcomes", "by_sex", "by_age_group", "by_citizenship", "indicators", "referrals", "urgent",
                    "urgent_referrals", "offline"):
        assert body[section] is None, section

    client.force_login(analyst.user)
    response = client.get(reverse("screening:dashboard"), period)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="total">1<' in page and 'data-testid="table-per-day"' in page
    assert ("Fewer than 10 screenings in this period: widen the period or the facility to see breakdowns, so "
            "that nobody can be singled out.") in page
    for absent in ('data-testid="by-', 'data-testid="indicators"', 'data-testid="table-outcomes"',
                   'data-testid="referrals"', 'data-testid="urgent"', 'data-testid="offline"', "Warland",
                   "12–17", "Other<", "Approached with an offer", "Worked without"):
        assert absent not in page, absent
    assert AuditEvent.objects.filter(object_type="screening_dashboard").count() == 2  # each view still audited


def test_a_small_cell_and_an_empty_one_both_show_less_than_five(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 15, citizenship="XP", sex="female", yes=["worked-unpaid"])
    submit(north, cat, 3, citizenship="XW", sex="male", yes=["job-offer"])

    data = figures.dashboard(actor=world["actors"]["north_manager"])

    assert data["total"] == 18  # the total stays exact
    sex = {c["code"]: c["count"] for c in data["by_sex"]}
    assert sex == {"female": "hidden", "male": "<5", "other": "<5", "unknown": "<5"}  # 3 and 0 alike
    assert_nothing_recoverable(list(sex.values()), 18)  # even if the hidden one were exact
    # Seven age groups: 18 screenings are too few to show any of them without singling someone out.
    assert {c["count"] for c in data["by_age_group"]} == {"withheld"}
    indicators = {(i["catalogue"], i["indicator"]): i for i in data["indicators"]}
    assert indicators[(SCREEN, "worked-unpaid")]["count"] == released(Screening.objects.filter(citizenship="XP"))
    assert indicators[(SCREEN, "worked-unpaid")]["label"] == "Worked without getting the expected payment"
    assert indicators[(SCREEN, "job-offer")]["count"] == "<5"
    assert indicators[(SCREEN, "forced-to-work")]["count"] == "<5"  # nobody: "<5" as well
    # Warland's 3 are among the other countries, not named; Poorland hidden as the largest cell beside them.
    citizenship = [(c["code"], c["label"], c["count"]) for c in data["by_citizenship"]]
    assert citizenship == [("XP", "Poorland", "hidden"), ("other", "Other countries (fewer than 5 each)", "<5")]


def test_one_small_cell_hides_the_largest_and_nothing_else(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 20, citizenship="XP")
    submit(north, cat, 12, citizenship="XM")
    submit(north, cat, 9, citizenship="XT")
    submit(north, cat, 2, citizenship="XW")

    data = figures.dashboard(actor=world["actors"]["north_manager"])

    cells = {c["label"]: c["count"] for c in data["by_citizenship"]}
    assert shape(list(cells.values())) == ["n", "n", "hidden", "<5"] and list(cells)[2:] == [
        "Poorland", "Other countries (fewer than 5 each)"]
    assert cells["Middelland"] == released(Screening.objects.filter(citizenship="XM"))
    assert cells["Transvaland"] == released(Screening.objects.filter(citizenship="XT"))
    # 43 - 12 - 9 = 22 for Poorland and the others: the others anywhere from 0 to 4 as far as anyone can tell,
    # even before the perturbation.
    assert readings([12, 9, "hidden", "<5"], data["total"])[3] == {0, 1, 2, 3, 4}


@pytest.mark.parametrize(("counts", "expected"), [
    ([20, 12, 9, 2], ["hidden", 12, 9, "<5"]),  # one small cell: the largest hidden with it
    ([7, 5, 5, 1], ["hidden", 5, 5, "<5"]),  # the review's example: was [7, hidden, hidden, <5], only (7,5,5,1)
    ([9, 6, 5, 1], ["hidden", 6, 5, "<5"]),  # was [9, 6, hidden, <5]: hidden + small = 6 pinned the small to 1
    ([4, 4, 4, 5], ["<5", "<5", "<5", "hidden"]),  # was only (4, 4, 4, 5)
    ([9, 3, 0, 0], ["withheld"] * 4),  # 12 screenings in four cells: too few
    ([12, 0, 0, 0], ["withheld"] * 4),
    ([17, 0, 0, 0], ["hidden", "<5", "<5", "<5"]),
    ([6, 6, 1], ["hidden", 6, "<5"]),  # ties: the first of the largest
    ([7, 8], [7, 8]),
])
def test_secondary_suppression(counts, expected):
    shown = disclosure.protect_table(counts)
    assert shown == expected
    assert_nothing_recoverable(shown, sum(counts))


@pytest.mark.parametrize("cells", [2, 3, 4, 5])
def test_no_reader_who_reruns_the_method_can_tell_a_small_cell_from_zero(cells):
    """Every table of 2 to 5 cells, from 10 screenings to well past the withholding line: group the tables by
    what is shown, and a "<5" cell always has 0 among the values it may hold, whatever the reader knows."""
    for total in range(figures.MIN_TOTAL, 4 * cells + 12):
        groups: dict[tuple, list[set[int]]] = {}
        for counts in compositions(total, cells):
            shown = tuple(disclosure.protect_table(counts))
            for possible, n in zip(groups.setdefault(shown, [set() for _ in counts]), counts, strict=True):
                possible.add(n)
        for shown, values in groups.items():
            assert (shown == ("withheld",) * cells) == (total <= 4 * cells), (shown, total)
            for cell, possible in zip(shown, values, strict=True):
                if cell == "<5":
                    assert 0 in possible and possible <= set(range(5)), (shown, total, possible)
                elif isinstance(cell, int):
                    assert possible == {cell}


def test_small_countries_are_never_named_or_ordered_by_their_true_value(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 1, citizenship="XE")
    submit(north, cat, 4, citizenship="XW")
    submit(north, cat, 2, citizenship="XM")
    submit(north, cat, 6, citizenship="XT")
    submit(north, cat, 7, citizenship="XP")
    cells = figures.dashboard(actor=world["actors"]["north_manager"])["by_citizenship"]
    # The named ones, the small countries only together, always last.
    assert [c["label"] for c in cells][-1] == "Other countries (fewer than 5 each)"
    assert {c["label"] for c in cells[:-1]} == {"Poorland", "Transvaland"}
    assert cells[-1]["count"] == released(Screening.objects.filter(citizenship__in=["XE", "XW", "XM"]))


# --- Who sees what ------------------------------------------------------------------------------------
def test_an_organisation_admin_sees_only_their_organisation(world):
    cat = world["catalogues"]
    submit(world["actors"]["north_responder"], cat, 6)
    submit(world["actors"]["south_responder"], cat, 9)
    manager = factories.actor(world["people"]["north_manager"])

    data = figures.dashboard(actor=manager)

    assert data["total"] == 6 and data["scope"] == "organisation"
    assert data["facility"].id == world["north"].pk
    assert [f.id for f in data["facilities"]] == [world["north"].pk]
    with pytest.raises(ValidationFailed) as refused:
        figures.dashboard(actor=manager, facility_id=world["south"].pk)
    assert "facility" in refused.value.errors


def test_an_analyst_sees_the_whole_realm_and_can_pick_one_facility(world):
    cat = world["catalogues"]
    submit(world["actors"]["north_responder"], cat, 6, last_month=True)
    submit(world["actors"]["south_responder"], cat, 9, last_month=True)
    for who in ("analyst", "coordinator"):
        actor = world["actors"][who]
        assert figures.dashboard(actor=actor)["total"] == 15
        # Only organisations with screenings are offered (not the shelter or the office).
        assert [f.name for f in figures.facility_choices(actor=actor)] == ["North reception", "South reception"]
        assert figures.dashboard(actor=actor, facility_id=world["south"].pk)["total"] == 9
        assert figures.dashboard(actor=actor, facility_id=str(world["north"].pk))["total"] == 6
        with pytest.raises(ValidationFailed):
            figures.dashboard(actor=actor, facility_id=world["shelter"].pk)


def test_another_realms_screenings_never_count(world):
    cat = world["catalogues"]
    submit(world["actors"]["north_responder"], cat, 5, last_month=True)
    sandbox = factories.exercise_realm("Team B")
    elsewhere = factories.organisation("Exercise reception")
    trainee = factories.member(elsewhere, [R.FRONTLINE_RESPONDER])
    submit(factories.actor(trainee, realm=sandbox), cat, 8, last_month=True)
    submit(factories.actor(world["people"]["north_responder"], realm=sandbox), cat, 4, last_month=True)

    analyst = world["actors"]["analyst"]
    assert figures.dashboard(actor=analyst)["total"] == 5
    assert [f.name for f in figures.facility_choices(actor=analyst)] == ["North reception"]
    with pytest.raises(ValidationFailed):
        figures.dashboard(actor=analyst, facility_id=elsewhere.pk)
    assert figures.dashboard(actor=factories.actor(world["people"]["north_manager"]))["total"] == 5
    # And the exercise realm's own analyst sees only the exercise realm.
    exercise_analyst = factories.actor(factories.member(world["office"], [R.ANALYST]), realm=sandbox)
    assert figures.dashboard(actor=exercise_analyst)["total"] == 12


def test_a_frontline_responder_without_admin_is_refused_page_and_api(world, client):
    responder = world["people"]["north_responder"]
    with pytest.raises(Forbidden):
        figures.dashboard(actor=world["actors"]["north_responder"])
    client.force_login(responder.user)
    assert client.get(reverse("screening:dashboard")).status_code == 403
    response = _api(client, responder)()
    assert response.status_code == 403 and response.json()["error"]["code"] == "forbidden"
    assert not AuditEvent.objects.filter(object_type="screening_dashboard", action="view").exists()


# --- The page and the API -------------------------------------------------------------------------------
def test_the_page_shows_figures_and_charts_but_no_screening_and_no_client_uuid(world, client):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    made = submit(north, cat, 8, citizenship="XP", yes=["worked-unpaid"])
    made += submit(north, cat, 6, citizenship="XT")
    made += submit(north, cat, 3, citizenship="XW", yes=["job-offer"])
    client.force_login(world["people"]["north_manager"].user)

    response = client.get(reverse("screening:dashboard"))

    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="total">17<' in page and 'data-testid="too-few"' not in page
    assert page.count("<svg") >= 3 and "<title" in page and "<desc" in page and 'viewBox="0 0 ' in page
    assert 'width="100%"' in page and " style=" not in page and "<script>" not in page
    assert page_table(page, "by-citizenship") == [
        ("Transvaland", released(Screening.objects.filter(citizenship="XT"))), ("Poorland", "hidden"),
        ("Other countries (fewer than 5 each)", "<5")]
    others = re.search(r"<th scope=\"row\">Other countries \(fewer than 5 each\)</th><td class=\"count\">(.*?)</td>",
                       page).group(1)
    assert "&lt;5" in others and "3" not in others and "Warland" not in page  # a small country is never named
    referrals = re.search(r'data-testid="referrals">(.*?)</p>', page).group(1)
    assert "&lt;5" in referrals and "0" not in referrals  # no referral: "<5" like any small count
    assert 'data-testid="disclosure-note"' in page and "a manager saw everyone at the desk anyway" in page
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
    submit(north, cat, 12, citizenship="XP", yes=["worked-unpaid"], last_month=True)
    submit(north, cat, 2, citizenship="XW", yes=["job-offer"], last_month=True)
    get = _api(client, world["people"]["coordinator"])

    response = get()

    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 14 and body["scope"] == "realm" and body["facility"] is None
    assert body["suppressed_reason"] is None and body["min_total"] == 10 and body["suppressed_below"] == 5
    assert {c["code"]: c["count"] for c in body["by_citizenship"]} == {"XP": "hidden", "other": "<5"}
    assert {(i["indicator"], i["count"]) for i in body["indicators"] if i["count"] != "<5"} == {
        ("worked-unpaid", released(Screening.objects.filter(citizenship="XP")))}
    assert {"job-offer", "forced-to-work"} <= {i["indicator"] for i in body["indicators"] if i["count"] == "<5"}
    assert body["referrals"] == body["urgent"] == body["offline"] == "<5"
    first, last = last_complete_month(timezone.localdate())
    assert (body["date_from"], body["date_to"]) == (first.isoformat(), last.isoformat())  # the default
    assert len(body["per_day"]) == last.day and sum(d["count"] for d in body["per_day"]) == 14
    assert [f["name"] for f in body["facilities"]] == ["North reception"]
    assert "client_uuid" not in response.content.decode()
    one = get(facility=world["north"].pk, date_from=str(timezone.localdate() - dt.timedelta(days=6)),
              date_to=str(timezone.localdate()))
    assert one.status_code == 200 and one.json()["days"] == 7 and one.json()["facility"]["name"] == "North reception"
    bad = get(date_from="2026-02-30")
    assert bad.status_code == 422 and "date_from" in bad.json()["error"]["details"]
    assert get(facility=world["south"].pk).status_code == 422  # no screenings there: not a choice


def test_no_table_on_the_page_or_in_the_api_gives_a_withheld_cell_back(world, client):
    north, south, cat = world["actors"]["north_responder"], world["actors"]["south_responder"], world["catalogues"]
    # North: one small country next to a country of exactly 5, a child, an urgent case. South: two single
    # screenings from two countries.
    submit(north, cat, 6, citizenship="XP", sex="male", last_month=True)
    submit(north, cat, 5, citizenship="XT", yes=["worked-unpaid"], last_month=True)
    submit(north, cat, 1, citizenship="XW", sex="other", age_group="12-17", is_child=True, yes=["job-offer"],
           last_month=True)
    submit(south, cat, 10, citizenship="XP", urgent=True, last_month=True)
    submit(south, cat, 1, citizenship="XE", age_group="50+", last_month=True)
    submit(south, cat, 1, citizenship="XM", age_group="unknown", sex="unknown", last_month=True)
    analyst = world["people"]["analyst"]
    client.force_login(analyst.user)
    get = _api(client, analyst)

    for facility in ("", world["north"].pk, world["south"].pk):
        body = get(**({"facility": facility} if facility else {})).json()
        page = client.get(reverse("screening:dashboard"), {"facility": facility}).content.decode()
        assert body["suppressed_reason"] is None
        assert f'data-testid="total">{body["total"]}<' in page
        for key, testid in TABLES:
            shown = [c["count"] for c in body[key]]
            assert "<5" not in shown or "hidden" in shown  # a small cell never stands alone beside the total
            assert [count for _label, count in page_table(page, testid)] == shown  # the page shows the same
    cells = lambda **params: {c["code"]: c["count"] for c in get(**params).json()["by_citizenship"]}  # noqa: E731
    assert cells() == {"XP": "hidden", "XT": released(Screening.objects.filter(citizenship="XT")), "other": "<5"}
    assert cells(facility=world["north"].pk) == {"XP": "withheld", "XT": "withheld", "other": "withheld"}
    assert cells(facility=world["south"].pk) == {"XP": "hidden", "other": "<5"}


def test_a_hidden_cell_has_no_bar_only_the_word():
    chart = horizontal_bars([{"label": "A", "count": 12}, {"label": "B", "count": "hidden"},
                             {"label": "C", "count": "<5"}], rtl=False)
    a, b, c = chart["rows"]
    assert b["bar"]["hidden"] and b["bar"]["width"] == 0 and b["value"]["text"] == "hidden"
    assert c["bar"]["suppressed"] and 0 < c["bar"]["width"] < a["bar"]["width"]


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

    submit(north, cat, 10, yes=["job-offer"])
    few = count()
    submit(north, cat, 12, days_ago=4, citizenship="XW", yes=["worked-unpaid", "job-offer"])
    submit(world["actors"]["south_responder"], cat, 3)
    assert count() == few


# --- Figures tied together on one page (second review) ----------------------------------------------------
MOVES = [(step, (bound - previous)) for (bound, step), previous in
         zip(disclosure.PERTURBATION, [0] + [b for b, _s in disclosure.PERTURBATION[:-1]], strict=True)]


ALL_MOVES = tuple(step for step, _keys in MOVES)


def _fits(shown, n: int, steps) -> bool:
    """Could a true count `n` be released as `shown`, moved by one of `steps`?"""
    if shown == "<5":
        return n < 5
    return n >= 5 and any(max(5, n + step) == shown for step in steps)


def child_band_readings(bands: list, referrals, total: int, steps=ALL_MOVES) -> set[int]:
    """Every child-band count a reader can still believe, from the outcome bands (none, monitor, refer, child)
    and the referrals card: the table's shape follows protect_table, each shown count may have moved by up to
    2, and referrals are at most the screenings outside the none band."""
    possible = set()
    for counts in compositions(total, 4):
        if shape(disclosure.protect_table(counts)) != shape(bands):
            continue
        if all(_fits(s, n, steps) for s, n in zip(bands, counts, strict=True) if s != "hidden") and any(
                _fits(referrals, f, steps) for f in range(sum(counts[1:]) + 1)):
            possible.add(counts[3])
    return possible


@pytest.mark.parametrize(("truth", "referred", "most_ruling_out_zero"), [
    ([6, 6, 5, 1], 12, 0.01),  # the review's example: exact figures pinned one child with indicators
    ([6, 6, 5, 2], 13, 0.06),  # tighter still: "at least one" can be read in about 5% of draws, never a count
])
def test_tied_figures_no_longer_give_a_small_band_back(truth, referred, most_ruling_out_zero):
    total = sum(truth)
    layout = disclosure.protect_table(truth)
    assert layout == ["hidden", 6, 5, "<5"]
    # Exact figures, as before: the referrals card pins the child band.
    assert child_band_readings(layout, referred, total, steps=(0,)) == {truth[3]}
    # With the cell-key moves, weigh every combination of moves of the three shown counts by its share of the
    # 256 cell keys: the child band is never pinned, and 0 is rarely ruled out.
    ruled_out = 0.0
    for (m, km), (r, kr), (f, kf) in itertools.product(MOVES, repeat=3):
        shown = ["hidden", max(5, truth[1] + m), max(5, truth[2] + r), "<5"]
        readings_now = child_band_readings(shown, max(5, referred + f), total)
        assert len(readings_now) >= 2, (shown, readings_now)
        if 0 not in readings_now:
            ruled_out += km * kr * kf / disclosure.RECORD_KEYS ** 3
    assert ruled_out < most_ruling_out_zero, ruled_out


def test_the_cell_key_method_moves_by_at_most_two_with_mean_zero_and_the_same_figure_every_time():
    assert sum(step * keys for step, keys in MOVES) == 0 and sum(k for _s, k in MOVES) == disclosure.RECORD_KEYS
    assert {disclosure.move(key) for key in range(disclosure.RECORD_KEYS)} == {-2, -1, 0, 1, 2}
    for n in range(5, 40):
        for keys in range(0, 600, 7):
            value = disclosure.perturbed(n, keys)
            assert value >= 5 and abs(value - n) <= 2 and value == disclosure.perturbed(n, keys)
    # One screening more draws the move afresh: over its 256 possible keys, every move occurs.
    assert {disclosure.perturbed(20, 1000 + key) - 20 for key in range(disclosure.RECORD_KEYS)} == {-2, -1, 0, 1, 2}


def test_the_dashboard_gives_the_same_figures_on_every_view(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 13, yes=["worked-unpaid"])
    submit(north, cat, 8)
    analyst = world["actors"]["analyst"]
    first, again = figures.dashboard(actor=analyst), figures.dashboard(actor=analyst)
    assert first["outcomes"] == again["outcomes"] and first["indicators"] == again["indicators"]


# --- Fixed reporting periods for co-ordinators and analysts (third review) -------------------------------
def test_realm_wide_readers_get_breakdowns_for_one_completed_month_at_a_time(world):
    north, cat = world["actors"]["north_responder"], world["catalogues"]
    submit(north, cat, 12, last_month=True)
    first, last = last_complete_month(timezone.localdate())
    analyst = world["actors"]["analyst"]

    assert figures.dashboard(actor=analyst)["outcomes"] is not None  # the default: the last completed month
    # Every other period holding the same twelve screenings: nested in the month, or overlapping it.
    for period in ((first + dt.timedelta(days=1), last), (first, last - dt.timedelta(days=1)),
                   (first - dt.timedelta(days=3), last)):
        data = figures.dashboard(actor=analyst, date_from=period[0].isoformat(), date_to=period[1].isoformat())
        assert data["outcomes"] is None and data["indicators"] is None and data["referrals"] is None, period
        assert data["suppressed_reason"].startswith("Co-ordinators and analysts see breakdowns for one completed")
        assert data["total"] == 12 and sum(d["count"] for d in data["per_day"]) == 12  # the days stay
    # The reception manager saw everyone at the desk: any period.
    manager = world["actors"]["north_manager"]
    assert figures.dashboard(actor=manager, date_from=(first + dt.timedelta(days=1)).isoformat(),
                             date_to=last.isoformat())["outcomes"] is not None


def test_all_facilities_are_withheld_when_they_differ_from_one_facility_by_a_few(world):
    cat = world["catalogues"]
    submit(world["actors"]["north_responder"], cat, 12, last_month=True)
    lone = submit(world["actors"]["south_responder"], cat, 1, last_month=True, urgent=True, is_child=True,
                  age_group="12-17", yes=["job-offer"])
    analyst = world["actors"]["analyst"]
    everything = figures.dashboard(actor=analyst)
    north = figures.dashboard(actor=analyst, facility_id=world["north"].pk)
    # North alone is shown; all facilities would be north plus the one screening at south, so they are not.
    assert north["outcomes"] is not None and everything["total"] == 13
    assert everything["outcomes"] is None and everything["by_age_group"] is None
    assert "differ from one facility by fewer than 10" in everything["suppressed_reason"]
    assert lone[0].outcome == "child"
    # With ten or more at south too, both views are shown: their difference is a group, not a person.
    submit(world["actors"]["south_responder"], cat, 9, last_month=True)
    assert figures.dashboard(actor=analyst)["outcomes"] is not None
