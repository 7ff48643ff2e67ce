"""Screenings that never became a case are kept for a set time (ALLIANCE_SCREENING_RETENTION_DAYS, two years
by default) for the facility's monitoring, then deleted, realm by realm. A referred screening follows its
case: erased with it, unlinked when the case is anonymised (cases/services/data_protection.py, retention.py).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from alliance.core import audit
from alliance.core.actor import system_actor
from alliance.screening.models import Screening

BATCH = 1_000


@dataclass(frozen=True)
class ScreeningRetention:
    cutoff: dt.datetime
    due: int
    deleted: int


def screenings_expire(*, today: dt.date | None = None, dry_run: bool = False) -> ScreeningRetention:
    today = today or timezone.localdate()
    cutoff = timezone.make_aware(dt.datetime.combine(today, dt.time.min)) - dt.timedelta(
        days=settings.ALLIANCE_SCREENING_RETENTION_DAYS)
    due = Screening.objects.filter(case__isnull=True, finished_at__lt=cutoff)
    count = due.count()
    if dry_run or not count:
        return ScreeningRetention(cutoff, count, 0)
    deleted = 0
    while True:
        with transaction.atomic():
            rows = list(due.values_list("id", "realm_id")[:BATCH])
            if not rows:
                break
            ids = [pk for pk, _realm in rows]
            # A referral made a moment ago wins: only rows still without a case go.
            deleted += Screening.objects.filter(pk__in=ids, case__isnull=True).delete()[1].get(
                "screening.Screening", 0)
            for realm_id in sorted({realm for _pk, realm in rows}):
                shown = [pk for pk, realm in rows if realm == realm_id]
                audit.record(actor=system_actor(realm_id=realm_id, channel="job"), action="delete",
                             object_type="screening", fields=["screening"],
                             reason=f"retention: {len(shown)} screenings finished before {cutoff.date()}: "
                                    + ",".join(str(pk) for pk in shown))
    return ScreeningRetention(cutoff, count, deleted)


# --- A referred screening follows its case (cases/signals.py) -------------------------------------------
def screenings_erase_with_case(*, case, **_signal) -> list[str]:
    """The case is erased: the screening it came from holds the same person's answers and goes with it."""
    erased, _kinds = Screening.objects.filter(case=case).delete()
    return ["screening"] if erased else []


def screenings_unlink_from_case(*, case, **_signal) -> list[str]:
    """The case is anonymised: its screening stays a facility statistic but no longer leads to the person;
    its link and the stated age go (the age group, the other columns and the answers are not identifying
    alone)."""
    wiped: list[str] = []
    for screening in Screening.objects.filter(case=case):
        screening.case = None
        screening.answers = {**(screening.answers or {}), "age": None}
        screening.content_digest = ""  # it covered the stated age
        screening.save(update_fields=["case", "answers", "content_digest"])
        wiped = ["screening.case", "screening.answers.age", "screening.content_digest"]
    return wiped
