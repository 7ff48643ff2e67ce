"""A page that reads a case through several selectors appends all their events together: each still its own
row, in order, on one unbroken chain; a refusal inside the block is kept too."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from alliance.cases.services import case_create
from alliance.core import audit
from alliance.core import roles as R
from alliance.core.models import AuditEvent
from tests import factories


@pytest.fixture
def worker(db):
    return factories.member(factories.organisation("Safe Harbour"), [R.CASE_WORKER])


def test_deferred_events_are_appended_in_order_on_one_chain(worker):
    actor = factories.actor(worker)
    before = AuditEvent.objects.count()
    with audit.deferred():
        for n in range(3):
            audit.record(actor=actor, action="view", object_type="case", object_id=n)
        assert AuditEvent.objects.count() == before  # nothing written until the block ends
    rows = list(AuditEvent.objects.order_by("seq"))[before:]
    assert [r.object_id for r in rows] == ["0", "1", "2"]
    assert audit.verify().ok


def test_events_are_kept_when_the_block_fails(worker):
    actor = factories.actor(worker)
    with pytest.raises(RuntimeError), audit.deferred():
        audit.record(actor=actor, action="denied", object_type="case", object_id=9)
        raise RuntimeError("the page failed after reading")
    assert AuditEvent.objects.filter(action="denied", object_id="9").exists()
    assert audit.verify().ok


def test_the_case_page_takes_the_chain_head_once(client, worker):
    case = case_create(actor=factories.actor(worker), given_name="Mira", family_name="Volk")
    client.force_login(worker.user)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(f"/cases/{case.pk}/").status_code == 200
    heads = [q for q in ctx.captured_queries if q["sql"].startswith("SELECT seq, hash FROM core_auditevent")]
    inserts = [q for q in ctx.captured_queries if q["sql"].startswith("INSERT INTO core_auditevent")]
    assert len(heads) == 1 and len(inserts) >= 2
    assert audit.verify().ok
