"""Log-in, lock-out per account and address, second factor, sessions, CSRF and API tokens."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.test import Client, override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from alliance.core import roles as R
from alliance.core.middleware import SESSION_SEEN, SESSION_STARTED
from alliance.core.models import AuditEvent
from alliance.directory.models import ApiToken
from alliance.directory.services import membership_update, token_issue, token_revoke
from tests import factories

KEY = "3132333435363738393031323334353637383930"


def _login(client, email, password=factories.PASSWORD, address="10.0.0.1"):
    return client.post("/accounts/login/", {"email": email, "password": password}, REMOTE_ADDR=address)


@pytest.fixture
def worker(db):
    return factories.member(factories.organisation(), [R.CASE_WORKER], email="carla@dreamland.test")


def test_good_password_logs_in_and_is_audited(client, worker):
    response = _login(client, "carla@dreamland.test")
    assert response.status_code == 302 and response["Location"] == "/"
    assert AuditEvent.objects.filter(action="login", user_id=worker.user_id).exists()


def test_wrong_password_gives_one_message_for_known_and_unknown_accounts(client, worker):
    known = _login(client, "carla@dreamland.test", "wrong password!").content.decode()
    unknown = _login(client, "nobody@dreamland.test", "wrong password!").content.decode()
    assert "The e-mail or the password is not right." in known
    assert "The e-mail or the password is not right." in unknown
    assert AuditEvent.objects.filter(action="failed_login").count() == 2


@override_settings(ALLIANCE_LOCKOUT_FAILURES=3)
def test_lock_out_is_keyed_on_account_and_address_together(client, worker):
    for _ in range(3):
        _login(client, "carla@dreamland.test", "wrong password!", address="10.0.0.1")
    locked = _login(client, "carla@dreamland.test", address="10.0.0.1")
    assert locked.status_code == 200 and "Too many failed log-ins" in locked.content.decode()
    # The same account from another desk, and a colleague behind the same NAT address, still get in.
    assert _login(Client(), "carla@dreamland.test", address="10.0.0.2").status_code == 302
    colleague = factories.member(worker.organisation, [R.CASE_WORKER], email="colleague@dreamland.test")
    assert _login(Client(), colleague.user.email, address="10.0.0.1").status_code == 302
    assert AuditEvent.objects.filter(action="locked_out").exists()


@override_settings(ALLIANCE_LOCKOUT_FAILURES=2)
def test_organisation_admin_unlocks_a_member(client, worker):
    for _ in range(2):
        _login(client, "carla@dreamland.test", "wrong password!")
    assert "Too many failed" in _login(client, "carla@dreamland.test").content.decode()
    admin = factories.member(worker.organisation, [R.CASE_WORKER], org_admin=True)
    admin_client = Client()
    admin_client.force_login(admin.user)
    assert admin_client.post(f"/directory/staff/{worker.pk}/unlock/").status_code == 302
    assert _login(client, "carla@dreamland.test").status_code == 302


@override_settings(ALLIANCE_LOCKOUT_FAILURES=2, ALLIANCE_LOCKOUT_COOLOFF=dt.timedelta(seconds=0))
def test_lock_ends_after_the_cool_off(client, worker):
    for _ in range(2):
        _login(client, "carla@dreamland.test", "wrong password!")
    assert _login(client, "carla@dreamland.test").status_code == 302


def _enrol(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="phone", key=KEY, confirmed=True)


def _code() -> str:
    return f"{TOTP(bytes.fromhex(KEY)).token():06d}"


def test_enrolled_user_must_pass_the_second_factor(client, worker):
    _enrol(worker.user)
    response = _login(client, "carla@dreamland.test")
    assert response["Location"].startswith("/accounts/second-factor/")
    # Password alone gives nothing: pages and the API send the user back to the second factor.
    assert client.get("/cases/")["Location"].startswith("/accounts/second-factor/")
    assert client.get("/api/v1/cases").status_code == 401
    before = client.session.session_key
    assert client.post("/accounts/second-factor/", {"token": _code()}).status_code == 302
    assert client.session.session_key != before  # a new session id once the second factor is proven
    assert client.get("/cases/").status_code == 200
    assert client.get("/api/v1/cases").status_code == 200


def test_wrong_code_is_refused_then_throttled(client, worker):
    _enrol(worker.user)
    _login(client, "carla@dreamland.test")
    wrong = client.post("/accounts/second-factor/", {"token": "000000" if _code() != "000000" else "111111"})
    assert "not valid" in wrong.content.decode()
    # django-otp then makes the device wait before it accepts even a right code: guessing is slowed.
    assert client.post("/accounts/second-factor/", {"token": _code()}).status_code == 200
    assert client.get("/cases/")["Location"].startswith("/accounts/second-factor/")


@override_settings(ALLIANCE_REQUIRE_SECOND_FACTOR=True)
def test_roles_reading_personal_data_must_enrol_when_required(client, worker):
    _login(client, "carla@dreamland.test")
    assert client.get("/")["Location"] == "/accounts/second-factor/setup/"
    trainee = factories.member(worker.organisation, [R.TRAINEE])
    other = Client()
    other.force_login(trainee.user)
    assert other.get("/").status_code == 200


def test_enrolment_confirms_a_code_and_issues_backup_codes(client, worker):
    client.force_login(worker.user)
    page = client.get("/accounts/second-factor/setup/")
    assert page.status_code == 200
    device = TOTPDevice.objects.get(user=worker.user, confirmed=False)
    response = client.post("/accounts/second-factor/setup/", {"token": f"{TOTP(device.bin_key).token():06d}"})
    codes = response.context["codes"]
    assert len(codes) == 10
    # A backup code works once, instead of the authenticator.
    second = Client()
    _login(second, "carla@dreamland.test")
    assert second.post("/accounts/second-factor/", {"token": codes[0]}).status_code == 302
    third = Client()
    _login(third, "carla@dreamland.test")
    assert third.post("/accounts/second-factor/", {"token": codes[0]}).status_code == 200


def test_password_reset_does_not_skip_the_second_factor(client, worker, mailoutbox):
    _enrol(worker.user)
    client.post("/accounts/password-reset/", {"email": "carla@dreamland.test"})
    assert len(mailoutbox) == 1
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/password-reset/" in line)
    path = link.split("testserver", 1)[1]
    form_page = client.get(path, follow=True)
    new = "a new long password 2026"
    client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    response = _login(Client(), "carla@dreamland.test", new)
    assert response["Location"].startswith("/accounts/second-factor/")


def test_idle_session_expires(client, worker):
    _login(client, "carla@dreamland.test")
    session = client.session
    session[SESSION_SEEN] = time.time() - 16 * 60
    session.save()
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_absolute_session_lifetime(client, worker):
    _login(client, "carla@dreamland.test")
    session = client.session
    session[SESSION_STARTED] = time.time() - 13 * 3600
    session.save()
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_csrf_is_enforced_on_forms_and_session_api(worker):
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(worker.user)
    assert strict.post("/cases/new/", {"given_name": "A", "family_name": "B"}).status_code == 403
    response = strict.post("/api/v1/cases", {"given_name": "A", "family_name": "B"}, content_type="application/json")
    assert response.status_code in (401, 403)
    assert not AuditEvent.objects.filter(action="create", object_type="case").exists()


def test_logout_clears_the_browser(client, worker):
    client.force_login(worker.user)
    response = client.post("/accounts/logout/")
    assert '"cookies"' in response["Clear-Site-Data"] and '"storage"' in response["Clear-Site-Data"]
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_token_is_hashed_at_rest_expires_and_can_be_revoked(client, worker):
    actor = factories.actor(worker)
    token, raw = token_issue(actor=actor, name="laptop", days=1)
    stored = ApiToken.objects.get(pk=token.pk)
    assert raw not in (stored.digest, stored.prefix) and raw.split("_", 2)[2] not in stored.digest
    auth = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
    assert client.get("/api/v1/me", **auth).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert client.get("/api/v1/me", **auth).status_code == 401
    token2, raw2 = token_issue(actor=actor, name="desk", days=1)
    token_revoke(actor=actor, token_id=token2.pk)
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw2}").status_code == 401


def test_a_token_cannot_mint_tokens(client, worker):
    _token, raw = token_issue(actor=factories.actor(worker), name="laptop", days=1)
    response = client.post("/api/v1/tokens", {"name": "more"}, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 403


def test_change_of_rights_applies_at_once_to_sessions_and_tokens(client, worker):
    admin = factories.member(worker.organisation, [R.CASE_WORKER], org_admin=True)
    _token, raw = token_issue(actor=factories.actor(worker), name="laptop", days=1)
    client.force_login(worker.user)
    assert client.get("/cases/").status_code == 200
    membership_update(actor=factories.actor(admin), membership_id=worker.pk, roles=[R.TRAINEE],
                      is_organisation_admin=False, is_active=True)
    assert client.get("/cases/").status_code == 403
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403
    membership_update(actor=factories.actor(admin), membership_id=worker.pk, roles=[R.TRAINEE],
                      is_organisation_admin=False, is_active=False)
    assert client.get("/")["Location"].startswith("/accounts/login/")
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_refusals_and_bad_tokens_are_audited(client, worker):
    trainee = factories.member(worker.organisation, [R.TRAINEE])
    client.force_login(trainee.user)
    assert client.get("/audit/").status_code == 403
    assert AuditEvent.objects.filter(action="denied", user_id=trainee.user_id, object_id="core:audit").exists()
    _t, raw = token_issue(actor=factories.actor(trainee), name="t", days=1)
    assert client.get("/api/v1/cases", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 403
    assert AuditEvent.objects.filter(action="denied", user_id=trainee.user_id, channel="api").exists()
    assert client.get("/api/v1/me", HTTP_AUTHORIZATION="Bearer alx_forged_token").status_code == 401
    assert AuditEvent.objects.filter(action="failed_login", object_type="api_token").exists()


def test_logout_keeps_another_accounts_offline_queue_when_the_page_asks(client, worker):
    """On a shared phone the screening tool has wiped the leaving user's queue itself and keeps the others'."""
    client.force_login(worker.user)
    response = client.post("/accounts/logout/", {"keep_offline_queue": "1"})
    assert '"cache"' in response["Clear-Site-Data"] and '"cookies"' in response["Clear-Site-Data"]
    assert '"storage"' not in response["Clear-Site-Data"]
    assert client.get("/")["Location"].startswith("/accounts/login/")


def test_second_factor_enrolled_counts_confirmed_devices_of_every_kind(db):
    from django_otp.plugins.otp_static.models import StaticDevice

    from alliance.directory.selectors import second_factor_enrolled

    user = factories.member(factories.organisation(), [R.CASE_WORKER]).user
    assert not second_factor_enrolled(user=user)
    TOTPDevice.objects.create(user=user, name="phone", key=KEY, confirmed=False)
    assert not second_factor_enrolled(user=user), "a device not yet confirmed is not a second factor"
    StaticDevice.objects.create(user=user, name="backup", confirmed=True)
    assert second_factor_enrolled(user=user)
