"""Sessions end after the idle timeout, after the absolute lifetime, and at once when they carry no start
stamp (their age is unknown); every ending is audited as a log-out naming why, and any log-in stamps."""

from __future__ import annotations

import time

import pytest

from alliance.core import roles as R
from alliance.core.middleware import SESSION_SEEN, SESSION_STARTED
from alliance.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def worker(db):
    return factories.member(factories.organisation(), [R.CASE_WORKER], email="carla@dreamland.test")


@pytest.fixture
def signed_in(client, worker):
    response = client.post("/accounts/login/", {"email": "carla@dreamland.test", "password": factories.PASSWORD},
                           REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    return client


def _change_session(client, **values) -> None:
    session = client.session
    for key, value in values.items():
        if value is None:
            del session[key]
        else:
            session[key] = value
    session.save()


def _expiries(worker):
    return list(AuditEvent.objects.filter(action="logout", user_id=worker.user_id)
                .values_list("object_type", "object_id", "address", "reason"))


def test_a_session_without_its_start_stamp_is_expired_and_audited(signed_in, worker):
    _change_session(signed_in, **{SESSION_STARTED: None})

    response = signed_in.get("/", REMOTE_ADDR="10.0.0.7")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in signed_in.session, "logged out, not only turned away once"
    assert signed_in.get("/")["Location"].startswith("/accounts/login/")
    assert _expiries(worker) == [("user", str(worker.user_id), "10.0.0.7", "session expired: no start stamp")]


def test_a_session_without_its_activity_stamp_is_expired(signed_in, worker):
    _change_session(signed_in, **{SESSION_SEEN: None})
    assert signed_in.get("/")["Location"].startswith("/accounts/login/")
    assert [reason for *_rest, reason in _expiries(worker)] == ["session expired: no activity stamp"]


def test_a_start_stamp_that_is_not_a_time_is_expired(signed_in, worker):
    _change_session(signed_in, **{SESSION_STARTED: "forever"})
    assert signed_in.get("/")["Location"].startswith("/accounts/login/")
    assert [reason for *_rest, reason in _expiries(worker)] == ["session expired: no start stamp"]


@pytest.mark.parametrize(("stamp", "age", "why"), [(SESSION_SEEN, 16 * 60, "idle timeout"),
                                                    (SESSION_STARTED, 13 * 3600, "absolute lifetime")])
def test_idle_and_lifetime_expiries_are_audited_the_same_way(signed_in, worker, stamp, age, why):
    _change_session(signed_in, **{stamp: time.time() - age})
    assert signed_in.get("/", REMOTE_ADDR="10.0.0.7")["Location"].startswith("/accounts/login/")
    assert _expiries(worker) == [("user", str(worker.user_id), "10.0.0.7", f"session expired: {why}")]


def test_every_way_of_logging_in_stamps_the_session(client, worker):
    client.force_login(worker.user)  # Django's login() without the log-in page
    assert isinstance(client.session[SESSION_STARTED], float)
    assert client.get("/").status_code == 200
    assert _expiries(worker) == []


def test_a_visitor_who_never_signed_in_is_left_alone(client):
    assert client.get("/accounts/login/").status_code == 200
    assert client.get("/accounts/login/").status_code == 200
    assert not AuditEvent.objects.filter(action="logout").exists()
