"""Screenings that never became a case are deleted when their period ends; referred ones follow their case."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from alliance.core import roles as R
from alliance.core.models import AuditEvent
from alliance.screening.domain.catalogue import load_catalogues
from alliance.screening.models import Screening
from alliance.screening.services import screening_refer, screening_submit
from alliance.screening.services.retention import screenings_expire
from tests import factories
from tests.screening.matrix_world import payload


@pytest.fixture
def aged(db, settings):
    settings.ALLIANCE_SCREENING_RETENTION_DAYS = 365
    load_catalogues()
    org, shelter = factories.organisation("Reception"), factories.organisation("Shelter")
    actor = factories.actor(factories.member(org, [R.FRONTLINE_RESPONDER]))
    old, recent, referred = (screening_submit(actor=actor, payload=payload())[0] for _ in range(3))
    screening_refer(actor=actor, screening_id=referred.pk, given_name="A", family_name="B",
                    organisation_id=shelter.pk, consent=True)
    long_ago = timezone.now() - dt.timedelta(days=400)
    Screening.objects.filter(pk__in=[old.pk, referred.pk]).update(finished_at=long_ago, started_at=long_ago)
    return {"old": old, "recent": recent, "referred": referred}


def test_a_dry_run_counts_and_changes_nothing(aged):
    result = screenings_expire(dry_run=True)
    assert (result.due, result.deleted) == (1, 0)
    assert Screening.objects.count() == 3


def test_only_old_screenings_without_a_case_go_and_the_deletion_is_audited(aged):
    events = AuditEvent.objects.filter(object_type="screening", action="delete")
    result = screenings_expire()
    assert result.deleted == 1
    assert set(Screening.objects.values_list("pk", flat=True)) == {aged["recent"].pk, aged["referred"].pk}
    event = events.get()
    assert f"{aged['old'].pk}" in event.reason and event.user_id is None
    assert screenings_expire().deleted == 0  # nothing twice


def test_the_retention_command_runs_it(aged):
    out = io.StringIO()
    call_command("retention", "run", stdout=out)
    assert "Deleted: 1 screenings without a case" in out.getvalue()
    assert not Screening.objects.filter(pk=aged["old"].pk).exists()
