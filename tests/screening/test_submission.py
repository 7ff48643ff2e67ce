"""Bad input to screening_submit (issue 4, "Bad input"): each refusal is a clear error naming the field, and
a refused screening leaves nothing behind (no row, no audit event). Duplicates from the offline queue are
stored once; the same id with other content is a conflict; the score is always the server's."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.utils import timezone

from alliance.core import roles as R
from alliance.core.errors import Conflict, Forbidden, ValidationFailed
from alliance.core.key_rotation import blind_keys_rotate
from alliance.core.keyring import load_keyring
from alliance.core.models import AuditEvent
from alliance.screening.domain.interview import CHILD, OPERATIONAL
from alliance.screening.domain.tickets import ticket_issue
from alliance.screening.models import Catalogue, Screening
from alliance.screening.services import screening_submit
from tests import factories
from tests.screening import screening_world as world

POSITIVE = ["dr-job-nature", "dr-conditions", "ec-hours", "ec-wages", "cd-documents", "cd-violence"]


@pytest.fixture
def interview(db):
    return world.load()


@pytest.fixture
def actor(interview):
    return world.conductor()


def _stored() -> tuple[int, int]:
    return Screening.objects.count(), AuditEvent.objects.count()


def refused(actor, body, field: str, *words: str) -> list[str]:
    """Submit, expect a refusal naming `field` (with each of `words` in its messages), and nothing stored."""
    before = _stored()
    with pytest.raises(ValidationFailed) as caught:
        screening_submit(actor=actor, payload=body)
    assert field in caught.value.errors, caught.value.errors
    messages = " ".join(str(m) for m in caught.value.errors[field])
    for word in words:
        assert word in messages, messages
    assert _stored() == before
    return caught.value.errors[field]


def answer(indicator, value="yes", catalogue=OPERATIONAL, source="self_reported"):
    return {"catalogue": catalogue, "indicator": indicator, "answer": value, "source": source}


def test_a_valid_screening_is_stored_once_with_one_audit_event(interview, actor):
    before = _stored()
    screening, created = screening_submit(actor=actor, payload=world.payload(interview, yes=POSITIVE))
    assert created and screening.outcome == "refer" and screening.indicators_present == len(POSITIVE)
    assert _stored() == (before[0] + 1, before[1] + 1)
    event = AuditEvent.objects.order_by("-seq").first()
    assert (event.action, event.object_type, event.object_id) == ("create", "screening", str(screening.pk))


# -- unknown ids and catalogue versions ---------------------------------------------------------------------

@pytest.mark.parametrize(("item", "words"), [
    (answer("dr-made-up"), ["dr-made-up"]),
    (answer("deception", catalogue="ilo-11"), ["deception", "ilo-11"]),  # a catalogue the interview does not use
    (answer("dr-job-nature", catalogue="nonsense"), ["nonsense"]),
    (answer("unaccompanied", catalogue=OPERATIONAL), ["unaccompanied"]),  # a child item under the wrong catalogue
    ({"answer": "yes"}, []),
])
def test_an_unknown_indicator_is_refused(interview, actor, item, words):
    body = world.payload(interview, yes=["job-offer"])
    body["answers"].append(item)
    refused(actor, body, "answers", "unknown indicator", *words)


def test_an_unknown_catalogue_version_is_refused(interview, actor):
    body = world.payload(interview, yes=["job-offer"])
    body["catalogues"][1] = {"code": OPERATIONAL, "version": "1999.9"}
    refused(actor, body, "catalogues", "1999.9", OPERATIONAL)


@pytest.mark.parametrize("catalogues", [
    [],
    [{"code": "mixed-migration-5", "version": "2016.1"}],  # one missing
], ids=["none", "some"])
def test_the_interview_must_name_each_of_its_catalogues(interview, actor, catalogues):
    refused(actor, world.payload(interview, catalogues=catalogues), "catalogues")


def test_a_catalogue_version_twice_is_refused(interview, actor):
    body = world.payload(interview)
    body["catalogues"].append(dict(body["catalogues"][0]))
    refused(actor, body, "catalogues")


def test_a_draft_catalogue_version_is_unknown(interview, actor):
    current = interview.catalogue(OPERATIONAL)
    Catalogue.objects.create(code=OPERATIONAL, version="2099.1-draft", title="Draft", kind=current.kind,
                             content={**current.content, "version": "2099.1-draft"}, sha256="0" * 64)
    body = world.payload(interview)
    body["catalogues"][1] = {"code": OPERATIONAL, "version": "2099.1-draft"}
    refused(actor, body, "catalogues", "2099.1-draft")


def _retire(code: str, at: dt.datetime) -> None:
    Catalogue.objects.filter(code=code, retired_at__isnull=True).update(retired_at=at)


def test_a_version_retired_before_the_interview_started_is_refused(interview, actor):
    now = timezone.now()
    body = world.payload(interview, yes=["job-offer"], started_at=now - dt.timedelta(minutes=30))
    _retire(OPERATIONAL, now - dt.timedelta(hours=1))
    refused(actor, body, "catalogues", "retired", OPERATIONAL)


def _ticket_from(actor, interview, when: dt.datetime) -> str:
    """The ticket the interview page gave this account at `when`."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(timezone, "now", lambda: when)
        return ticket_issue(actor, interview.catalogues)


def test_a_version_retired_while_a_phone_was_offline_is_received_and_nothing_is_lost(interview, actor):
    now = timezone.now()
    started = now - dt.timedelta(days=2)
    body = world.payload(interview, yes=POSITIVE, no=["job-offer"], started_at=started, offline=True,
                         ticket=_ticket_from(actor, interview, started - dt.timedelta(minutes=5)))
    _retire(OPERATIONAL, now - dt.timedelta(days=1))
    screening, created = screening_submit(actor=actor, payload=body)
    assert created and screening.offline and screening.outcome == "refer"
    screening.refresh_from_db()
    assert {(c.code, c.version) for c in screening.catalogues.all()} == {
        (c["code"], c["version"]) for c in body["catalogues"]}
    assert len(screening.answers["observations"]) == len(POSITIVE) + 1
    # and the queue may send it again: still one screening
    assert screening_submit(actor=actor, payload=body) == (screening, False)


def test_an_interview_begun_offline_after_the_retirement_on_an_older_page_is_received(interview, actor):
    # The phone had its page before the retirement and no connection since: it could not know.
    now = timezone.now()
    body = world.payload(interview, yes=POSITIVE, started_at=now - dt.timedelta(days=1), offline=True,
                         ticket=_ticket_from(actor, interview, now - dt.timedelta(days=40)))
    _retire(OPERATIONAL, now - dt.timedelta(days=2))
    screening, created = screening_submit(actor=actor, payload=body)
    assert created and screening.outcome == "refer"


def test_an_interview_begun_online_after_the_retirement_is_refused(interview, actor):
    # Online when it began, the collector should have asked for the interview again.
    now = timezone.now()
    body = world.payload(interview, yes=POSITIVE, started_at=now - dt.timedelta(hours=1), offline=False,
                         ticket=_ticket_from(actor, interview, now - dt.timedelta(days=3)))
    _retire(OPERATIONAL, now - dt.timedelta(days=2))
    refused(actor, body, "catalogues", "retired")


@pytest.mark.parametrize("ticket", ["none", "issued_after", "another_account", "forged"])
def test_a_retired_version_needs_the_servers_word_not_a_backdated_start(interview, actor, ticket):
    # The phone writes started_at; only a ticket the server issued before the retirement lets a retired
    # version in.
    now = timezone.now()
    retired = now - dt.timedelta(days=1)
    backdated = retired - dt.timedelta(hours=2)
    tickets = {
        "none": None,
        "issued_after": _ticket_from(actor, interview, now - dt.timedelta(minutes=1)),
        "another_account": _ticket_from(world.conductor(), interview, backdated - dt.timedelta(minutes=5)),
        "forged": _ticket_from(actor, interview, backdated - dt.timedelta(minutes=5))[:-3] + "AAA",
    }
    body = world.payload(interview, yes=POSITIVE, started_at=backdated, offline=True)
    if tickets[ticket] is not None:
        body["ticket"] = tickets[ticket]
    _retire(OPERATIONAL, retired)
    refused(actor, body, "catalogues", "retired")


# -- the person: child and age ------------------------------------------------------------------------------

def test_a_child_by_age_flagged_as_adult_is_refused(interview, actor):
    refused(actor, world.payload(interview, age=15, is_child=False), "is_child", "Under 18")


def test_a_child_age_group_flagged_as_adult_is_refused(interview, actor):
    refused(actor, world.payload(interview, age_group="12-17", is_child=False), "is_child")


def test_a_person_presumed_a_child_is_accepted_in_doubt(interview, actor):
    # The reverse is allowed: in doubt a person is presumed to be a child (CETS 197, art. 10(3)).
    screening, created = screening_submit(actor=actor, payload=world.payload(
        interview, age=19, is_child=True, yes=["unaccompanied"]))
    assert created and screening.is_child and screening.outcome == "child"


@pytest.mark.parametrize(("age", "group"), [(30, "18-24"), (15, "0-11"), (15, "18-24"), (70, "35-49")])
def test_an_age_group_not_matching_the_age_is_refused(interview, actor, age, group):
    refused(actor, world.payload(interview, age=age, age_group=group, is_child=age < 18), "age_group", "does not match")


def test_a_child_in_an_adult_age_group_is_refused(interview, actor):
    refused(actor, world.payload(interview, is_child=True, age_group="25-34"), "age_group")


@pytest.mark.parametrize(("field", "value"), [
    ("age", -1), ("age", 121), ("age", "15"), ("age", 15.5), ("age", True),
    ("age_group", "teen"), ("sex", "f"), ("citizenship", "Dreamland"), ("work_type", "farming"),
    ("work_type", None), ("interviewer_language", "de"), ("interviewee_language", ""),
])
def test_a_bad_person_value_is_refused(interview, actor, field, value):
    refused(actor, world.payload(interview) | {field: value}, field)


# -- answers ------------------------------------------------------------------------------------------------

def test_answers_for_work_conditions_when_the_person_has_not_worked_are_refused(interview, actor):
    body = world.payload(interview, work_type="none", yes=["dr-job-nature", "ec-hours"])
    refused(actor, body, "answers", "ec-hours", "skips")
    body = world.payload(interview, work_type="none", no=["cd-documents"])
    refused(actor, body, "answers", "cd-documents")


def test_child_answers_for_an_adult_are_refused(interview, actor):
    body = world.payload(interview, is_child=False, yes=[(CHILD, "unaccompanied")])
    refused(actor, body, "answers", "unaccompanied", "skips")


@pytest.mark.parametrize("second", ["yes", "no"])
def test_the_same_indicator_answered_twice_is_refused(interview, actor, second):
    body = world.payload(interview, yes=["dr-job-nature"])
    body["answers"].append(answer("dr-job-nature", second))
    refused(actor, body, "answers", "dr-job-nature", "twice")


@pytest.mark.parametrize(("change", "words"), [
    ({"answer": "maybe"}, ["answer is one of"]),
    ({"answer": True}, ["answer is one of"]),
    ({"answer": None}, ["answer is one of"]),
    ({"source": "rumour"}, ["source is one of"]),
    ({"source": 3}, ["source is one of"]),
])
def test_a_bad_answer_or_source_is_refused(interview, actor, change, words):
    body = world.payload(interview, yes=["dr-job-nature"])
    body["answers"][0].update(change)
    refused(actor, body, "answers", *words)


def test_a_missing_source_takes_the_questions_default(interview, actor):
    body = world.payload(interview, yes=["dr-job-nature", (CHILD, "adult-controls")], is_child=True)
    for item in body["answers"]:
        del item["source"]
    screening, _created = screening_submit(actor=actor, payload=body)
    sources = {o["indicator"]: o["source"] for o in screening.answers["observations"]}
    assert sources == {"dr-job-nature": "self_reported", "adult-controls": "observed"}


# -- times --------------------------------------------------------------------------------------------------

def test_finished_before_started_is_refused(interview, actor):
    now = timezone.now()
    body = world.payload(interview, started_at=now - dt.timedelta(minutes=5),
                         finished_at=now - dt.timedelta(minutes=30))
    refused(actor, body, "finished_at", "cannot finish before")


def test_a_time_in_the_future_is_refused(interview, actor):
    later = timezone.now() + dt.timedelta(hours=2)
    refused(actor, world.payload(interview, started_at=later), "started_at", "future")


def test_a_screening_older_than_30_days_is_refused(interview, actor):
    old = timezone.now() - dt.timedelta(days=31)
    refused(actor, world.payload(interview, started_at=old), "started_at", "30")


@pytest.mark.parametrize("value", ["yesterday", "2026-11-29T10:00:00", "", None,
                                   1764410400, ["2026-11-29"]])
def test_a_time_that_is_not_an_iso_datetime_with_offset_is_refused(interview, actor, value):
    refused(actor, world.payload(interview) | {"started_at": value}, "started_at", "ISO 8601")


@pytest.mark.parametrize("value", ["2026-02-30T10:00:00+00:00", "2026-11-29T25:00:00+00:00"])
def test_a_well_formed_but_impossible_time_is_refused(interview, actor, value):
    refused(actor, world.payload(interview) | {"started_at": value}, "started_at")


def test_a_clock_a_few_minutes_fast_is_tolerated(interview, actor):
    soon = timezone.now() + dt.timedelta(minutes=3)
    _screening, created = screening_submit(actor=actor, payload=world.payload(
        interview, started_at=soon - dt.timedelta(minutes=10), finished_at=soon))
    assert created


# -- ids and types ------------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", ["not-a-uuid", "", None, 42, "1234"])
def test_a_screening_id_that_is_not_a_uuid_is_refused(interview, actor, value):
    refused(actor, world.payload(interview, client_uuid=None) | {"client_uuid": value}, "client_uuid", "UUID")


@pytest.mark.parametrize("field", ["urgent", "is_child", "offline", "interpreter"])
@pytest.mark.parametrize("value", ["true", "false", 1, 0, None])
def test_a_boolean_given_as_another_type_is_refused(interview, actor, field, value):
    refused(actor, world.payload(interview) | {field: value}, field, "true or false")


@pytest.mark.parametrize("body", [[], "screening", None, 42])
def test_a_payload_that_is_not_an_object_is_refused(interview, actor, body):
    refused(actor, body, "__all__", "JSON object")


@pytest.mark.parametrize(("field", "value"), [
    ("answers", {"dr-job-nature": "yes"}), ("answers", "yes"), ("answers", None),
    ("catalogues", {"code": OPERATIONAL, "version": "2009.1"}), ("catalogues", ["ilo-ec-operational"]),
    ("catalogues", None),
])
def test_a_list_given_as_another_type_is_refused(interview, actor, field, value):
    refused(actor, world.payload(interview) | {field: value}, field)


@pytest.mark.parametrize("item", [["ilo-ec-operational", "dr-job-nature", "yes"], "dr-job-nature", None])
def test_an_answer_that_is_not_an_object_is_refused(interview, actor, item):
    body = world.payload(interview)
    body["answers"].append(item)
    refused(actor, body, "answers", "not an object")


@pytest.mark.parametrize(("field", "value"), [
    ("sex", ["female"]), ("work_type", {"labour": True}), ("interviewer_language", ["en"]),
    ("age_group", ["12-17"]),
    ("citizenship", ["XP"]),
    ("age_group", {"group": "25-34"}),
])
def test_an_unhashable_value_where_a_code_is_expected_is_refused(interview, actor, field, value):
    refused(actor, world.payload(interview) | {field: value}, field)


@pytest.mark.parametrize("change", [
    {"catalogue": [OPERATIONAL]}, {"indicator": ["dr-job-nature"]}, {"indicator": {"id": "dr-job-nature"}},
])
def test_an_unhashable_indicator_reference_is_refused(interview, actor, change):
    body = world.payload(interview, yes=["dr-job-nature"])
    body["answers"][0].update(change)
    refused(actor, body, "answers")


@pytest.mark.parametrize("entry", [
    {"code": [OPERATIONAL], "version": "2009.1"}, {"code": OPERATIONAL, "version": {"v": 1}}, {},
])
def test_a_catalogue_entry_of_the_wrong_shape_is_refused(interview, actor, entry):
    body = world.payload(interview)
    body["catalogues"][1] = entry
    refused(actor, body, "catalogues")


def test_every_problem_is_named_at_once(interview, actor):
    body = world.payload(interview, client_uuid="x", urgent="yes", sex="?", work_type="none", yes=["ec-hours"])
    before = _stored()
    with pytest.raises(ValidationFailed) as caught:
        screening_submit(actor=actor, payload=body)
    assert {"client_uuid", "urgent", "sex", "answers"} <= set(caught.value.errors)
    assert _stored() == before


# -- duplicates, conflicts, tampering -----------------------------------------------------------------------

def test_the_same_payload_twice_is_one_screening(interview, actor):
    body = world.payload(interview, yes=POSITIVE, offline=True)
    first, created = screening_submit(actor=actor, payload=body)
    after_first = _stored()
    again, created_again = screening_submit(actor=actor, payload=dict(body))
    assert (created, created_again) == (True, False)
    assert again.pk == first.pk and _stored() == after_first
    assert Screening.objects.filter(client_uuid=body["client_uuid"]).count() == 1


def test_the_resend_digest_is_keyed_and_still_recognised_after_a_blind_key_rotation(own_keyring, interview, actor):
    body = world.payload(interview, yes=POSITIVE, offline=True)
    first, _created = screening_submit(actor=actor, payload=body)
    # Keyed: not a plain hash that a copy of the database would let anyone recompute from a guess.
    key_id, digest = first.content_digest.split(":")
    assert key_id == load_keyring().blind.active and len(digest) == 40
    blind_keys_rotate()
    assert screening_submit(actor=actor, payload=dict(body)) == (first, False)
    assert Screening.objects.count() == 1


def test_the_same_uuid_spelled_differently_is_the_same_screening(interview, actor):
    body = world.payload(interview, yes=["job-offer"])
    first, _created = screening_submit(actor=actor, payload=body)
    upper = body | {"client_uuid": body["client_uuid"].upper()}
    assert screening_submit(actor=actor, payload=upper) == (first, False)


def _snapshot(screening: Screening) -> dict:
    screening.refresh_from_db()
    return {"outcome": screening.outcome, "indicators_present": screening.indicators_present,
            "answers": screening.answers, "explanation": screening.explanation,
            "content_digest": screening.content_digest, "urgent": screening.urgent, "is_child": screening.is_child,
            "organisation_id": screening.organisation_id, "created_by_id": screening.created_by_id}


def _conflict(actor, body) -> Conflict:
    before = _stored()
    with pytest.raises(Conflict) as caught:
        screening_submit(actor=actor, payload=body)
    assert _stored() == before
    return caught.value


def test_the_same_uuid_with_other_content_is_a_conflict_and_the_stored_row_is_unchanged(interview, actor):
    body = world.payload(interview, no=POSITIVE)
    stored, _created = screening_submit(actor=actor, payload=body)
    kept = _snapshot(stored)
    other = world.payload(interview, yes=POSITIVE, client_uuid=body["client_uuid"])
    conflict = _conflict(actor, other)
    assert conflict.existing_id == stored.pk  # one's own organisation may look at the stored one
    assert _snapshot(stored) == kept and kept["outcome"] == "none"


def test_the_same_uuid_from_another_organisation_is_its_own_screening_and_tells_nothing(interview, actor):
    """The phone's id is unique within one organisation (issue 9): a stranger sending an id another
    organisation already used gets its own screening, never a conflict, which would tell that one exists."""
    body = world.payload(interview, yes=POSITIVE)
    stored, _created = screening_submit(actor=actor, payload=body)
    kept = _snapshot(stored)
    stranger = world.conductor()
    theirs, created = screening_submit(actor=stranger, payload=body)
    assert created and theirs.pk != stored.pk and theirs.organisation_id == stranger.organisation_id
    assert screening_submit(actor=stranger, payload=body) == (theirs, False)  # their own resend: counted once
    # A clash is only ever with the organisation's own screening, which it may see.
    conflict = _conflict(stranger, world.payload(interview, client_uuid=body["client_uuid"]))
    assert conflict.existing_id == theirs.pk
    assert _snapshot(stored) == kept


def test_the_same_uuid_from_a_colleague_of_the_same_organisation_is_the_same_screening(interview, actor):
    # A phone handed over in a shift change may sync another interviewer's queue: still counted once.
    body = world.payload(interview, yes=["job-offer"])
    stored, _created = screening_submit(actor=actor, payload=body)
    colleague = factories.actor(factories.member(stored.organisation, [R.CASE_WORKER]))
    assert screening_submit(actor=colleague, payload=body) == (stored, False)


@pytest.mark.parametrize("tamper", [
    pytest.param(lambda b: b["answers"][0].update(answer="unknown"), id="answer-changed"),
    pytest.param(lambda b: b["answers"].append(answer("cd-violence")), id="answer-added"),
    pytest.param(lambda b: b["answers"].pop(), id="answer-removed"),
    pytest.param(lambda b: b["answers"][0].update(source="document"), id="source-changed"),
    pytest.param(lambda b: b.update(urgent=True), id="urgent-set"),
    pytest.param(lambda b: b.update(work_type="both"), id="work-type"),
    pytest.param(lambda b: b.update(sex="male"), id="sex"),
    pytest.param(lambda b: b.update(age=30), id="age-added"),
    pytest.param(lambda b: b.update(citizenship="XP"), id="citizenship"),
    pytest.param(lambda b: b.update(finished_at=(timezone.now() - dt.timedelta(minutes=1)).isoformat()),
                 id="finished-at"),
    pytest.param(lambda b: b.update(interviewee_language="fa"), id="language"),
])
def test_a_queued_payload_edited_after_the_first_send_is_a_conflict(interview, actor, tamper):
    body = world.payload(interview, yes=["dr-job-nature", "ec-hours"], no=["cd-documents"], offline=True)
    stored, _created = screening_submit(actor=actor, payload=body)
    kept = _snapshot(stored)
    edited = {**body, "answers": [dict(a) for a in body["answers"]]}
    tamper(edited)
    _conflict(actor, edited)
    assert _snapshot(stored) == kept


def test_the_order_of_the_answers_does_not_make_a_different_screening(interview, actor):
    body = world.payload(interview, yes=["dr-job-nature", "ec-hours"], no=["cd-documents"])
    stored, _created = screening_submit(actor=actor, payload=body)
    assert screening_submit(actor=actor, payload=body | {"answers": body["answers"][::-1]}) == (stored, False)


# -- the score is the server's ------------------------------------------------------------------------------

def test_a_made_up_outcome_in_the_payload_is_ignored(interview, actor):
    made_up = {"outcome": "refer", "indicators_present": 12, "band": "refer",
               "explanation": {"band": "refer", "lists": []}}
    body = world.payload(interview, no=["job-offer", "dr-job-nature"]) | made_up
    body["answers"][0]["rating"] = "strong"
    screening, created = screening_submit(actor=actor, payload=body)
    assert created
    screening.refresh_from_db()
    assert (screening.outcome, screening.indicators_present) == ("none", 0)
    assert screening.explanation["band"] == "none" and screening.explanation["lists"]
    assert set(screening.answers) == {"age", "observations"}
    assert all(set(o) == {"catalogue", "indicator", "answer", "source"} for o in screening.answers["observations"])
    # Ignored, not kept: the same payload without the made-up keys is the same screening.
    plain = {k: v for k, v in body.items() if k not in made_up}
    plain["answers"] = [{k: v for k, v in a.items() if k != "rating"} for a in body["answers"]]
    assert screening_submit(actor=actor, payload=plain) == (screening, False)


# -- who may submit -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("role", [R.ANALYST, R.NATIONAL_COORDINATOR, R.SYSTEM_ADMINISTRATOR, R.PROSECUTOR,
                                  R.AUDITOR, R.COMPETENT_AUTHORITY, R.TRAINER])
def test_a_role_without_screening_conduct_is_forbidden(interview, role):
    someone = world.conductor(role)
    assert not someone.has_action(R.SCREENING_CONDUCT)
    before = _stored()
    with pytest.raises(Forbidden):
        screening_submit(actor=someone, payload=world.payload(interview, yes=POSITIVE))
    assert _stored() == before


def test_an_organisation_admin_without_the_role_is_forbidden(interview):
    admin = world.conductor(R.ANALYST, org_admin=True)
    before = _stored()
    with pytest.raises(Forbidden):
        screening_submit(actor=admin, payload=world.payload(interview))
    assert _stored() == before


@pytest.mark.parametrize("role", [R.FRONTLINE_RESPONDER, R.CASE_WORKER, R.INVESTIGATOR])
def test_each_role_with_screening_conduct_may_submit(interview, role):
    screening, created = screening_submit(actor=world.conductor(role), payload=world.payload(interview))
    assert created and screening.outcome == "none"


def test_a_refused_screening_can_be_corrected_and_sent_again_with_the_same_id(interview, actor):
    """Nothing lost: a refusal stores nothing under the id, so the corrected screening is received."""
    body = world.payload(interview, age=15, is_child=False, yes=["job-offer"])
    refused(actor, body, "is_child")
    screening, created = screening_submit(actor=actor, payload=body | {"is_child": True})
    assert created and str(screening.client_uuid) == body["client_uuid"] and screening.outcome == "child"


def test_a_uuid_is_stored_per_realm(interview, actor):
    """The same id in an exercise realm does not clash with, or reveal, the live one."""
    body = world.payload(interview, yes=["job-offer"])
    live, _created = screening_submit(actor=actor, payload=body)
    exercise = factories.exercise_realm("Drill")
    trainee = factories.actor(factories.member(live.organisation, [R.TRAINEE]), realm=exercise)
    drill, created = screening_submit(actor=trainee, payload=body)
    assert created and drill.pk != live.pk and drill.realm_id == exercise.pk


def test_ids_are_fresh_per_screening(interview, actor):
    assert len({world.payload(interview)["client_uuid"] for _ in range(5)}) == 5
    assert uuid.UUID(world.payload(interview)["client_uuid"]).version == 4
