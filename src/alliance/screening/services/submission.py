"""A screening arrives whole, from the page or from a phone's offline queue, and is stored exactly once.

Everything is checked at the edge and a refused screening changes nothing. The browser chooses the
screening's id (`client_uuid`) when the interview starts: the same id with the same content is the same
screening sent again (answered with the stored one, counted once); the same id with other content is a
conflict, refused and shown, never silently merged. The score is always computed here, never taken from
the client.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.countries import COUNTRY_CODES
from alliance.core.encryption import content_digest, content_digest_matches
from alliance.core.errors import Conflict, Forbidden, ValidationFailed
from alliance.screening.domain import languages, scoring
from alliance.screening.domain.interview import (
    ANSWERS,
    INTERVIEW_CATALOGUES,
    SOURCES,
    Interview,
    age_group_of,
    interview_for,
    section_shown,
)
from alliance.screening.domain.tickets import ticket_read
from alliance.screening.models import Catalogue, Screening

CLOCK_SKEW = dt.timedelta(minutes=10)
OLDEST = dt.timedelta(days=30)  # an offline queue older than this is refused: it should have been sent
ADULT_GROUPS = {"18-24", "25-34", "35-49", "50+"}
CHILD_GROUPS = {"0-11", "12-17"}


def screening_submit(*, actor: Actor, payload: dict) -> tuple[Screening, bool]:
    """Store one screening. Returns (screening, created): created is False when it was already received."""
    if not policy.may(actor, R.SCREENING_CONDUCT) or actor.organisation_id is None:
        raise Forbidden(R.SCREENING_CONDUCT)
    _check_taken_by(actor, payload)
    # A screening sent again (its answer was lost on the way back to the phone) is recognised even when it
    # has grown older than the window or its catalogue was retired since: it was received, nothing is new.
    resent = _known_uuid(actor, payload)
    clean, interview = _validate(payload, resent=resent, ticket=_ticket(actor, payload))
    content = json.dumps(clean, sort_keys=True, separators=(",", ":"), default=str)
    existing = _existing(actor, clean["client_uuid"], content)
    if existing is not None:
        return existing, False
    answers = {(a["catalogue"], a["indicator"]): a["answer"] for a in clean["answers"]}
    explanation = scoring.score(interview, answers, is_child=clean["is_child"], work_type=clean["work_type"],
                                urgent=clean["urgent"])
    try:
        with transaction.atomic():
            screening = Screening.objects.create(
                realm_id=actor.realm_id, organisation_id=actor.organisation_id, created_by_id=actor.user_id,
                client_uuid=clean["client_uuid"], content_digest=content_digest(content),
                started_at=clean["started_at"],
                finished_at=clean["finished_at"], offline=clean["offline"],
                interviewer_language=clean["interviewer_language"],
                interviewee_language=clean["interviewee_language"], interpreter=clean["interpreter"],
                sex=clean["sex"], age_group=clean["age_group"], is_child=clean["is_child"],
                citizenship=clean["citizenship"], work_type=clean["work_type"], urgent=clean["urgent"],
                outcome=explanation["band"], indicators_present=explanation["indicators_present"],
                answers={"age": clean["age"], "observations": clean["answers"]}, explanation=explanation,
            )
            screening.catalogues.set(interview.catalogues)
            audit.record(actor=actor, action="create", object_type="screening", object_id=screening.pk,
                         fields=["answers", "explanation"], reason="offline" if clean["offline"] else "")
    except IntegrityError:
        # The same id arrived twice at once (two tabs syncing the same queue): the other one was stored.
        existing = _existing(actor, clean["client_uuid"], content)
        if existing is None:
            raise
        return existing, False
    return screening, True


def _ticket(actor: Actor, payload):
    return ticket_read(actor, payload.get("ticket")) if isinstance(payload, dict) else None


def _check_taken_by(actor: Actor, payload) -> None:
    """A phone's queue may outlive the session it was filled in: another account may have logged in since,
    or the same person switched to an exercise realm or another organisation. The screening belongs where
    it was taken; sent from anywhere else it is refused whole (kept on the phone, nothing stored here)."""
    taken_by = payload.get("taken_by") if isinstance(payload, dict) else None
    if taken_by is None:
        return
    expected = {"user_id": actor.user_id, "organisation_id": actor.organisation_id, "realm_id": actor.realm_id}
    if not isinstance(taken_by, dict) or any(taken_by.get(k) != v for k, v in expected.items()):
        raise Conflict(_("This screening was taken by another account, or in another organisation or realm, and "
                         "was not stored. Log in as the person who took it, in the same organisation and realm, "
                         "to send it."), field="taken_by")


def _known_uuid(actor: Actor, payload) -> bool:
    try:
        client_uuid = uuid.UUID(str(payload.get("client_uuid", ""))) if isinstance(payload, dict) else None
    except ValueError:
        return False
    return client_uuid is not None and Screening.objects.filter(
        realm_id=actor.realm_id, organisation_id=actor.organisation_id, client_uuid=client_uuid).exists()


def _existing(actor: Actor, client_uuid: str, content: str) -> Screening | None:
    # The id is the phone's, unique within one organisation: looking wider would tell a stranger that another
    # organisation holds a screening with it (found by the attack), even through a conflict naming nothing.
    found = Screening.objects.filter(realm_id=actor.realm_id, organisation_id=actor.organisation_id,
                                     client_uuid=client_uuid).first()
    if found is None:
        return None
    if not content_digest_matches(found.content_digest, content):
        raise Conflict(_("Another screening was already received with this id; this one differs from it and was "
                         "not stored. Keep it and tell your administrator."), existing_id=found.pk)
    return found


def _validate(payload: dict, *, resent: bool = False, ticket=None) -> tuple[dict, Interview]:
    if not isinstance(payload, dict):
        raise ValidationFailed(_("A screening is a JSON object."))
    errors: dict[str, list[str]] = {}

    def fail(field: str, message: str) -> None:
        errors.setdefault(field, []).append(message)

    clean: dict = {}
    try:
        clean["client_uuid"] = str(uuid.UUID(str(payload.get("client_uuid", ""))))
    except ValueError:
        fail("client_uuid", _("The screening id is not a UUID."))
    for field in ("interpreter", "urgent", "offline", "is_child"):
        value = payload.get(field, False)
        if not isinstance(value, bool):
            fail(field, _("Give true or false."))
        clean[field] = bool(value)
    _validate_times(payload, clean, fail, resent=resent)
    _validate_person(payload, clean, fail)
    interview = _validate_catalogues(payload, clean, fail, resent=resent, ticket=ticket)
    _validate_languages(payload, clean, interview, fail)
    if interview is not None:
        _validate_answers(payload, clean, interview, fail)
    if errors:
        raise ValidationFailed(errors)
    return clean, interview


def _validate_times(payload: dict, clean: dict, fail, *, resent: bool) -> None:
    now = timezone.now()
    for field in ("started_at", "finished_at"):
        value = payload.get(field)
        try:
            moment = parse_datetime(value) if isinstance(value, str) else None
        except ValueError:  # well formed but impossible: 30 February, hour 25
            moment = None
        if moment is None or timezone.is_naive(moment):
            fail(field, _("Give the time as an ISO 8601 date and time with its offset."))
        elif moment > now + CLOCK_SKEW:
            fail(field, _("The time is in the future: check the phone's clock."))
        elif moment < now - OLDEST and not resent:
            fail(field, _("The screening is older than %(days)d days and can no longer be received.")
                 % {"days": OLDEST.days})
        else:
            clean[field] = moment
    if clean.get("started_at") and clean.get("finished_at") and clean["finished_at"] < clean["started_at"]:
        fail("finished_at", _("The interview cannot finish before it started."))


def _code(payload: dict, field: str, default: str = "") -> str:
    """A code field: anything but a string (a list, an object) is as unknown as a wrong string."""
    value = payload.get(field, default)
    return value if isinstance(value, str) else "(not a code)"


def _validate_person(payload: dict, clean: dict, fail) -> None:
    sex = _code(payload, "sex", "unknown")
    if sex not in Screening.Sex.values:
        fail("sex", _("Choose female, male, other or not known."))
    clean["sex"] = sex
    citizenship = _code(payload, "citizenship") if payload.get("citizenship") is not None else ""
    if citizenship and citizenship not in COUNTRY_CODES:
        fail("citizenship", _("Give the citizenship as an ISO 3166 country code, or leave it empty."))
    clean["citizenship"] = citizenship
    work_type = _code(payload, "work_type")
    if work_type not in Screening.WorkType.values:
        fail("work_type", _("Choose the type of work: none yet, labour, sexual exploitation, or both."))
    clean["work_type"] = work_type
    age = payload.get("age")
    if age is not None and (not isinstance(age, int) or isinstance(age, bool) or not 0 <= age <= 120):
        fail("age", _("Give the age in whole years between 0 and 120, or leave it empty."))
        age = None
    clean["age"] = age
    group = _code(payload, "age_group") if payload.get("age_group") else (
        age_group_of(age) if age is not None else "unknown")
    if group not in Screening.AgeGroup.values:
        fail("age_group", _("Choose an age group."))
    elif age is not None and group != age_group_of(age):
        fail("age_group", _("The age group does not match the age given."))
    clean["age_group"] = group
    is_child = clean.get("is_child", False)
    # A person under 18 by the stated age is a child whatever was ticked; refusing (not silently changing)
    # keeps the interviewer's record and the stored one the same. The reverse is allowed: when in doubt
    # a person is presumed to be a child (CETS 197, art. 10(3)).
    if ((age is not None and age < 18) or group in CHILD_GROUPS) and not is_child:
        fail("is_child", _("Under 18 by the age given: record the person as a child."))
    if is_child and group in ADULT_GROUPS and age is None:
        fail("age_group", _("A child cannot be in an adult age group; choose not known when in doubt."))


def _validate_languages(payload: dict, clean: dict, interview: Interview | None, fail) -> None:
    """Each language is one the catalogue versions named are offered in: the nine built in, or an added
    language that is published and that every one of those versions carries complete. When the versions are
    not known (already refused), only the nine are certain."""
    offered = languages.offered(interview.catalogues) if interview is not None else languages.CODES
    for field in ("interviewer_language", "interviewee_language"):
        value = payload.get(field)
        clean[field] = value
        if value in offered:
            continue
        if interview is None and isinstance(value, str) and languages.is_known(value):
            continue  # the catalogue versions are refused already; the language is checked against them then
        if isinstance(value, str) and value not in languages.CODES and languages.is_known(value):
            fail(field, _("The interview is not offered in %(language)s (%(code)s) with these catalogue versions: "
                          "the language must be published and every catalogue version must have all its questions "
                          "in it. Choose one of: %(codes)s.")
                 % {"language": languages.name_of(value), "code": value, "codes": ", ".join(offered)})
        else:
            fail(field, _("Choose one of the supported languages: %(codes)s.") % {"codes": ", ".join(offered)})


def _validate_catalogues(payload: dict, clean: dict, fail, *, resent: bool, ticket) -> Interview | None:
    wanted = payload.get("catalogues")
    if not isinstance(wanted, list) or not all(isinstance(c, dict) for c in wanted):
        fail("catalogues", _("List the catalogue versions the interview used."))
        return None
    rows = []
    for entry in wanted:
        row = Catalogue.objects.filter(code=_code(entry, "code"), version=_code(entry, "version"),
                                       published_at__isnull=False).first()
        if row is None:
            fail("catalogues", _("Unknown catalogue version %(code)s %(version)s.")
                 % {"code": entry.get("code"), "version": entry.get("version")})
            continue
        if row.retired_at is not None and not resent and not _taken_before_retirement(row, clean, ticket):
            fail("catalogues", _("Catalogue %(code)s %(version)s was retired on %(date)s; reload the interview.")
                 % {"code": row.code, "version": row.version, "date": row.retired_at.date().isoformat()})
        rows.append(row)
    if len(rows) != len(wanted):
        return None  # each unknown version is already named
    if sorted(row.code for row in rows) != sorted(INTERVIEW_CATALOGUES):
        fail("catalogues", _("The interview uses one version each of: %(codes)s.")
             % {"codes": ", ".join(INTERVIEW_CATALOGUES)})
        return None
    clean["catalogues"] = sorted([row.code, row.version] for row in rows)
    return interview_for(tuple(sorted(rows, key=lambda r: INTERVIEW_CATALOGUES.index(r.code))))


def _taken_before_retirement(row: Catalogue, clean: dict, ticket) -> bool:
    """A version retired while a phone was offline with it is still received (nothing lost): the phone could
    not know. That takes a copy of the interview the server issued before the retirement (the ticket,
    screening/domain/tickets.py), and an interview begun before the retirement or taken offline: a collector that
    was online when it began should have asked for the interview again."""
    if ticket is None:
        return False
    issued, versions = ticket
    started = clean.get("started_at")
    begun_in_time = clean.get("offline") or (started is not None and started < row.retired_at)
    return (row.code, row.version) in versions and issued < row.retired_at and begun_in_time


def _validate_answers(payload: dict, clean: dict, interview: Interview, fail) -> None:
    answers = payload.get("answers")
    if not isinstance(answers, list):
        fail("answers", _("Give the answers as a list."))
        return
    seen, kept = set(), []
    for n, item in enumerate(answers, start=1):
        if not isinstance(item, dict):
            fail("answers", _("Answer %(n)d is not an object.") % {"n": n})
            continue
        key = (_code(item, "catalogue"), _code(item, "indicator"))
        question = interview.question(*key)
        if question is None:
            fail("answers", _("Answer %(n)d: unknown indicator %(id)s in %(code)s.")
                 % {"n": n, "id": key[1], "code": key[0]})
            continue
        if key in seen:
            fail("answers", _("Answer %(n)d: indicator %(id)s is answered twice.") % {"n": n, "id": key[1]})
            continue
        seen.add(key)
        if _code(item, "answer") not in ANSWERS:
            fail("answers", _("Answer %(n)d: the answer is one of %(values)s.")
                 % {"n": n, "values": ", ".join(ANSWERS)})
        default_source = "observed" if question.observe else "self_reported"
        source = _code(item, "source") if item.get("source") else default_source
        if source not in SOURCES:
            fail("answers", _("Answer %(n)d: the source is one of %(values)s.")
                 % {"n": n, "values": ", ".join(SOURCES)})
        section = interview.section_of(*key)
        if clean.get("work_type") in ("none", "labour", "sexual", "both") and not section_shown(
                section, is_child=clean.get("is_child", False), work_type=clean["work_type"]):
            fail("answers", _("Answer %(n)d: indicator %(id)s belongs to a section this interview skips.")
                 % {"n": n, "id": key[1]})
        kept.append({"catalogue": key[0], "indicator": key[1], "answer": item.get("answer"), "source": source})
    clean["answers"] = sorted(kept, key=lambda a: (a["catalogue"], a["indicator"]))
