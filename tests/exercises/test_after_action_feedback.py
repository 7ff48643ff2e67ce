"""The participants' feedback form: a trainee of the run answers once (changing it until the run is
archived), nobody else may; free text encrypted and audited without values; the report shows it anonymous
and only from three answers on."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.core import roles as R
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.exercises.domain.after_action import FEEDBACK_MIN_RESPONSES, feedback_summary
from alliance.exercises.models import FeedbackResponse
from alliance.exercises.selectors.after_action import after_action_report_for, feedback_own_for
from alliance.exercises.services.after_action import feedback_submit
from tests import factories
from tests.exercises import after_action_world
from tests.exercises.test_run_world import make_run, trainee_actor

pytestmark = pytest.mark.django_db
GOOD = {"realism": 4, "relevance": 5, "organisation": 3, "debrief": 4}


@pytest.fixture
def world():
    return after_action_world.build()


def test_a_trainee_answers_once_and_may_change_it(world):
    first = feedback_submit(actor=world.trainee(1), run_id=world.run.pk, ratings=GOOD, worked="The role-players",
                            improve="More time for the debrief")
    again = feedback_submit(actor=world.trainee(1), run_id=world.run.pk, ratings={**GOOD, "realism": 2})
    assert first.pk == again.pk and FeedbackResponse.objects.count() == 1
    _run, own = feedback_own_for(actor=world.trainee(1), run_id=world.run.pk)
    assert own.realism == 2 and own.worked is None
    events = AuditEvent.objects.filter(object_type="feedback_response")
    assert [e.action for e in events] == ["create", "update", "view"]
    assert all("role-players" not in (e.reason + str(e.fields)) for e in events)


def test_the_free_text_is_encrypted_at_rest(world):
    from django.db import connection

    feedback_submit(actor=world.trainee(1), run_id=world.run.pk, ratings=GOOD, worked="Working with Lina's card")
    with connection.cursor() as cursor:
        cursor.execute("SELECT worked FROM exercises_feedbackresponse")
        [(raw,)] = cursor.fetchall()
    assert "Lina" not in raw


def test_nobody_but_a_trainee_of_the_run_answers(world):
    other_run, *_rest, other_trainees = make_run(teams=1)
    others = [world.boss, world.controller, world.observer,
              factories.actor(factories.member(factories.organisation(), [R.TRAINEE])),
              trainee_actor(other_trainees[0][0], other_run.teams.get())]
    for actor in others:
        with pytest.raises(NotFound):
            feedback_submit(actor=actor, run_id=world.run.pk, ratings=GOOD)
    assert FeedbackResponse.objects.count() == 0


def test_a_trainee_in_another_teams_sandbox_is_refused(world):
    # A trainee of team 1 with a session in team 2's sandbox: never, though they are a trainee of the run.
    from alliance.directory.selectors import actor_for

    team_2 = world.run.teams.get(number=2)
    stray = actor_for(user=world.trainees[0][0], membership=None, realm=team_2.realm, address="", channel="web")
    with pytest.raises(NotFound):
        feedback_submit(actor=stray, run_id=world.run.pk, ratings=GOOD)


@pytest.mark.parametrize("bad", [{"realism": 0}, {"relevance": 6}, {"organisation": "x"}, {"debrief": None},
                                 {"realism": True}])
def test_ratings_outside_one_to_five_are_refused_naming_the_question(world, bad):
    with pytest.raises(ValidationFailed) as refused:
        feedback_submit(actor=world.trainee(1), run_id=world.run.pk, ratings={**GOOD, **bad})
    assert set(refused.value.errors) == set(bad) and FeedbackResponse.objects.count() == 0


def test_feedback_closes_when_the_run_is_archived(world):
    feedback_submit(actor=world.trainee(1), run_id=world.run.pk, ratings=GOOD)
    world.archive()
    with pytest.raises(ValidationFailed):
        feedback_submit(actor=_live_trainee(world), run_id=world.run.pk, ratings=GOOD)
    assert feedback_own_for(actor=_live_trainee(world), run_id=world.run.pk)[1].realism == 4


def _live_trainee(world):
    """After the purge the sandbox is gone: the trainee comes from the live realm (a live membership)."""
    from alliance.directory.models import Membership

    user = world.trainees[0][0]
    membership = Membership.objects.filter(user=user).first() or Membership.objects.create(
        user=user, organisation=factories.organisation(), roles=[R.TRAINEE])
    return factories.actor(membership)


def test_the_report_shows_feedback_anonymous_and_only_from_three_answers(world):
    feedback_submit(actor=world.trainee(1, 0), run_id=world.run.pk, ratings=GOOD, worked="Zeta: the shelter call")
    feedback_submit(actor=world.trainee(1, 1), run_id=world.run.pk, ratings=GOOD)
    hidden = after_action_report_for(actor=world.boss, run_id=world.run.pk)["feedback"]
    assert hidden == {"count": 2, "shown": False, "minimum": 3, "questions": {}, "worked": [], "improve": []}
    feedback_submit(actor=world.trainee(2, 0), run_id=world.run.pk, ratings={**GOOD, "realism": 1},
                    worked="Alpha: the injects")
    shown = after_action_report_for(actor=world.boss, run_id=world.run.pk)["feedback"]
    assert shown["shown"] and shown["count"] == 3
    assert shown["questions"]["realism"]["mean"] == 3.0
    assert shown["worked"] == ["Alpha: the injects", "Zeta: the shelter call"]  # sorted, not in answer order


def test_the_form_works_from_the_trainees_session(client, world):
    client.force_login(world.trainees[0][0])
    url = f"/exercises/runs/{world.run.pk}/feedback/"
    assert client.get(url).status_code == 200
    answer = client.post(url, {**{k: str(v) for k, v in GOOD.items()}, "worked": "Good", "improve": ""})
    assert answer.status_code == 302
    assert FeedbackResponse.objects.get().relevance == 5
    inbox = client.get("/exercises/runs/inbox/")
    assert url.encode() in inbox.content
    mine = client.get("/exercises/runs/mine/")
    assert url.encode() in mine.content and b"Change my feedback" in mine.content
    client.force_login(world.trainees[1][0])  # team 2's trainee: their own form, not team 1's answer
    assert b"Good" not in client.get(url).content


@given(st.lists(st.fixed_dictionaries({q: st.integers(1, 5) for q in GOOD}
                                      | {"worked": st.text(max_size=20), "improve": st.text(max_size=20)}),
                max_size=12))
def test_the_summary_never_shows_fewer_than_the_minimum_and_adds_up(responses):
    summary = feedback_summary(responses, list(GOOD))
    assert summary["count"] == len(responses)
    if len(responses) < FEEDBACK_MIN_RESPONSES:
        assert not summary["shown"] and summary["worked"] == [] and summary["questions"] == {}
        return
    for q in GOOD:
        stats = summary["questions"][q]
        assert sum(stats["distribution"].values()) == len(responses) and 1 <= stats["mean"] <= 5
    assert summary["worked"] == sorted(summary["worked"])
