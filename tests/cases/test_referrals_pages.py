"""Referrals on the pages and in the API: refer from the case page, the inbox, answering, notifications; a
receiver of a waiting or limited referral reads the shared fields only, on every path."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from alliance.cases.models import Case, CaseShare, Notification
from alliance.cases.services import case_create, consent_record
from alliance.cases.services.referrals import case_refer, referral_accept
from alliance.core import roles as R
from alliance.directory.services import token_issue
from tests import factories

SECRETS = ("Mariam", "Haddad", "DL-778899", "1998-02-03", "Debt of 4,000")


@pytest.fixture
def desk(db):
    police = factories.organisation("Dreamland Police", sector="law_enforcement")
    shelter = factories.organisation("Safe Harbour", sector="ngo")
    officer = factories.member(police, [R.INVESTIGATOR])
    worker = factories.member(shelter, [R.CASE_WORKER])
    case = case_create(actor=factories.actor(officer), given_name="Mariam", family_name="Haddad",
                       identity_number="DL-778899", birth_date="1998-02-03", pseudonym="Olive",
                       summary="Debt of 4,000 to the recruiter")
    consent_record(actor=factories.actor(officer), case_id=case.pk, purpose="share_organisation",
                   organisation_id=shelter.pk, language="en")
    return {"police": police, "shelter": shelter, "officer": officer, "worker": worker, "case": case}


def _refer(desk, **kw):
    kw.setdefault("scope", "full")
    return case_refer(actor=factories.actor(desk["officer"]), case_id=desk["case"].pk,
                      organisation_id=desk["shelter"].pk, purpose="Shelter placement", **kw)


def _bearer(membership) -> dict:
    _t, raw = token_issue(actor=factories.actor(membership), name="t", days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def _no_secret(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret


def test_refer_from_the_case_page(client, desk):
    client.force_login(desk["officer"].user)
    page = client.get(f"/cases/{desk['case'].pk}/?tab=referrals").content.decode()
    assert 'data-testid="refer"' in page
    response = client.post(f"/cases/{desk['case'].pk}/refer/", {
        "kind": "referral", "organisation": desk["shelter"].pk, "scope": "limited", "purpose": "Shelter placement",
        "respond_by": "", "legal_basis": ""}, follow=True)
    assert "The case is referred" in response.content.decode()
    share = CaseShare.objects.get()
    assert (share.kind, share.status, share.scope) == ("referral", "pending", "limited")
    assert share.from_organisation == desk["police"]


def test_refer_form_errors_come_back_as_messages(client, desk):
    client.force_login(desk["officer"].user)
    yesterday = (timezone.localdate() - dt.timedelta(days=1)).isoformat()
    response = client.post(f"/cases/{desk['case'].pk}/refer/", {
        "kind": "transfer", "organisation": desk["shelter"].pk, "scope": "limited", "purpose": "Move",
        "respond_by": yesterday}, follow=True)
    page = response.content.decode()
    assert "choose the full scope" in page and "in the past" in page
    assert not CaseShare.objects.exists()


def test_inbox_lists_waiting_referrals_first_and_marks_overdue(client, desk):
    older = _refer(desk)
    referral_accept(actor=factories.actor(desk["worker"]), share_id=older.pk)
    other = case_create(actor=factories.actor(desk["officer"]), given_name="Other", family_name="Person",
                        pseudonym="Birch")
    consent_record(actor=factories.actor(desk["officer"]), case_id=other.pk, purpose="share_organisation",
                   organisation_id=desk["shelter"].pk, language="en")
    waiting = case_refer(actor=factories.actor(desk["officer"]), case_id=other.pk,
                         organisation_id=desk["shelter"].pk, scope="limited", purpose="Bed")
    CaseShare.objects.filter(pk=waiting.pk).update(respond_by=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(desk["worker"].user)
    page = client.get("/cases/referrals/").content.decode()
    assert page.index(other.number) < page.index(desk["case"].number)
    assert f'data-testid="accept-{waiting.pk}"' in page and "overdue" in page
    _no_secret(page)
    overdue = client.get("/cases/referrals/?box=overdue").content.decode()
    assert other.number in overdue and desk["case"].number not in overdue
    client.force_login(desk["officer"].user)
    outgoing = client.get("/cases/referrals/?box=outgoing").content.decode()
    assert other.number in outgoing and desk["case"].number in outgoing
    assert f'data-testid="revoke-{waiting.pk}"' in outgoing


def test_accept_and_decline_from_the_pages(client, desk):
    share = _refer(desk)
    client.force_login(desk["worker"].user)
    page = client.get(f"/cases/{desk['case'].pk}/?tab=referrals").content.decode()
    assert f'data-testid="accept-{share.pk}"' in page and 'data-testid="refer"' not in page
    _no_secret(page)
    response = client.post(f"/cases/referrals/{share.pk}/accept/")
    assert response.status_code == 302 and response["Location"] == f"/cases/{desk['case'].pk}/"
    assert "Mariam" in client.get(f"/cases/{desk['case'].pk}/").content.decode()
    # Declining needs a reason; an accepted referral cannot be declined.
    response = client.post(f"/cases/referrals/{share.pk}/decline/", {"reason": "No bed"}, follow=True)
    assert "not possible" in response.content.decode()
    response = client.post(f"/cases/referrals/{share.pk}/done/", {"reason": ""})
    assert response.status_code == 302 and response["Location"] == "/cases/referrals/"
    assert CaseShare.objects.get().status == "done"


def test_a_step_by_the_wrong_side_is_forbidden_and_a_stranger_gets_not_found(client, desk):
    share = _refer(desk)
    client.force_login(desk["officer"].user)
    assert client.post(f"/cases/referrals/{share.pk}/accept/").status_code == 403
    stranger = factories.member(factories.organisation("Elsewhere"), [R.CASE_WORKER])
    client.force_login(stranger.user)
    assert client.post(f"/cases/referrals/{share.pk}/revoke/", {"reason": "x"}).status_code == 404
    assert CaseShare.objects.get().status == "pending"


def test_notifications_page_counts_and_marks_read(client, desk):
    _refer(desk)
    client.force_login(desk["worker"].user)
    home = client.get("/cases/notifications/").content.decode()
    assert 'data-testid="unread-count"' in home and "New referral" in home and desk["case"].number in home
    _no_secret(home)
    notice = Notification.objects.get()
    client.post(f"/cases/notifications/{notice.pk}/read/")
    assert Notification.objects.get().read_at is not None
    assert 'data-testid="unread-count"' not in client.get("/cases/notifications/").content.decode()
    other = factories.member(desk["shelter"], [R.CASE_WORKER])
    client.force_login(other.user)
    assert client.post(f"/cases/notifications/{notice.pk}/read/").status_code == 404


def test_mark_all_read(client, desk):
    _refer(desk)
    client.force_login(desk["worker"].user)
    client.post("/cases/notifications/read/")
    assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_api_refer_list_answer_and_notifications(client, desk):
    officer, worker = _bearer(desk["officer"]), _bearer(desk["worker"])
    response = client.post(f"/api/v1/cases/{desk['case'].pk}/referrals", {
        "organisation_id": desk["shelter"].pk, "kind": "transfer", "scope": "full", "purpose": "Hand over"},
        content_type="application/json", **officer)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "pending" and body["steps"] == ["revoke"] and body["respond_by"]
    inbox = client.get("/api/v1/cases/referrals?box=incoming&status=pending", **worker).json()
    assert [item["id"] for item in inbox["items"]] == [body["id"]] and inbox["items"][0]["steps"] == [
        "accept", "decline"]
    _no_secret(str(inbox))
    notices = client.get("/api/v1/cases/notifications", **worker).json()
    assert notices["unread"] == 1 and notices["items"][0]["kind"] == "referral_received"
    _no_secret(str(notices))
    read = client.post(f"/api/v1/cases/notifications/{notices['items'][0]['id']}/read", **worker).json()
    assert read["read_at"] is not None
    wrong = client.post(f"/api/v1/cases/referrals/{body['id']}/decline", {"reason": ""},
                        content_type="application/json", **worker)
    assert wrong.status_code == 422
    accepted = client.post(f"/api/v1/cases/referrals/{body['id']}/accept", **worker)
    assert accepted.status_code == 200 and accepted.json()["status"] == "accepted"
    assert Case.objects.get().owner_organisation == desk["shelter"]
    assert client.get(f"/api/v1/cases/{desk['case'].pk}", **officer).status_code == 404
    outgoing = client.get("/api/v1/cases/referrals?box=outgoing", **officer).json()
    assert outgoing["items"][0]["pseudonym"] is None  # the case is no longer the police's to see


@pytest.fixture(params=["pending_full", "accepted_limited"])
def receiver(request, desk):
    """A receiver of a referral still waiting (offered in full) or accepted with a limited scope."""
    share = _refer(desk, scope="full" if request.param == "pending_full" else "limited")
    if request.param == "accepted_limited":
        referral_accept(actor=factories.actor(desk["worker"]), share_id=share.pk)
    return desk


def test_receiver_page_withholds_unshared_fields(client, receiver):
    client.force_login(receiver["worker"].user)
    page = client.get(f"/cases/{receiver['case'].pk}/").content.decode()
    assert receiver["case"].number in page and 'data-testid="limited-scope"' in page
    _no_secret(page)


def test_receiver_api_withholds_unshared_fields(client, receiver):
    body = client.get(f"/api/v1/cases/{receiver['case'].pk}", **_bearer(receiver["worker"])).json()
    assert body["scope"] == "limited" and {"given_name", "summary"} <= set(body["withheld"])
    _no_secret(str(body))


def test_receiver_search_cannot_confirm_the_name_and_returns_no_personal_field(client, receiver):
    """A waiting or limited receiver finds the case by its number, never by the person's name: a hit would
    tell it whose case it holds."""
    client.force_login(receiver["worker"].user)
    page = client.post("/cases/search/", {"name": "Mariam Haddad"}).content.decode()
    assert receiver["case"].number not in page
    body = client.post("/api/v1/cases/search", {"name": "Mariam Haddad"}, content_type="application/json",
                       **_bearer(receiver["worker"])).json()
    assert body["count"] == 0
    body = client.post("/api/v1/cases/search", {"number": receiver["case"].number}, content_type="application/json",
                       **_bearer(receiver["worker"])).json()
    assert body["count"] == 1
    _no_secret(str(body))


def test_receiver_export_leaves_withheld_cells_empty(client, receiver):
    client.force_login(receiver["worker"].user)
    text = client.get("/cases/export.csv").content.decode()
    assert receiver["case"].number in text
    _no_secret(text)
    text = client.get("/api/v1/cases/export", **_bearer(receiver["worker"])).content.decode()
    assert receiver["case"].number in text
    _no_secret(text)
