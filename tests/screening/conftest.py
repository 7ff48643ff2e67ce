"""Fixtures the catalogue editor's and the interview languages' tests share."""

from __future__ import annotations

import pytest

from alliance.core import roles as R
from tests import factories
from tests.screening import screening_world as world


@pytest.fixture
def loaded(db):
    return world.load()


@pytest.fixture
def admin_member(db):
    return factories.member(factories.organisation(sector="coordinator_rapporteur"), [R.SYSTEM_ADMINISTRATOR])


@pytest.fixture
def admin(admin_member):
    return factories.actor(admin_member)
