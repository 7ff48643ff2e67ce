"""Shared fixtures. Every test runs on SQLite and, in the PostgreSQL layer, on PostgreSQL."""

from __future__ import annotations

import pytest

from tests import factories


@pytest.fixture
def live(db):
    return factories.live_realm()


@pytest.fixture
def make_org(db):
    return factories.organisation


@pytest.fixture
def make_member(db):
    return factories.member


@pytest.fixture
def exercise(db):
    return factories.exercise_realm("Team A")


@pytest.fixture
def own_keyring(settings, tmp_path, monkeypatch):
    """A key ring of the test's own, so rotating or adding keys does not change the keys other tests use."""
    from alliance.core.keyring import reset_cache

    monkeypatch.delenv("ALLIANCE_KEYRING", raising=False)
    settings.KEY_DIR = tmp_path / "keys"
    reset_cache()
    yield
    reset_cache()


@pytest.fixture(autouse=True)
def _fresh_audit_repeats():
    """Reads recorded once per window (audit.record's repeat_window) are remembered per process: each test
    starts with none remembered, so that ids reused between tests are not taken for repeats."""
    from alliance.core import audit

    audit._repeats.clear()
    yield
