"""Background jobs report progress to the UI and the API; only their starter can read them."""

from __future__ import annotations

import pytest

from alliance.core import audit
from alliance.core import roles as R
from alliance.core.models import JobRun
from alliance.directory.services import token_issue
from tests import factories


@pytest.fixture
def auditor(db):
    return factories.member(factories.organisation(), [R.AUDITOR])


def test_audit_verification_runs_as_a_job_and_reports_progress(client, auditor):
    for i in range(5):
        audit.record(actor=None, action="view", object_type="case", object_id=i)
    _t, raw = token_issue(actor=factories.actor(auditor), name="t", days=1)
    started = client.post("/api/v1/audit/verify", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert started.status_code == 202
    job_id = started.json()["id"]
    job = client.get(f"/api/v1/jobs/{job_id}", HTTP_AUTHORIZATION=f"Bearer {raw}").json()
    assert job["status"] == "done" and job["result"]["ok"] is True and job["percent"] == 100
    client.force_login(auditor.user)
    page = client.get(f"/audit/jobs/{job_id}/").content.decode()
    assert 'data-testid="job-progress"' in page and "chain intact" in page


def test_someone_elses_job_is_not_found(client, auditor):
    other = factories.member(auditor.organisation, [R.AUDITOR])
    job = JobRun.objects.create(kind="audit_verify", user_id=other.user_id)
    client.force_login(auditor.user)
    assert client.get(f"/audit/jobs/{job.pk}/").status_code == 404
