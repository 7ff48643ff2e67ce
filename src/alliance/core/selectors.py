"""Reads of core data through the policy: the audit log for auditors, jobs for their starters."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.core import policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.core.models import JobRun, Realm

AUDIT_FILTERS = ("action", "object_type", "object_id", "user_id", "realm_id")


def audit_list_for(*, actor: Actor, filters: dict[str, str] | None = None) -> QuerySet:
    if not policy.may(actor, R.AUDIT_VIEW):
        raise Forbidden(R.AUDIT_VIEW)
    queryset = policy.AUDIT_EVENT.scope(actor, R.AUDIT_VIEW).order_by("-seq")
    for key, value in (filters or {}).items():
        if key in AUDIT_FILTERS and value:
            if key in ("user_id", "realm_id") and not str(value).isdigit():
                raise ValidationFailed({key: [_("Give a number.")]})
            queryset = queryset.filter(**{key: value})
    if filters and filters.get("since"):
        try:
            queryset = queryset.filter(at__date__gte=dt.date.fromisoformat(filters["since"]))
        except ValueError:
            raise ValidationFailed({"since": [_("Use the form YYYY-MM-DD.")]}) from None
    return queryset


def audit_count_today_for(*, actor: Actor) -> int:
    start = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    return audit_list_for(actor=actor).filter(at__gte=start).count()


def exercise_realms_of(*, actor: Actor) -> list[Realm]:
    if actor.user_id is None:
        return []
    return list(Realm.objects.filter(kind=Realm.Kind.EXERCISE, participants__id=actor.user_id))


def job_get_for(*, actor: Actor, job_id: int) -> JobRun:
    job = JobRun.objects.filter(pk=job_id).first() if isinstance(job_id, int) else None
    if job is None or not policy.JOB.can(actor, R.JOB_VIEW, job):
        raise NotFound("job")
    return job
