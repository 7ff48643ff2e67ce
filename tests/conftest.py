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
