"""A small world for screening tests: the shipped catalogues loaded, an actor with a role, and a valid
submission payload (the contract in screening/services/submission.py) built from the current interview.

Keep it simple: other screening tests import it.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Mapping

from django.utils import timezone

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.directory.models import Organisation
from alliance.screening.domain.catalogue import load_catalogues
from alliance.screening.domain.interview import Interview, Question, current_interview, section_shown
from tests import factories

Key = tuple[str, str]  # (catalogue code, indicator id)


def load() -> Interview:
    """Load the shipped catalogue files (idempotent) and return the interview built from them."""
    load_catalogues()
    return current_interview()


def conductor(role: str = R.FRONTLINE_RESPONDER, org: Organisation | None = None, **member) -> Actor:
    """An actor of `org` (a new organisation when None) holding one role, in the live realm."""
    return factories.actor(factories.member(org or factories.organisation(), [role], **member))


def questions(interview: Interview, *, is_child: bool | None = None, work_type: str | None = None) -> list[Question]:
    """Every question of the interview, or (when is_child and work_type are given) only those asked."""
    return [q for s in interview.sections
            if is_child is None or section_shown(s, is_child=is_child, work_type=work_type)
            for q in s.questions]


def key(interview: Interview, indicator: str | Key) -> Key:
    """(catalogue, indicator) for a bare indicator id (ids do not repeat across the interview's catalogues)."""
    if isinstance(indicator, tuple):
        return indicator
    found = [(q.catalogue, q.indicator) for q in questions(interview) if q.indicator == indicator]
    if len(found) != 1:
        raise KeyError(indicator)
    return found[0]


def payload(
    interview: Interview | None = None, *, yes: Iterable[str | Key] = (), no: Iterable[str | Key] = (),
    answers: Mapping[Key, str] | None = None, is_child: bool = False, work_type: str = "labour",
    urgent: bool = False, age: int | None = None, age_group: str | None = None, offline: bool = False,
    started_at: dt.datetime | None = None, finished_at: dt.datetime | None = None,
    client_uuid: str | None = None, **overrides,
) -> dict:
    """A payload the server accepts: the interview's catalogue versions, answers for the given indicators
    (`yes` and `no` by id, or `answers` as {(catalogue, indicator): answer}), each with its default source.
    `overrides` replace or add top-level keys as given. Without `interview`, the current one."""
    interview = interview or current_interview()
    chosen: dict[Key, str] = dict(answers or {})
    chosen.update({key(interview, i): "no" for i in no})
    chosen.update({key(interview, i): "yes" for i in yes})
    by_key = {(q.catalogue, q.indicator): q for q in questions(interview)}
    now = timezone.now()
    started_at = started_at or now - dt.timedelta(minutes=20)
    finished_at = finished_at or started_at + dt.timedelta(minutes=12)
    body = {
        "client_uuid": client_uuid or str(uuid.uuid4()),
        "started_at": started_at.isoformat(), "finished_at": finished_at.isoformat(), "offline": offline,
        "interviewer_language": "en", "interviewee_language": "ar", "interpreter": False,
        "catalogues": [{"code": c.code, "version": c.version} for c in interview.catalogues],
        "sex": "female", "age": age, "age_group": age_group or _group(age, is_child),
        "is_child": is_child, "citizenship": "", "work_type": work_type, "urgent": urgent,
        "answers": [{"catalogue": code, "indicator": ident, "answer": answer,
                     "source": "observed" if by_key[(code, ident)].observe else "self_reported"}
                    for (code, ident), answer in chosen.items()],
    }
    body.update(overrides)
    return body


def _group(age: int | None, is_child: bool) -> str:
    if age is None:
        return "12-17" if is_child else "25-34"
    return next((group for upper, group in ((11, "0-11"), (17, "12-17"), (24, "18-24"), (34, "25-34"), (49, "35-49"))
                 if age <= upper), "50+")
