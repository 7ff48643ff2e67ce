"""Reads of programmes, calls and applicants, and the programme report.

Public reads (a published call's page) touch no applicant. Everything else passes the programme's gate,
`programme_get_for`, which answers "not found" alike for a missing, another organisation's or another
realm's programme. Every read of applicants' personal fields is audited with the field names.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from django.db.models import QuerySet
from django.utils import timezone

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound
from alliance.exercises.models import Applicant, Call, Edition, Programme

PERSONAL_FIELDS = ["given_name", "family_name", "email", "agency", "motivation", "nominating_authority", "answers"]
LIST_FIELDS = ["given_name", "family_name", "agency"]


def _as_id(value: object) -> int | None:
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 0 < number < 2**63 else None


# --- Public ------------------------------------------------------------------------------------------------
def calls_open_public() -> list[Call]:
    """Published calls whose deadline has not passed: what the public page lists."""
    return list(Call.objects.filter(published=True, deadline__gt=timezone.now())
                .select_related("edition__programme").order_by("deadline", "id"))


def call_public_get(*, call_id: object) -> Call:
    """A published call with its edition and programme; no applicant data."""
    number = _as_id(call_id)
    call = (Call.objects.filter(pk=number, published=True).select_related("edition__programme").first()
            if number else None)
    if call is None:
        raise NotFound("call")
    return call


# --- The gate ----------------------------------------------------------------------------------------------
def programme_get_for(*, actor: Actor, programme_id: object, action: str = R.PROGRAMME_MANAGE) -> Programme:
    if not policy.may(actor, action):
        audit.record(actor=actor, action="denied", object_type="programme", object_id=programme_id, reason=action)
        raise Forbidden(action)
    number = _as_id(programme_id)
    programme = policy.PROGRAMME.scope(actor, action).filter(pk=number).first() if number else None
    if programme is None:
        audit.record(actor=actor, action="denied", object_type="programme", object_id=programme_id, reason=action)
        raise NotFound("programme")
    return programme


def programmes_for(*, actor: Actor) -> QuerySet:
    if not policy.may(actor, R.PROGRAMME_MANAGE):
        audit.record(actor=actor, action="denied", object_type="programme", reason=R.PROGRAMME_MANAGE)
        raise Forbidden(R.PROGRAMME_MANAGE)
    return policy.PROGRAMME.scope(actor, R.PROGRAMME_MANAGE).order_by("title", "id")


def editions_of(*, actor: Actor, programme_id: object) -> list[Edition]:
    programme = programme_get_for(actor=actor, programme_id=programme_id, action=R.PROGRAMME_MANAGE)
    return list(Edition.objects.filter(programme=programme).select_related("call").order_by("starts_on", "id"))


def edition_get_for(*, actor: Actor, edition_id: object) -> Edition:
    number = _as_id(edition_id)
    edition = Edition.objects.filter(pk=number).select_related("programme").first() if number else None
    programme_get_for(actor=actor, programme_id=edition.programme_id if edition else 0, action=R.PROGRAMME_MANAGE)
    return edition


def call_of_edition(*, actor: Actor, edition_id: object) -> Call | None:
    edition = edition_get_for(actor=actor, edition_id=edition_id)
    return Call.objects.filter(edition=edition).first()


def call_get_for(*, actor: Actor, call_id: object, action: str = R.APPLICATION_REVIEW) -> Call:
    number = _as_id(call_id)
    call = Call.objects.filter(pk=number).select_related("edition__programme").first() if number else None
    # A missing call is asked the programme's question on id 0, so both refusals look alike.
    programme_get_for(actor=actor, programme_id=call.edition.programme_id if call else 0, action=action)
    return call


# --- Applicants --------------------------------------------------------------------------------------------
def applicants_of_call(*, actor: Actor, call: Call) -> QuerySet:
    """The confirmed applicants of a call the actor reviews (the caller passed the gate)."""
    return (policy.APPLICANT.scope(actor, R.APPLICATION_REVIEW)
            .filter(call=call, confirmed_at__isnull=False).order_by("id"))


def applicants_for(*, actor: Actor, call_id: object) -> tuple[Call, list[dict]]:
    """The reviewer's list: every confirmed applicant with names, scores, decisions and duplicates. One
    audited list event per call, naming the personal fields shown."""
    call = call_get_for(actor=actor, call_id=call_id, action=R.APPLICATION_REVIEW)
    rows = list(applicants_of_call(actor=actor, call=call))
    by_person: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        if row.person_index:
            by_person[row.person_index].append(row.pk)
    listed = []
    for row in rows:
        duplicates = [pk for pk in by_person.get(row.person_index or "", []) if pk != row.pk]
        listed.append({"applicant": row, "duplicates": duplicates})
    audit.record(actor=actor, action="list", object_type="applicant", object_id=call.pk, fields=LIST_FIELDS,
                 reason=f"call {call.pk}: {len(rows)} applicants")
    return call, listed


def applicant_get_for(*, actor: Actor, applicant_id: object) -> Applicant:
    """The one gate of the Applicant type: the whole application, an audited read."""
    if not policy.may(actor, R.APPLICATION_REVIEW):
        audit.record(actor=actor, action="denied", object_type="applicant", object_id=applicant_id,
                     reason=R.APPLICATION_REVIEW)
        raise Forbidden(R.APPLICATION_REVIEW)
    number = _as_id(applicant_id)
    applicant = (policy.APPLICANT.scope(actor, R.APPLICATION_REVIEW).filter(pk=number)
                 .select_related("call__edition__programme").first() if number else None)
    if applicant is None:
        audit.record(actor=actor, action="denied", object_type="applicant", object_id=applicant_id,
                     reason=R.APPLICATION_REVIEW)
        raise NotFound("applicant")
    audit.record(actor=actor, action="view", object_type="applicant", object_id=applicant.pk,
                 fields=PERSONAL_FIELDS)
    return applicant


# --- The programme report ----------------------------------------------------------------------------------
def programme_report_for(*, actor: Actor, programme_id: object, channel_reason: str = "report") -> dict:
    """Counts only (no name, no contact): per edition applications, selected and countries; over the
    programme participants by profession, gender and country, and the totals. Audited as a view of the
    programme with the counted (non-identifying) fields."""
    programme = programme_get_for(actor=actor, programme_id=programme_id, action=R.PROGRAMME_MANAGE)
    editions = list(Edition.objects.filter(programme=programme).order_by("starts_on", "id"))
    rows = (policy.APPLICANT.scope(actor, R.APPLICATION_REVIEW)
            .filter(call__edition__programme=programme, confirmed_at__isnull=False)
            .values_list("call__edition_id", "decision", "country", "profession", "gender"))
    applications: Counter = Counter()
    selected: Counter = Counter()
    countries: dict[int, set[str]] = defaultdict(set)
    by_profession: Counter = Counter()
    by_gender: Counter = Counter()
    by_country: Counter = Counter()
    for edition_id, decision, country, profession, gender in rows:
        applications[edition_id] += 1
        if decision == Applicant.Decision.SELECTED:
            selected[edition_id] += 1
            countries[edition_id].add(country)
            by_profession[profession] += 1
            by_gender[gender] += 1
            by_country[country] += 1
    audit.record(actor=actor, action="view", object_type="programme", object_id=programme.pk,
                 fields=["decision", "country", "profession", "gender"], reason=channel_reason)
    return {
        "programme": {"id": programme.pk, "title": programme.title},
        "participants": sum(selected.values()),
        "states": len(by_country),
        # The groups that trained: an edition still selecting has groups planned, not run.
        "groups": sum(e.groups for e in editions if selected[e.pk]),
        "editions": [{"id": e.pk, "title": e.title, "starts_on": e.starts_on, "ends_on": e.ends_on,
                      "venue": e.venue, "language": e.language, "groups": e.groups, "capacity": e.capacity,
                      "applications": applications[e.pk], "selected": selected[e.pk],
                      "countries": len(countries[e.pk])} for e in editions],
        "by_profession": dict(sorted(by_profession.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_gender": dict(sorted(by_gender.items(), key=lambda kv: (-kv[1], kv[0]))),
        "by_country": dict(sorted(by_country.items(), key=lambda kv: (-kv[1], kv[0]))),
    }
