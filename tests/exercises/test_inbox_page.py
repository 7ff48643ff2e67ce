"""The trainee's inbox page: who sent an inject and by what channel in words of the team's language, and
each inject marked read from its own button (the button turns to "Read"; another team's is not found)."""

from __future__ import annotations

import pytest

from alliance.exercises.models import InjectRead, InjectRelease
from alliance.exercises.services.injects import inject_release
from tests.exercises.test_run_world import make_run, staff_actor

pytestmark = pytest.mark.django_db


def _started(language="en"):
    from alliance.exercises.services.runs import run_start

    run, _boss, controller, trainees = make_run(teams=2, language=language)
    control = staff_actor(controller)
    run_start(actor=control, run_id=run.pk)
    inject_release(actor=control, run_id=run.pk, inject_id="inj-12")  # an e-mail from the Dreamland Daily
    return run, trainees


def test_the_sender_and_channel_are_named_not_coded(client):
    _run, trainees = _started()
    client.force_login(trainees[0][0])
    html = client.get("/exercises/runs/inbox/").content.decode()
    assert "The Dreamland Daily (newspaper)" in html and "· E-mail ·" in html
    assert "dreamland-daily" not in html and "· email ·" not in html


def test_a_russian_run_names_the_sender_in_russian(client):
    _run, trainees = _started(language="ru")
    client.force_login(trainees[0][0])
    assert "Газета «Дримленд Дейли»" in client.get("/exercises/runs/inbox/").content.decode()


def test_marking_an_inject_read_turns_its_button_to_read(client):
    run, trainees = _started()
    client.force_login(trainees[0][0])
    release = InjectRelease.objects.get(team__run=run, team__number=1, inject_id="inj-12")
    assert b'data-testid="inbox-mark-read"' in client.get("/exercises/runs/inbox/").content
    answer = client.post(f"/exercises/runs/inbox/{release.pk}/read", HTTP_HX_REQUEST="true")
    assert answer.status_code == 200 and b'data-testid="inbox-read"' in answer.content
    assert InjectRead.objects.filter(release=release, user=trainees[0][0]).count() == 1
    page = client.get("/exercises/runs/inbox/").content
    assert b'data-testid="inbox-read"' in page and b"inbox-mark-read" not in page
    # Without the page's script the form still works, and lands back on the inbox.
    again = client.post(f"/exercises/runs/inbox/{release.pk}/read")
    assert again.status_code == 302 and again["Location"] == "/exercises/runs/inbox/"
    assert InjectRead.objects.filter(release=release).count() == 1


def test_another_teams_inject_is_not_found_and_nothing_is_marked(client):
    run, trainees = _started()
    theirs = InjectRelease.objects.get(team__run=run, team__number=2, inject_id="inj-12")
    client.force_login(trainees[0][0])
    assert client.post(f"/exercises/runs/inbox/{theirs.pk}/read", HTTP_HX_REQUEST="true").status_code == 404
    assert not InjectRead.objects.exists()
