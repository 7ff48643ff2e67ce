"""Eligibility, scoring, the selection run and the notifications, through the services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from alliance.core import roles as R
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.exercises.domain.selection import CallRules, eligibility_problems, weighted_score
from alliance.exercises.models import Applicant, Call
from alliance.exercises.services.applications import applicant_rate
from alliance.exercises.services.selection import applicants_notify, selection_run
from tests import factories
from tests.exercises.test_programme_world import CRITERIA, apply_and_confirm, coordinator, open_call

pytestmark = pytest.mark.django_db


def test_eligibility_names_every_unmet_rule():
    rules = CallRules(profiles=frozenset({"police"}), min_years=3, nomination_required=True, language="ru")
    problems = eligibility_problems(profession="judge", years=1, nominated=False, languages=["en"], rules=rules)
    assert problems == ["the profession judge is not among the call's profiles",
                        "1 years of experience, the call asks 3",
                        "no nomination by a national authority, the call requires one",
                        "does not speak the language of instruction (ru)"]
    assert eligibility_problems(profession="police", years=3, nominated=True, languages=["ru"], rules=rules) == []


def test_the_score_is_the_weighted_mean_of_the_criteria():
    # years 5 -> 5.0 (weight 2), nominated -> 10 (weight 1), motivation rated 8 (weight 2): (10 + 10 + 16) / 5
    assert weighted_score(criteria=CRITERIA, years=5, nominated=True, languages=["en"], language="en",
                          ratings={"motivation": 8}) == Decimal("7.20")
    assert weighted_score(criteria=[], years=5, nominated=True, languages=[], language="en", ratings={}) == 0


def _close(call):
    Call.objects.filter(pk=call.pk).update(deadline=timezone.now() - dt.timedelta(minutes=1))


def test_selection_run_decides_everyone_and_notifies_in_their_language(mailoutbox, monkeypatch):
    from django.utils import translation

    from alliance.exercises.services import selection as service

    languages = []
    real_gettext = service._

    def spy(message):
        languages.append(translation.get_language())
        return real_gettext(message)

    actor = coordinator()
    call = open_call(actor, capacity=2, quotas={"max_per_country": 1}, min_years=2)
    ids = {
        "best": apply_and_confirm(call, mailoutbox, email="a@x.test", given_name="Ana", years_experience=10),
        "same_country": apply_and_confirm(call, mailoutbox, email="b@x.test", given_name="Bea", years_experience=9),
        "other_country": apply_and_confirm(call, mailoutbox, email="c@x.test", given_name="Cem", country="TR",
                                           years_experience=3),
        "junior": apply_and_confirm(call, mailoutbox, email="d@x.test", given_name="Dan", country="RS",
                                    years_experience=1),
    }
    Applicant.objects.filter(pk=ids["other_country"]).update(language="ru")
    applicant_rate(actor=actor, applicant_id=ids["best"], ratings={"motivation": 9})
    with pytest.raises(ValidationFailed):
        applicant_rate(actor=actor, applicant_id=ids["best"], ratings={"experience": 9})
    with pytest.raises(ValidationFailed, match="still open"):
        selection_run(actor=actor, call_id=call.pk)
    _close(call)
    run = selection_run(actor=actor, call_id=call.pk)
    assert (run.selected, run.waiting, run.refused) == (2, 1, 1)
    got = {name: Applicant.objects.get(pk=pk) for name, pk in ids.items()}
    assert got["best"].decision == "selected" and got["best"].reason.startswith("selected: rank 1 by score")
    assert got["other_country"].decision == "selected"
    assert got["same_country"].reason == "waiting list position 1: the quota of 1 for country KZ is full"
    assert got["junior"].reason == "refused: 1 years of experience, the call asks 2"
    assert AuditEvent.objects.filter(object_type="applicant", action="update", reason="selection run").count() == 4

    before = len(mailoutbox)
    from django.test import TestCase

    monkeypatch.setattr(service, "_", spy)
    with TestCase.captureOnCommitCallbacks(execute=True):
        assert applicants_notify(actor=actor, call_id=call.pk) == 4
    sent = {m.to[0]: m for m in mailoutbox[before:]}
    assert sent["a@x.test"].subject.startswith("You are selected")
    assert "position 1" in sent["b@x.test"].body
    assert sorted(set(languages)) == ["en", "ru"], "each message is written in its applicant's language"
    # Cem applied in Russian: his letter is in Russian, Ana's in English.
    assert "Уважаемый(-ая) Cem!" in sent["c@x.test"].body and "Dear Ana" in sent["a@x.test"].body
    with pytest.raises(ValidationFailed):
        applicants_notify(actor=actor, call_id=call.pk)  # nobody left to tell


def test_nobody_outside_the_running_organisation_reviews_or_selects(mailoutbox):
    actor = coordinator()
    call = open_call(actor)
    applicant = apply_and_confirm(call, mailoutbox)
    _close(call)
    other = coordinator(factories.organisation("Other Centre"))
    case_worker = factories.actor(factories.member(factories.organisation(), [R.CASE_WORKER]))
    from alliance.core.errors import Forbidden
    from alliance.exercises.selectors.programmes import applicant_get_for, applicants_for

    with pytest.raises(NotFound):
        selection_run(actor=other, call_id=call.pk)
    with pytest.raises(NotFound):
        applicant_get_for(actor=other, applicant_id=applicant)
    with pytest.raises(Forbidden):
        applicants_for(actor=case_worker, call_id=call.pk)
    exercise = factories.exercise_realm("Sandbox")
    membership = factories.member(factories.organisation("Third"), [R.TRAINING_COORDINATOR])
    exercise.participants.add(membership.user)
    with pytest.raises(NotFound):
        applicants_for(actor=factories.actor(membership, exercise), call_id=call.pk)
    # Each refusal is in the audit chain; the permitted read too, with field names only.
    assert AuditEvent.objects.filter(action="denied", object_type__in=["programme", "applicant"]).count() >= 3
    applicant_get_for(actor=actor, applicant_id=applicant)
    event = AuditEvent.objects.filter(action="view", object_type="applicant").latest("seq")
    assert "email" in event.fields and "Aru" not in event.reason
