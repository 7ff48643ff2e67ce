"""The log-in throttle under parallel attempts: each attempt is charged before its password is checked, so
N parallel guesses get exactly the allowed number of checks; and the slow password hash runs outside any
transaction (on SQLite a transaction holds the one write lock, which stalled every writer under load)."""

from __future__ import annotations

import threading

import pytest
from django.contrib.auth.backends import ModelBackend
from django.db import connection
from django.test import override_settings

from alliance.core.models import AuditEvent
from alliance.directory.services import InvalidCredentials, LockedOut, login_check
from tests import factories

WATCHED: list[bool] = []  # per password check: was a transaction open?


class WatchingBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        WATCHED.append(connection.in_atomic_block)
        return super().authenticate(request, username=username, password=password, **kwargs)


BACKEND = {"AUTHENTICATION_BACKENDS": ["tests.directory.test_login_concurrency.WatchingBackend"]}


@pytest.fixture
def carla(transactional_db):
    WATCHED.clear()
    return factories.member(factories.organisation(), [], email="carla@dreamland.test").user


@override_settings(**BACKEND, ALLIANCE_LOCKOUT_FAILURES=3)
def test_the_password_is_checked_outside_any_transaction(carla):
    assert login_check(email="carla@dreamland.test", password=factories.PASSWORD, address="10.0.0.1") == carla
    with pytest.raises(InvalidCredentials):
        login_check(email="carla@dreamland.test", password="wrong password!", address="10.0.0.1")
    assert WATCHED == [False, False]


@override_settings(**BACKEND, ALLIANCE_LOCKOUT_FAILURES=3)
def test_the_lock_comes_with_the_failure_that_reaches_the_limit_and_a_success_clears_the_count(carla):
    for _ in range(2):
        with pytest.raises(InvalidCredentials):
            login_check(email="carla@dreamland.test", password="wrong password!", address="10.0.0.1")
    assert login_check(email="carla@dreamland.test", password=factories.PASSWORD, address="10.0.0.1") == carla
    for _ in range(2):  # the success cleared the count: two more failures do not lock
        with pytest.raises(InvalidCredentials):
            login_check(email="carla@dreamland.test", password="wrong password!", address="10.0.0.1")
    with pytest.raises(LockedOut):  # the third does, and says so
        login_check(email="carla@dreamland.test", password="wrong password!", address="10.0.0.1")
    with pytest.raises(LockedOut):  # and the right password is not even checked while locked
        login_check(email="carla@dreamland.test", password=factories.PASSWORD, address="10.0.0.1")
    assert len(WATCHED) == 6
    assert AuditEvent.objects.filter(action="locked_out", user_id=carla.pk).count() == 2


@pytest.mark.skipif(connection.vendor == "sqlite", reason="needs concurrent connections (PostgreSQL)")
@override_settings(**BACKEND, ALLIANCE_LOCKOUT_FAILURES=3)
def test_parallel_guesses_get_no_more_checks_than_the_limit(carla):
    barrier, outcomes = threading.Barrier(8), []

    def guess():
        try:
            barrier.wait()
            login_check(email="carla@dreamland.test", password="wrong password!", address="10.0.0.9")
        except (InvalidCredentials, LockedOut) as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(WATCHED) == 3  # three passwords checked, whatever the interleaving
    assert AuditEvent.objects.filter(action="failed_login", user_id=carla.pk).count() == 3
    # Five were refused unchecked; a checked guess that ends after the lock was set is told so too.
    assert len(outcomes) == 8 and outcomes.count("InvalidCredentials") <= 2
