"""Parallel requests appending to the audit log on PostgreSQL leave one unbroken chain."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection, connections
from django.test import Client

from alliance.cases.services import case_create
from alliance.core import audit
from alliance.core import roles as R
from alliance.core.models import AuditEvent
from alliance.directory.services import token_issue
from tests import factories

pytestmark = [pytest.mark.postgres_only, pytest.mark.django_db(transaction=True)]

WORKERS = 8
REQUESTS_EACH = 15


def test_parallel_requests_keep_the_chain(tmp_path):
    assert connection.vendor == "postgresql", "this layer runs on PostgreSQL"
    membership = factories.member(factories.organisation(), [R.CASE_WORKER])
    actor = factories.actor(membership)
    case = case_create(actor=actor, given_name="Para", family_name="Llel")
    _t, raw = token_issue(actor=actor, name="load", days=1)
    before = AuditEvent.objects.count()

    def worker(n: int) -> list[int]:
        client = Client()
        statuses = []
        try:
            for i in range(REQUESTS_EACH):
                if (n + i) % 3 == 0:
                    response = client.post("/api/v1/cases", {"given_name": f"W{n}", "family_name": f"R{i}"},
                                           content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}")
                else:
                    response = client.get(f"/api/v1/cases/{case.pk}", HTTP_AUTHORIZATION=f"Bearer {raw}")
                statuses.append(response.status_code)
        finally:
            connections.close_all()
        return statuses

    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        results = [s for batch in pool.map(worker, range(WORKERS)) for s in batch]
    assert all(status in (200, 201) for status in results), results
    assert AuditEvent.objects.count() == before + WORKERS * REQUESTS_EACH
    result = audit.verify(anchor_file=tmp_path / "anchor")
    assert result.ok, result.problem
    seqs = list(AuditEvent.objects.order_by("seq").values_list("seq", flat=True))
    assert seqs == list(range(1, len(seqs) + 1))
