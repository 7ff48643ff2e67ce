"""A page that refreshes itself (a run's console every 2 s, the evaluation board) records its read of
exercise data once per person, object and window, not once per refresh; anything else is always recorded."""

from __future__ import annotations

import pytest

from alliance.core import audit
from alliance.core.models import AuditEvent
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(db):
    return factories.actor(factories.member(factories.organisation(), []))


def _read(actor, object_id=1, window=audit.REFRESHED_READ_WINDOW):
    return audit.record(actor=actor, action="view", object_type="exercise_run", object_id=object_id,
                        fields=["console"], repeat_window=window)


def test_a_repeated_read_within_the_window_is_one_event(reader, django_capture_on_commit_callbacks, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(audit, "_clock", lambda: now[0])
    with django_capture_on_commit_callbacks(execute=True):
        assert _read(reader) is not None
    now[0] += 60
    with django_capture_on_commit_callbacks(execute=True):
        assert _read(reader) is None
    now[0] += audit.REFRESHED_READ_WINDOW
    with django_capture_on_commit_callbacks(execute=True):
        assert _read(reader) is not None
    assert AuditEvent.objects.filter(object_type="exercise_run").count() == 2
    assert audit.verify().ok


def test_another_object_or_person_is_its_own_event(reader, django_capture_on_commit_callbacks):
    other = factories.actor(factories.member(factories.organisation(), []))
    with django_capture_on_commit_callbacks(execute=True):
        _read(reader, 1)
        _read(reader, 2)
        _read(other, 1)
    assert AuditEvent.objects.filter(object_type="exercise_run").count() == 3


def test_a_read_that_rolled_back_is_not_taken_for_a_repeat(reader):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        _read(reader)
        raise RuntimeError("the page failed")
    _read(reader)
    assert AuditEvent.objects.filter(object_type="exercise_run").count() == 1


def test_without_a_window_every_read_is_recorded(reader, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(3):
            _read(reader, window=0)
    assert AuditEvent.objects.filter(object_type="exercise_run").count() == 3
