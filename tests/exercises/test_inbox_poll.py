"""The inbox's once-a-second poll: "nothing new" answered from the page's ticket in one query, before the
session and actor are rebuilt; everything else, and every ticket that cannot be trusted (forged, expired,
of another session, of a session that ended), through the whole stack with its checks."""

from __future__ import annotations

import re
import time

import pytest
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.exercises.inbox_ticket import ticket_issue
from alliance.exercises.models import InjectRelease
from alliance.exercises.services.injects import inject_release
from tests.exercises import after_action_world

pytestmark = pytest.mark.django_db
POLL = "/exercises/runs/inbox/poll"


@pytest.fixture
def world():
    return after_action_world.build()


def _ticket(html: str) -> str:
    return re.search(r'X-Inbox-Ticket": "([^"]+)"', html).group(1)


def _after(html: str) -> int:
    return int(re.search(r"poll\?after=(\d+)", html).group(1))


def _open_inbox(client, user) -> tuple[str, int]:
    """Opens the inbox and polls as the page would until it is up to date (the first tick of the process
    may release what was due since the start)."""
    client.force_login(user)
    page = client.get("/exercises/runs/inbox/").content.decode()
    ticket, last = _ticket(page), _after(page)
    while (answer := _poll(client, ticket, last)).status_code == 200:
        ticket, last = _ticket(answer.content.decode()), _after(answer.content.decode())
    return ticket, last


def _poll(client, ticket: str, after: int):
    return client.get(f"{POLL}?after={after}", HTTP_X_INBOX_TICKET=ticket)


def test_nothing_new_is_answered_from_the_ticket_in_one_query(client, world, monkeypatch):
    from alliance.exercises.services import injects

    monkeypatch.setattr(injects, "TICK_EVERY_SECONDS", 3600)  # one tick, while opening, however slow the machine
    injects._last_tick.clear()
    ticket, last = _open_inbox(client, world.trainees[0][0])
    with CaptureQueriesContext(connection) as queries:
        answer = _poll(client, ticket, last)
    assert answer.status_code == 204 and answer.content == b""
    assert len(queries) == 1 and "django_session" in queries[0]["sql"]
    assert answer["Cache-Control"] == "no-store"


def test_something_new_comes_through_the_whole_stack_with_a_fresh_ticket(client, world):
    ticket, last = _open_inbox(client, world.trainees[0][0])
    inject_release(actor=world.controller, run_id=world.run.pk, inject_id="inj-12")
    answer = _poll(client, ticket, last)
    html = answer.content.decode()
    assert answer.status_code == 200 and "inbox-items" in html
    newest = InjectRelease.objects.filter(team__number=1).order_by("-id").first()
    assert f"after={newest.pk}" in html
    assert _poll(client, _ticket(html), newest.pk).status_code == 204


@pytest.mark.parametrize("spoil", ["forged", "tampered", "expired", "none"])
def test_a_ticket_that_cannot_be_trusted_goes_through_the_whole_stack(client, world, monkeypatch, spoil):
    ticket, last = _open_inbox(client, world.trainees[0][0])
    if spoil == "forged":
        ticket = signing.TimestampSigner(key="not-the-servers-key", salt="alliance.exercises.inbox-poll") \
            .sign_object({"team": 1, "run": world.run.pk, "session": "x"})
    elif spoil == "tampered":
        ticket = ticket[:-2] + ("AA" if ticket[-2:] != "AA" else "BB")
    elif spoil == "expired":
        monkeypatch.setattr(signing.TimestampSigner, "timestamp",
                            lambda self: signing.b62_encode(int(time.time()) - 31))
        ticket = ticket_issue(session_key=client.session.session_key, team=world.run.teams.get(number=1))
        monkeypatch.undo()
    elif spoil == "none":
        ticket = ""
    with CaptureQueriesContext(connection) as queries:
        answer = _poll(client, ticket, last)
    assert answer.status_code == 200 and len(queries) > 1  # the view answered, with a ticket to poll with
    html = answer.content.decode()
    assert _after(html) == last and _poll(client, _ticket(html), last).status_code == 204


def test_after_log_out_the_ticket_admits_nothing(client, world):
    ticket, last = _open_inbox(client, world.trainees[0][0])
    client.post("/accounts/logout/")
    answer = _poll(client, ticket, last)
    assert answer.status_code == 302 and "/accounts/login" in answer["Location"]


def test_a_ticket_works_only_with_the_session_it_was_issued_to(client, world):
    ticket, last = _open_inbox(client, world.trainees[0][0])
    # A trainee of team 2 who got hold of it: their own session, so the whole check runs, on their team.
    client.force_login(world.trainees[1][0])
    inject_release(actor=world.controller, run_id=world.run.pk, inject_id="inj-12",
                   team_ids=[world.run.teams.get(number=1).pk])
    answer = _poll(client, ticket, last)
    assert answer.status_code == 200
    assert "inj-12" not in answer.content.decode()


def test_polls_on_tickets_still_release_what_falls_due(client, world, monkeypatch):
    from alliance.exercises.services import injects

    ticket, last = _open_inbox(client, world.trainees[0][0])
    ticked = []
    monkeypatch.setattr(injects, "run_tick", lambda *, run_id: ticked.append(run_id) or 0)
    injects._last_tick.clear()
    assert _poll(client, ticket, last).status_code == 204
    assert ticked == [world.run.pk]
