"""/api/v1/screenings: a screening arrives once however often it is sent, a bad one changes nothing, and only
the organisation that took it reads it; a positive screening becomes a case, a consent and a referral."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.cases.models import Case, CaseShare, Consent
from alliance.core import roles as R
from alliance.directory.services import token_issue
from alliance.screening.domain.catalogue import load_catalogues
from alliance.screening.models import Catalogue, Screening
from tests import factories
from tests.screening import screening_world

# Two strong deceptive-recruitment indicators, exploitative conditions and coercion at destination:
# the ILO/EC rule is met for an adult in labour exploitation, so the outcome is "refer".
REFER_ANSWERS = [
    ("ilo-ec-operational", "dr-job-nature"), ("ilo-ec-operational", "dr-conditions"),
    ("ilo-ec-operational", "ec-hours"), ("ilo-ec-operational", "ec-wages"), ("ilo-ec-operational", "cd-documents"),
    ("ilo-ec-operational", "cd-violence"),
]


@pytest.fixture
def catalogues(db):
    load_catalogues()
    return {row.code: row for row in Catalogue.objects.filter(retired_at__isnull=True)}


def _versions(catalogues) -> list[dict]:
    return [{"code": code, "version": catalogues[code].version}
            for code in ("mixed-migration-5", "ilo-ec-operational", "child-specific")]


def payload(catalogues, **changes) -> dict:
    """A screening the rule reads as "refer"; `changes` replace top-level keys of the body as sent."""
    body = screening_world.payload(
        yes=REFER_ANSWERS, no=[("mixed-migration-5", "job-offer")], age=29, citizenship="XP",
        started_at=timezone.now() - dt.timedelta(minutes=20), finished_at=timezone.now() - dt.timedelta(minutes=2))
    return {**body, "catalogues": _versions(catalogues), **changes}


class Api:
    def __init__(self, client, membership):
        self.client = client
        self.membership = membership
        self.actor = factories.actor(membership)
        _token, self.raw = token_issue(actor=self.actor, name="t", days=1)

    def get(self, path):
        return self.client.get(path, HTTP_AUTHORIZATION=f"Bearer {self.raw}")

    def post(self, path, body):
        return self.client.post(path, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {self.raw}")


@pytest.fixture
def reception(db):
    return factories.organisation("Reception Centre North", sector="border_migration")


@pytest.fixture
def api(client, reception, catalogues):
    return Api(client, factories.member(reception, [R.FRONTLINE_RESPONDER]))


def _error(response, status):
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "details"}
    return body["error"]


def test_submit_is_stored_once_and_resending_answers_with_the_same_screening(api, catalogues):
    body = payload(catalogues)
    first = api.post("/api/v1/screenings", body)
    assert first.status_code == 201, first.content
    created = first.json()
    assert created["client_uuid"] == body["client_uuid"] and created["outcome"] == "refer"
    assert created["url"] == f"/screening/{created['id']}/"
    again = api.post("/api/v1/screenings", body)
    assert again.status_code == 200 and again.json() == created
    assert Screening.objects.filter(client_uuid=body["client_uuid"]).count() == 1
    screening = Screening.objects.get()
    assert screening.organisation == api.membership.organisation and screening.outcome == "refer"


def test_the_same_id_with_other_content_is_a_conflict_and_the_stored_one_is_kept(api, catalogues):
    body = payload(catalogues)
    assert api.post("/api/v1/screenings", body).status_code == 201
    stored = Screening.objects.get()
    changed = {**body, "answers": body["answers"][:1]}
    error = _error(api.post("/api/v1/screenings", changed), 409)
    assert error["code"] == "conflict"
    after = Screening.objects.get()
    assert after.content_digest == stored.content_digest and after.outcome == "refer"
    assert len(after.answers["observations"]) == len(body["answers"])


def test_an_unknown_indicator_is_refused_and_nothing_is_stored(api, catalogues):
    body = payload(catalogues)
    body["answers"].append({"catalogue": "ilo-ec-operational", "indicator": "dr-made-up", "answer": "yes",
                            "source": "self_reported"})
    error = _error(api.post("/api/v1/screenings", body), 422)
    assert "dr-made-up" in " ".join(error["details"]["answers"])
    assert not Screening.objects.exists()


def test_unknown_fields_and_wrong_types_are_refused_at_the_edge(api, catalogues):
    error = _error(api.post("/api/v1/screenings", {**payload(catalogues), "score": "refer"}), 422)
    assert "score" in error["details"]
    error = _error(api.post("/api/v1/screenings", {**payload(catalogues), "is_child": "false"}), 422)
    assert "is_child" in error["details"]
    assert not Screening.objects.exists()


def test_a_retired_catalogue_version_is_refused_unless_the_interview_started_before(api, catalogues):
    operational = catalogues["ilo-ec-operational"]
    ticket = api.get("/api/v1/screening/interview").json()["ticket"]  # the collector got its interview
    started = timezone.now() - dt.timedelta(minutes=20)
    # Retired before the server handed out this interview: the collector should have had the new version.
    Catalogue.objects.filter(pk=operational.pk).update(retired_at=started - dt.timedelta(hours=1))
    body = payload(catalogues, started_at=started.isoformat(), ticket=ticket)
    error = _error(api.post("/api/v1/screenings", body), 422)
    assert "ilo-ec-operational" in " ".join(error["details"]["catalogues"])
    assert not Screening.objects.exists()
    # Retired while the interview was going on (a phone offline with it): received, nothing lost; but only
    # with the ticket that shows the server handed the version out before the retirement.
    Catalogue.objects.filter(pk=operational.pk).update(retired_at=timezone.now())
    _error(api.post("/api/v1/screenings", payload(catalogues, started_at=started.isoformat())), 422)
    response = api.post("/api/v1/screenings", payload(catalogues, started_at=started.isoformat(), ticket=ticket))
    assert response.status_code == 201, response.content
    assert list(Screening.objects.get().catalogues.filter(code="ilo-ec-operational")) == [operational]


def test_a_child_by_age_recorded_as_an_adult_is_refused(api, catalogues):
    error = _error(api.post("/api/v1/screenings", payload(catalogues, age=16, age_group="12-17", is_child=False)),
                   422)
    assert "is_child" in error["details"]
    assert not Screening.objects.exists()


def test_answers_for_a_skipped_section_are_refused(api, catalogues):
    # In transit (no work yet): conditions of work and control at destination are not asked.
    error = _error(api.post("/api/v1/screenings", payload(catalogues, work_type="none")), 422)
    assert "skips" in " ".join(error["details"]["answers"])
    # An adult is not asked the child items.
    child_item = {"catalogue": "child-specific", "indicator": "unaccompanied", "answer": "yes",
                  "source": "self_reported"}
    body = payload(catalogues)
    body["answers"].append(child_item)
    _error(api.post("/api/v1/screenings", body), 422)
    assert not Screening.objects.exists()


def test_a_role_without_screening_conduct_is_forbidden(client, reception, catalogues):
    analyst = Api(client, factories.member(reception, [R.ANALYST]))
    _error(analyst.post("/api/v1/screenings", payload(catalogues)), 403)
    _error(analyst.get("/api/v1/screenings"), 403)
    assert not Screening.objects.exists()


def test_no_token_and_no_session_is_unauthenticated(client, catalogues):
    response = client.post("/api/v1/screenings", payload(catalogues), content_type="application/json")
    assert _error(response, 401)["code"] == "unauthenticated"


def test_the_browser_session_submits_too(client, reception, catalogues):
    membership = factories.member(reception, [R.FRONTLINE_RESPONDER])
    client.force_login(membership.user)
    response = client.post("/api/v1/screenings", payload(catalogues), content_type="application/json")
    assert response.status_code == 201, response.content


def test_list_get_and_score_for_the_organisation(api, catalogues):
    ids = [api.post("/api/v1/screenings", payload(catalogues)).json()["id"] for _ in range(3)]
    page = api.get("/api/v1/screenings?page=1&page_size=2").json()
    assert page["count"] == 3 and len(page["items"]) == 2 and page["page_size"] == 2
    assert {"answers", "explanation"}.isdisjoint(page["items"][0])
    detail = api.get(f"/api/v1/screenings/{ids[0]}")
    assert detail.status_code == 200, detail.content
    body = detail.json()
    assert body["outcome"] == "refer" and body["age"] == 29 and body["case_number"] is None
    assert body["explanation"]["band_label"] == "Presumed victim: refer now"
    dimensions = {d["dimension"]: d for d in body["explanation"]["lists"][0]["dimensions"]}
    assert dimensions["deceptive_recruitment"]["present"]
    assert "1 strong and 1 medium or weak indicator" in dimensions["deceptive_recruitment"]["text"]
    assert {(o["indicator"], o["answer"]) for o in body["observations"]} >= {("dr-job-nature", "yes")}
    score = api.get(f"/api/v1/screenings/{ids[0]}/score").json()
    assert score["outcome"] == "refer" and score["explanation"]["band"] == "refer"
    assert score["explanation"]["rule"] == "ilo-ec-2009" and score["worded"]["band"] == "refer"


def test_another_organisation_cannot_read_or_score_it(client, api, catalogues):
    screening_id = api.post("/api/v1/screenings", payload(catalogues)).json()["id"]
    other = Api(client, factories.member(factories.organisation("Elsewhere", sector="ngo"), [R.FRONTLINE_RESPONDER]))
    _error(other.get(f"/api/v1/screenings/{screening_id}"), 404)
    _error(other.get(f"/api/v1/screenings/{screening_id}/score"), 404)
    assert other.get("/api/v1/screenings").json()["count"] == 0
    _error(other.post(f"/api/v1/screenings/{screening_id}/referral",
                      {"given_name": "A", "family_name": "B", "organisation_id": api.membership.organisation_id,
                       "consent": True}), 404)
    # The same phone id sent by the other organisation is neither overwritten nor revealed: ids are unique
    # within one organisation, so theirs is a screening of their own (a 409 would tell that one exists).
    body = payload(catalogues)
    ours = api.post("/api/v1/screenings", body)
    assert ours.status_code == 201
    theirs = other.post("/api/v1/screenings", body)
    assert theirs.status_code == 201 and theirs.json()["id"] != ours.json()["id"]
    _error(other.get(f"/api/v1/screenings/{ours.json()['id']}"), 404)


def test_refer_opens_the_case_with_consent_and_referral_once(api, catalogues):
    shelter = factories.organisation("Safe Harbour Shelter", sector="ngo")
    screening_id = api.post("/api/v1/screenings", payload(catalogues)).json()["id"]
    body = {"given_name": "Amina", "family_name": "Yusuf", "organisation_id": shelter.pk, "consent": True,
            "interpreter": True}
    response = api.post(f"/api/v1/screenings/{screening_id}/referral", body)
    assert response.status_code == 201, response.content
    made = response.json()
    case = Case.objects.get(pk=made["case_id"])
    assert made["case_number"] == case.number
    share = CaseShare.objects.get(pk=made["referral_id"])
    assert share.case == case and share.organisation == shelter and share.status == "pending"
    assert share.scope == "limited"
    assert Consent.objects.filter(case=case, organisation=shelter, purpose="share_organisation").exists()
    screening = Screening.objects.get(pk=screening_id)
    assert screening.case == case and screening.referred_at is not None
    again = _error(api.post(f"/api/v1/screenings/{screening_id}/referral", body), 422)
    assert case.number in " ".join(again["details"]["__all__"])
    assert Case.objects.count() == 1 and CaseShare.objects.count() == 1
    assert api.get(f"/api/v1/screenings/{screening_id}").json()["case_number"] == case.number


def test_an_adult_is_not_referred_without_consent(api, catalogues):
    shelter = factories.organisation("Safe Harbour Shelter", sector="ngo")
    screening_id = api.post("/api/v1/screenings", payload(catalogues)).json()["id"]
    error = _error(api.post(f"/api/v1/screenings/{screening_id}/referral",
                            {"given_name": "Amina", "family_name": "Yusuf", "organisation_id": shelter.pk}), 422)
    assert "consent" in error["details"]
    assert not Case.objects.exists()


# --- taken_by: a phone's queue sends a screening only as whom it was taken by --------------------------------

def _taken_by(api, **changes) -> dict:
    return {"user_id": api.actor.user_id, "organisation_id": api.actor.organisation_id,
            "realm_id": api.actor.realm_id, **changes}


def _taken_elsewhere(response) -> None:
    error = _error(response, 409)
    assert error["code"] == "conflict"
    assert "another account" in error["message"] and "organisation or realm" in error["message"]
    assert "existing_id" not in error["details"]  # nothing about any stored screening
    assert list(error["details"]) == ["taken_by"]  # the phone tells this conflict from an id clash by it


def test_taken_by_the_sender_is_stored_and_checked_not_kept(api, catalogues):
    body = payload(catalogues, taken_by=_taken_by(api))
    first = api.post("/api/v1/screenings", body)
    assert first.status_code == 201, first.content
    again = api.post("/api/v1/screenings", body)
    assert again.status_code == 200 and again.json() == first.json()
    # taken_by is not part of the screening: the same one without it is the same screening, received once.
    without = {key: value for key, value in body.items() if key != "taken_by"}
    assert api.post("/api/v1/screenings", without).json() == first.json()
    screening = Screening.objects.get()
    assert screening.created_by_id == api.actor.user_id and screening.organisation_id == api.actor.organisation_id
    assert "taken_by" not in screening.answers and "taken_by" not in str(screening.explanation)


@pytest.mark.parametrize("other", ["user_id", "organisation_id", "realm_id"])
def test_taken_by_another_account_organisation_or_realm_is_refused_and_nothing_is_stored(api, catalogues, other):
    body = payload(catalogues, taken_by=_taken_by(api, **{other: _taken_by(api)[other] + 1000}))
    _taken_elsewhere(api.post("/api/v1/screenings", body))
    assert not Screening.objects.exists()


def test_a_shared_tablet_screening_sent_under_the_next_users_session_is_refused(client, api, catalogues):
    """User A's queued screening, sent while user B (another organisation) is logged in: refused, not stored
    in B's organisation; sent by A afterwards, it is stored once, in A's."""
    other = Api(client, factories.member(factories.organisation("Reception Centre East", sector="border_migration"),
                                         [R.FRONTLINE_RESPONDER]))
    body = payload(catalogues, taken_by=_taken_by(api))
    _taken_elsewhere(other.post("/api/v1/screenings", body))
    assert not Screening.objects.exists()
    assert api.post("/api/v1/screenings", body).status_code == 201
    # Sent again by B after A's was stored: still refused for whom it was taken by, and says nothing of A's.
    _taken_elsewhere(other.post("/api/v1/screenings", body))
    assert Screening.objects.get().organisation_id == api.membership.organisation_id


def test_practice_screenings_do_not_reach_the_live_realm_nor_the_reverse(client, reception, catalogues):
    membership = factories.member(reception, [R.FRONTLINE_RESPONDER])
    exercise = factories.exercise_realm("Reception exercise")
    exercise.participants.add(membership.user)
    live = Api(client, membership)
    practice = Api(client, membership)
    practice.actor = factories.actor(membership, exercise)
    _token, practice.raw = token_issue(actor=practice.actor, name="exercise", days=1)

    taken_in_exercise = payload(catalogues, taken_by=_taken_by(practice))
    _taken_elsewhere(live.post("/api/v1/screenings", taken_in_exercise))
    taken_live = payload(catalogues, taken_by=_taken_by(live))
    _taken_elsewhere(practice.post("/api/v1/screenings", taken_live))
    assert not Screening.objects.exists()
    assert practice.post("/api/v1/screenings", taken_in_exercise).status_code == 201
    assert live.post("/api/v1/screenings", taken_live).status_code == 201
    assert {str(s.client_uuid): s.realm_id for s in Screening.objects.all()} == {
        taken_in_exercise["client_uuid"]: exercise.pk, taken_live["client_uuid"]: live.actor.realm_id}


def test_a_malformed_taken_by_is_refused_at_the_edge(api, catalogues):
    mine = _taken_by(api)
    for bad in ({"user_id": mine["user_id"], "organisation_id": mine["organisation_id"]},
                {**mine, "user_id": str(mine["user_id"])}, {**mine, "name": "x"}, "me", [mine]):
        error = _error(api.post("/api/v1/screenings", payload(catalogues, taken_by=bad)), 422)
        assert any(field.startswith("taken_by") for field in error["details"]), error
    assert not Screening.objects.exists()


# --- The offline pieces the API relies on: the service worker and the page's offline texts ---------------

def test_the_service_worker_is_public_code_that_keeps_only_the_interview(client, db):
    response = client.get("/screening/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/screening/"
    assert response["Cache-Control"] in ("no-cache", "no-store")
    script = response.content.decode()
    for asset in ("/static/web/alliance.css", "/static/web/alliance.js", "/static/screening/offline.js",
                  "/static/screening/interview.js", "/static/django_htmx/htmx-2.min.js"):
        assert f'"{asset}"' in script
    assert '"interview_path": "/screening/interview/"' in script
    assert client.post("/screening/sw.js").status_code == 405


def test_the_offline_texts_and_scripts_render_for_a_page():
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    request = RequestFactory().get("/screening/")
    request.csp_nonce = "n0nce"
    html = render_to_string("screening/_offline.html", {}, request=request)
    assert 'data-waiting1="{n} screening is waiting to be sent."' in html
    assert 'data-waiting5="{n} screenings are waiting to be sent."' in html
    assert 'data-sw-url="/screening/sw.js"' in html and 'nonce="n0nce"' in html
    assert "screening/offline-wipe.js" in html and "screening/offline.js" in html
