"""The inbox refreshes itself every second: its reads of the injects are audited as the console's are, once
per trainee, team and window per process (kept only once committed), while what each trainee marked read
stays per inject."""

from __future__ import annotations

import pytest

from alliance.core import audit
from alliance.core.models import AuditEvent
from alliance.exercises.services.injects import inject_release
from tests.exercises import after_action_world

pytestmark = pytest.mark.django_db


def _inbox_reads(user) -> int:
    return AuditEvent.objects.filter(user_id=user.pk, action="list", object_type="inject_release").count()


def test_a_trainee_reading_the_inbox_again_within_the_window_is_one_event(client, monkeypatch,
                                                                           django_capture_on_commit_callbacks):
    world = after_action_world.build()
    first, second = world.trainees[0]
    inject_release(actor=world.controller, run_id=world.run.pk, inject_id="inj-12")
    clock = [1000.0]
    monkeypatch.setattr(audit, "_clock", lambda: clock[0])

    def read_inbox(user):
        client.force_login(user)
        with django_capture_on_commit_callbacks(execute=True):
            assert client.get("/exercises/runs/inbox/").status_code == 200

    read_inbox(first)
    read_inbox(first)
    assert _inbox_reads(first) == 1
    read_inbox(second)
    assert _inbox_reads(second) == 1, "another trainee of the same team is their own event"
    clock[0] += audit.REFRESHED_READ_WINDOW + 1
    read_inbox(first)
    assert _inbox_reads(first) == 2, "after the window the next read is recorded again"
