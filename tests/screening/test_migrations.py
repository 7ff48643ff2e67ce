"""Screening migrations that rewrite existing rows, run on rows stored before them (SQLite and PostgreSQL)."""

from __future__ import annotations

import importlib
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from alliance.screening.models import Screening
from alliance.screening.services import screening_submit
from tests.screening import screening_world as world


def test_existing_screenings_each_get_their_own_record_key(db):
    interview, actor = world.load(), world.conductor()
    for _ in range(60):
        screening_submit(actor=actor, payload=world.payload(interview))
    Screening.objects.update(record_key=7)  # what AddField leaves: one default for every row
    migration = importlib.import_module("alliance.screening.migrations.0006_screening_record_key")

    def execute(sql):
        with connection.cursor() as cursor:
            cursor.execute(sql)

    migration.give_each_its_own_key(apps, SimpleNamespace(connection=connection, execute=execute))

    keys = list(Screening.objects.values_list("record_key", flat=True))
    assert len(keys) == 60 and all(0 <= key < 256 for key in keys)
    assert len(set(keys)) > 30  # each its own: 60 draws from 256 repeat only a few times
