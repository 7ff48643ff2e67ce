"""A screening on a phone with no connection: a frontline responder at a reception centre opens the screening
page (the service worker prepares the interviews), interviews a person in Arabic, loses the connection,
finishes: the screening is kept in the browser, encrypted, with a provisional result. The connection comes
back: it is sent exactly once and deleted from the phone; sent again, it is still one screening; a damaged
copy is never sent. From the result, one step makes the case, the consent and the referral. Logging out
wipes what the browser kept.

A screening is sent only under the account, organisation and realm it was taken under: on a shared tablet,
one user's screenings wait (shown, not sent) while another user is logged in, and go when their own person
logs in again; practice screenings taken in an exercise realm never reach the live realm."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from alliance.cases.models import Case, CaseShare
from alliance.core import roles as R
from alliance.directory.selectors import live_realm
from alliance.screening.domain.catalogue import current, load_catalogues
from alliance.screening.models import Screening
from tests import factories
from tests.e2e.conftest import TIMEOUT_MS, log_in, watch

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}
# Two strong deceptive-recruitment indicators, exploitative conditions, coercion at destination: refer.
YES = {
    "recruitment": ["dr-job-nature", "dr-conditions"],
    "conditions": ["ec-hours", "ec-wages"],
    "destination": ["cd-documents", "cd-violence"],
}

READ_QUEUE = """async () => {
  const names = indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [];
  if (!names.includes("alliance-screening")) { return null; }
  const db = await new Promise((ok, no) => { const r = indexedDB.open("alliance-screening");
    r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  const all = (store) => new Promise((ok, no) => { const r = db.transaction(store).objectStore(store).getAll();
    r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  const rows = await all("queue");
  const keys = await all("keys");
  db.close();
  let exported = "refused";
  if (keys.length) { try { await crypto.subtle.exportKey("raw", keys[0].key); exported = "exported"; } catch (e) {} }
  return {
    keys: keys.map((k) => ({id: k.id, type: String(k.key), extractable: k.key.extractable,
      algorithm: k.key.algorithm.name})),
    exported,
    rows: rows.map((r) => ({
      client_uuid: r.client_uuid, taken_by: r.taken_by, state: r.state, queued_at: r.queued_at,
      fields: Object.keys(r).sort(), iv: Array.from(r.iv), ciphertext: Array.from(r.ciphertext),
      // Everything the browser keeps, as text: what anyone reading the phone's storage would see.
      as_text: JSON.stringify(r) + new TextDecoder().decode(r.ciphertext) +
        Array.from(r.ciphertext, (b) => String.fromCharCode(b)).join(""),
    })),
  };
}"""

PUT_RECORD = """async (record) => {
  const db = await new Promise((ok, no) => { const r = indexedDB.open("alliance-screening");
    r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); });
  await new Promise((ok, no) => { const t = db.transaction("queue", "readwrite");
    t.objectStore("queue").put({client_uuid: record.client_uuid, taken_by: record.taken_by, state: record.state,
      queued_at: record.queued_at, errors: null, iv: new Uint8Array(record.iv),
      ciphertext: new Uint8Array(record.ciphertext)});
    t.oncomplete = ok; t.onerror = () => no(t.error); });
  db.close();
}"""


@pytest.fixture
def phone(browser, server, console):
    context = browser.new_context(base_url=server.url, locale="en-GB", viewport=PHONE, is_mobile=True,
                                  has_touch=True, service_workers="allow")
    context.set_default_timeout(TIMEOUT_MS)
    context.set_default_navigation_timeout(TIMEOUT_MS)
    page = context.new_page()
    watch(page, console)
    yield context, page
    context.close()


def _answer_yes(page, section: str) -> None:
    step = page.locator(f'section[data-section="{section}"]')
    for indicator in YES.get(section, []):
        step.locator(f'input[name="a:ilo-ec-operational:{indicator}"][value="yes"]').check()


def _next(page) -> None:
    page.locator("[data-next]").click()


def test_offline_screening_syncs_once_and_becomes_a_referral(phone, console):
    context, page = phone
    load_catalogues()
    reception = factories.organisation("Reception Centre North", sector="border_migration")
    shelter = factories.organisation("Safe Harbour Shelter", sector="ngo")
    officer = factories.member(reception, [R.FRONTLINE_RESPONDER], email="responder@dreamland.test")

    log_in(page, "responder@dreamland.test", factories.PASSWORD)
    page.goto("/screening/")
    # Online: the service worker installs, keeps the interview's files and prepares the nine interviews.
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.precached !== undefined",
                           timeout=30_000)
    assert int(page.get_by_test_id("offline-queue").get_attribute("data-precached")) == 9
    cached = page.evaluate("""async () => {
      const names = (await caches.keys()).filter((n) => n.startsWith("alliance-screening-"));
      const urls = [];
      for (const name of names) { for (const r of await (await caches.open(name)).keys()) { urls.push(r.url); } }
      return {names, urls};
    }""")
    assert len(cached["names"]) == 1
    interviews = [u for u in cached["urls"] if "/screening/interview/" in u]
    assert len(interviews) == 9 and any("interviewee=ar" in u for u in interviews)
    # Nothing that holds data is ever kept: no result, no list, no API answer.
    assert not [u for u in cached["urls"] if "/api/" in u or re.search(r"/screening/(\d+/|$|\?)", u)]

    page.locator("#start-interviewee").select_option("ar")
    page.locator("#start-interviewer").select_option("en")
    with page.expect_navigation():
        page.get_by_role("button", name="Start the interview").click()
    assert "/screening/interview/" in page.url
    arabic = page.locator(f'fieldset[data-indicator="{YES["recruitment"][0]}"] p[lang="ar"]')
    assert arabic.get_attribute("dir") == "rtl"
    assert arabic.evaluate("(node) => getComputedStyle(node).direction") == "rtl"
    arabic_text = arabic.text_content().strip()
    assert re.search(r"[\u0600-\u06FF]", arabic_text)

    # The connection drops. A page that holds data does not open; the service worker says so and lists the
    # interviews kept on the phone, which open without a connection.
    context.set_offline(True)
    page.goto("/screening/")
    offline_page = page.get_by_test_id("offline-page")
    assert offline_page.is_visible() and len(offline_page.locator("li a").all()) == 9
    with page.expect_navigation():
        offline_page.locator('a[href*="interviewer=en"][href*="interviewee=ar"]').click()
    assert page.locator("form[data-interview]").count() == 1
    assert page.locator(f'fieldset[data-indicator="{YES["recruitment"][0]}"] p[lang="ar"]').text_content().strip() \
        == arabic_text
    page.locator("#p-sex").select_option("female")
    page.locator("#p-age").fill("29")
    page.locator('input[name="work_type"][value="labour"]').check()
    _next(page)  # the short screen
    _next(page)
    for section in ("recruitment", "conditions", "destination"):
        _answer_yes(page, section)
        if section != "destination":
            _next(page)
    _next(page)  # the end of the interview
    page.get_by_test_id("finish").click()
    provisional = page.get_by_test_id("provisional-result")
    provisional.wait_for(state="visible")
    assert "Presumed victim: refer now" in provisional.inner_text()
    assert not Screening.objects.exists()

    # What the browser keeps is encrypted under a key that cannot be read out of it.
    kept = page.evaluate(READ_QUEUE)
    assert [k["id"] for k in kept["keys"]] == [f"user:{officer.user_id}"]  # one key per user
    assert all(k["extractable"] is False and k["algorithm"] == "AES-GCM" for k in kept["keys"])
    assert kept["exported"] == "refused"
    assert len(kept["rows"]) == 1
    queued = kept["rows"][0]
    # Whom it was taken by, in clear beside the ciphertext (and bound into it), as the interview page said.
    assert queued["state"] == "pending"
    assert queued["taken_by"] == {"user_id": officer.user_id, "organisation_id": reception.pk,
                                  "realm_id": live_realm().pk}
    assert queued["fields"] == ["ciphertext", "client_uuid", "errors", "iv", "queued_at", "state", "taken_by"]
    for secret in [arabic_text, "interviewee_language", "ilo-ec-operational", "female", "labour",
                   *[i for ids in YES.values() for i in ids]]:
        assert secret not in queued["as_text"], secret
    client_uuid = queued["client_uuid"]

    # The connection returns: the screening is sent once, the page shows its result, the phone keeps nothing.
    context.set_offline(False)
    page.wait_for_url(re.compile(r"/screening/\d+/$"), timeout=20_000)
    screening = Screening.objects.get(client_uuid=client_uuid)
    assert screening.offline and screening.outcome == "refer" and screening.created_by_id == officer.user_id
    assert page.url.endswith(f"/screening/{screening.pk}/")
    assert page.evaluate(READ_QUEUE)["rows"] == []

    # Sent again (the answer to the first send was lost, say): the server already has it; still one screening.
    page.goto("/screening/")
    page.evaluate(PUT_RECORD, queued)
    page.reload()
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.syncs === '1'")
    assert page.get_by_test_id("offline-queue").get_attribute("data-pending") == "0"
    assert page.evaluate(READ_QUEUE)["rows"] == []
    assert Screening.objects.filter(client_uuid=client_uuid).count() == 1

    # A copy changed on the phone does not decrypt: never sent, shown, and can be deleted.
    tampered = {**queued, "client_uuid": "0b7e3a52-6d2f-4a55-9a57-1f0c1a2b3c4d",
                "ciphertext": [b ^ 1 if n == 5 else b for n, b in enumerate(queued["ciphertext"])]}
    page.evaluate(PUT_RECORD, tampered)
    page.reload()
    problem = page.get_by_test_id("queue-problem")
    problem.wait_for()
    assert problem.get_attribute("data-state") == "damaged"
    assert "damaged" in problem.inner_text()
    assert Screening.objects.count() == 1
    page.once("dialog", lambda dialog: dialog.accept())
    problem.get_by_test_id("queue-discard").click()
    problem.wait_for(state="detached")

    # From the result, one step: the case, the person's agreement and the referral.
    page.goto(f"/screening/{screening.pk}/")
    with page.expect_navigation():
        page.get_by_test_id("refer-link").click()
    page.locator("[name=given_name]").fill("Amina")
    page.locator("[name=family_name]").fill("Yusuf")
    page.locator("[name=organisation]").select_option(str(shelter.pk))
    page.locator("[name=consent]").check()
    with page.expect_navigation():
        page.get_by_test_id("refer-submit").click()
    screening.refresh_from_db()
    case = Case.objects.get()
    assert screening.case_id == case.pk
    referral = CaseShare.objects.get(case=case)
    assert referral.organisation_id == shelter.pk and referral.status == "pending"

    # Logging out with a screening still waiting: warned, then everything the browser kept is deleted.
    page.goto("/screening/")
    page.evaluate(PUT_RECORD, {**queued, "client_uuid": "5d0c8f7e-2b1a-4c3d-8e9f-a0b1c2d3e4f5"})
    page.reload()
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.pending !== undefined")
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    assert asked and "1" in asked[0]
    left = page.evaluate("""async () => ({
      databases: indexedDB.databases ? (await indexedDB.databases()).map((d) => d.name) : [],
      caches: (await caches.keys()).filter((n) => n.startsWith("alliance-screening-")),
      workers: (await navigator.serviceWorker.getRegistrations()).length,
    })""")
    assert left == {"databases": [], "caches": [], "workers": 0}

    assert console.csp_violations() == []
    assert console.page_errors == []


FINISH = """(payload) => document.dispatchEvent(new CustomEvent("screening:finished", {detail: {payload}}))"""


def _taken_by(membership, realm=None) -> dict:
    """Who took a screening, as the interview page tells interview.js: the account, organisation and realm."""
    return {"user_id": membership.user_id, "organisation_id": membership.organisation_id,
            "realm_id": (realm or live_realm()).pk}


def _payload(client_uuid: str, answers: list[tuple[str, str]], taken_by: dict) -> dict:
    now = timezone.now()
    return {
        "client_uuid": client_uuid, "started_at": (now - dt.timedelta(minutes=15)).isoformat(),
        "finished_at": (now - dt.timedelta(minutes=1)).isoformat(), "offline": True,
        "interviewer_language": "en", "interviewee_language": "fa", "interpreter": False,
        "catalogues": [{"code": code, "version": current(code).version}
                       for code in ("mixed-migration-5", "ilo-ec-operational", "child-specific")],
        "sex": "male", "age": 34, "age_group": "25-34", "is_child": False, "citizenship": "", "work_type": "labour",
        "urgent": False,
        "answers": [{"catalogue": "ilo-ec-operational", "indicator": indicator, "answer": answer,
                     "source": "self_reported"} for indicator, answer in answers],
        "taken_by": taken_by,
    }


def _queue(page):
    return page.get_by_test_id("offline-queue")


def test_the_queue_waits_for_a_new_login_and_shows_what_was_refused(phone, console):
    context, page = phone
    load_catalogues()
    reception = factories.organisation("Reception Centre South", sector="border_migration")
    responder = factories.member(reception, [R.FRONTLINE_RESPONDER], email="responder2@dreamland.test")
    me = _taken_by(responder)
    log_in(page, "responder2@dreamland.test", factories.PASSWORD)
    page.goto("/screening/")
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.syncs === '1'")

    # Finished with no connection; then the session ends before the connection comes back.
    first = _payload("3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", [("dr-job-nature", "yes"), ("ec-hours", "no")], me)
    context.set_offline(True)
    page.evaluate(FINISH, first)
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.pending === '1'")
    context.clear_cookies()
    context.set_offline(False)
    login_line = page.get_by_test_id("queue-login")
    login_line.wait_for(state="visible")
    assert "Log in again" in login_line.inner_text() and "1" in login_line.inner_text()
    assert not Screening.objects.exists()

    # Logged in again, the screening is sent at once.
    log_in(page, "responder2@dreamland.test", factories.PASSWORD)
    page.goto("/screening/")
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.syncs === '1'")
    assert _queue(page).get_attribute("data-pending") == "0"
    stored = Screening.objects.get(client_uuid=first["client_uuid"])
    assert stored.offline and stored.outcome == "monitor"

    # The same id with other content: a conflict, kept and shown; the stored screening is unchanged.
    other = _payload(first["client_uuid"], [("dr-job-nature", "yes"), ("ec-hours", "yes")], me)
    page.evaluate(FINISH, {**other, "started_at": first["started_at"], "finished_at": first["finished_at"]})
    conflict = page.locator('[data-testid=queue-problem][data-state="conflict"]')
    conflict.wait_for()
    assert "already received" in conflict.inner_text()
    # An indicator the catalogue does not have: refused with the reason, kept and shown; nothing stored.
    page.evaluate(FINISH, _payload("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", [("dr-invented", "yes")], me))
    refused = page.locator('[data-testid=queue-problem][data-state="refused"]')
    refused.wait_for()
    assert "dr-invented" in refused.inner_text()
    assert Screening.objects.count() == 1
    assert Screening.objects.get().content_digest == stored.content_digest
    assert _queue(page).get_attribute("data-problems") == "2"
    assert console.csp_violations() == []
    assert console.page_errors == []


INTERVIEW_CACHE = """async () => {
  const found = [];
  for (const name of (await caches.keys()).filter((n) => n.startsWith("alliance-screening-"))) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      if (!request.url.includes("/screening/interview/")) { continue; }
      const page = await cache.match(request, {ignoreVary: true});
      const html = await page.text();
      const context = JSON.parse(new DOMParser().parseFromString(html, "text/html")
        .getElementById("screening-context").textContent);
      const ids = [context.user_id, context.organisation_id, context.realm_id].join(":");
      // The worker notes on each kept page whom it was made for; offline.js has it forget the others'.
      found.push(page.headers.get("X-Alliance-Taken-By") === ids ? ids : `unmarked ${ids}`);
    }
  }
  return found;
}"""


def _synced(page, times: int = 1) -> None:
    page.wait_for_function(f"() => Number(document.getElementById('offline-queue').dataset.syncs) >= {times}")


def _precached(page) -> None:
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.precached !== undefined",
                           timeout=30_000)


def _ids(taken_by: dict) -> str:
    return f"{taken_by['user_id']}:{taken_by['organisation_id']}:{taken_by['realm_id']}"


def _sends(context) -> list[str]:
    """Every screening the browser sends from now on (the client's own check, before the server's)."""
    sent: list[str] = []
    context.on("request", lambda request: sent.append(request.post_data or "")
               if request.method == "POST" and request.url.endswith("/api/v1/screenings") else None)
    return sent


def test_a_shared_tablet_never_sends_one_users_screening_as_another(phone, console):
    context, page = phone
    load_catalogues()
    north = factories.organisation("Reception Centre North", sector="border_migration")
    east = factories.organisation("Reception Centre East", sector="border_migration")
    first = factories.member(north, [R.FRONTLINE_RESPONDER], email="first@dreamland.test")
    second = factories.member(east, [R.FRONTLINE_RESPONDER], email="second@dreamland.test")
    first_ids, second_ids = _taken_by(first), _taken_by(second)

    # The first responder prepares the interviews and finishes a screening with no connection.
    log_in(page, "first@dreamland.test", factories.PASSWORD)
    page.goto("/screening/")
    _synced(page)
    _precached(page)
    assert set(page.evaluate(INTERVIEW_CACHE)) == {_ids(first_ids)}
    screening = _payload("7c1e2d3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f", [("dr-job-nature", "yes")], first_ids)
    context.set_offline(True)
    page.evaluate(FINISH, screening)
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.pending === '1'")
    kept = page.evaluate(READ_QUEUE)["rows"][0]
    assert kept["taken_by"] == first_ids

    # Their session ends without a log-out (nothing is wiped); the second responder, of another organisation,
    # logs in on the same tablet, in another tab, while the first one's page is still open.
    context.clear_cookies()
    sends = _sends(context)
    context.set_offline(False)
    other_tab = context.new_page()
    watch(other_tab, console)
    log_in(other_tab, "second@dreamland.test", factories.PASSWORD)
    # The first page, still holding the first responder's page and token, tries again: the server says who is
    # logged in now, and nothing is sent under that session.
    page.reload()  # with a good connection now
    _synced(page)
    assert not Screening.objects.exists()

    other_tab.goto("/screening/")
    _synced(other_tab)
    queue = _queue(other_tab)
    assert queue.get_attribute("data-pending") == "0" and queue.get_attribute("data-elsewhere") == "1"
    others = other_tab.get_by_test_id("queue-others")
    assert others.is_visible()
    said = others.inner_text()
    assert "another account" in said and "log in as that person" in said and "1" in said
    assert "first@dreamland.test" not in said and "Test User" not in said  # no names
    assert not Screening.objects.exists()
    # The interview pages kept for the first responder are dropped and prepared again for the second.
    _precached(other_tab)
    assert set(other_tab.evaluate(INTERVIEW_CACHE)) == {_ids(second_ids)}

    # A copy relabelled on the tablet as the second responder's is not theirs to send: it does not decrypt.
    relabelled = {**kept, "client_uuid": "2e3f4a5b-6c7d-4e8f-9a0b-1c2d3e4f5a6b", "taken_by": second_ids}
    other_tab.evaluate(PUT_RECORD, relabelled)
    other_tab.reload()
    problem = other_tab.get_by_test_id("queue-problem")
    problem.wait_for()
    assert problem.get_attribute("data-state") == "damaged"
    assert not Screening.objects.exists()
    other_tab.once("dialog", lambda dialog: dialog.accept())
    problem.get_by_test_id("queue-discard").click()
    problem.wait_for(state="detached")

    assert sends == []  # not even tried under the second responder's session
    # The second responder's session ends too (the log-out is the next test).
    other_tab.close()
    context.clear_cookies()

    # The first responder logs in again: the screening is sent once, into their own organisation.
    log_in(page, "first@dreamland.test", factories.PASSWORD)
    page.goto("/screening/")
    _synced(page)
    stored = Screening.objects.get()
    assert str(stored.client_uuid) == screening["client_uuid"]
    assert stored.organisation_id == north.pk and stored.created_by_id == first.user_id
    assert stored.realm_id == live_realm().pk
    assert page.evaluate(READ_QUEUE)["rows"] == []
    page.reload()
    _synced(page)
    assert Screening.objects.count() == 1 and len(sends) == 1
    assert console.csp_violations() == []
    assert console.page_errors == []


def test_a_token_refused_after_someone_else_logged_in_is_not_renewed_with_their_session(phone, browser, server,
                                                                                        console):
    """The session changes between the check of who is logged in and the send: the refused token is not
    replaced by the new session's, and the screening is not sent again under it."""
    context, page = phone
    load_catalogues()
    north = factories.organisation("Reception Centre North", sector="border_migration")
    east = factories.organisation("Reception Centre East", sector="border_migration")
    first = factories.member(north, [R.FRONTLINE_RESPONDER], email="first@dreamland.test")
    factories.member(east, [R.FRONTLINE_RESPONDER], email="second@dreamland.test")

    log_in(page, "first@dreamland.test", factories.PASSWORD)
    page.goto("/screening/")
    _synced(page)
    context.set_offline(True)
    page.evaluate(FINISH, _payload("8e9f0a1b-2c3d-4e4f-9a5b-6c7d8e9f0a1b", [("dr-job-nature", "yes")],
                                   _taken_by(first)))
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.pending === '1'")

    # The second responder's session, made in another browser, takes the first one's place on this tablet
    # just as the screening is sent; the send is refused (the token belongs to the first session).
    other = browser.new_context(base_url=server.url)
    other_page = other.new_page()
    log_in(other_page, "second@dreamland.test", factories.PASSWORD)
    second_cookies = other.cookies()
    other.close()
    attempts = []

    def swap_then_refuse(route):
        attempts.append(route.request.url)
        context.clear_cookies()
        context.add_cookies(second_cookies)
        route.fulfill(status=403, content_type="application/json",
                      body='{"error": {"code": "forbidden", "message": "CSRF", "details": {}}}')

    context.route("**/api/v1/screenings", swap_then_refuse)
    context.set_offline(False)
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.elsewhere === '1'")
    assert len(attempts) == 1  # not sent again with the second session's token
    assert not Screening.objects.exists()
    assert page.evaluate(READ_QUEUE)["rows"][0]["state"] == "pending"
    assert console.page_errors == []


def test_logging_out_deletes_only_the_leaving_users_screenings_and_key(phone, console):
    context, page = phone
    load_catalogues()
    north = factories.organisation("Reception Centre North", sector="border_migration")
    first = factories.member(north, [R.FRONTLINE_RESPONDER], email="first@dreamland.test")
    second = factories.member(north, [R.FRONTLINE_RESPONDER], email="second@dreamland.test")

    # The first responder's screening waits on the tablet (their session ended, nothing was wiped).
    log_in(page, "first@dreamland.test", factories.PASSWORD)
    page.goto("/screening/")
    _synced(page)
    theirs = _payload("4b5c6d7e-8f9a-4b0c-9d1e-2f3a4b5c6d7e", [("dr-job-nature", "yes")], _taken_by(first))
    context.set_offline(True)
    page.evaluate(FINISH, theirs)
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.pending === '1'")
    context.clear_cookies()
    context.set_offline(False)

    # The second responder finishes one with no connection too, then logs out before it was sent: asked
    # first (about their own one only), then their screening and key go; the first responder's stay.
    log_in(page, "second@dreamland.test", factories.PASSWORD)
    page.goto("/screening/")
    _synced(page)
    context.set_offline(True)
    page.evaluate(FINISH, _payload("5c6d7e8f-9a0b-4c1d-8e2f-3a4b5c6d7e8f", [("ec-hours", "yes")], _taken_by(second)))
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.pending === '1'")
    assert {key["id"] for key in page.evaluate(READ_QUEUE)["keys"]} == {f"user:{first.user_id}",
                                                                        f"user:{second.user_id}"}
    context.route("**/api/v1/screenings", lambda route: route.abort())  # a connection too poor to send it
    context.set_offline(False)
    _synced(page, 3)  # opening the page, finishing the screening, the connection back: not sent
    asked = []
    page.once("dialog", lambda dialog: (asked.append(dialog.message), dialog.accept()))
    with page.expect_navigation():
        page.get_by_test_id("logout").click()
    assert len(asked) == 1 and ": 1." in asked[0]
    left = page.evaluate(READ_QUEUE)
    assert left is not None, "the log-out deleted the other user's screenings"
    assert [row["client_uuid"] for row in left["rows"]] == [theirs["client_uuid"]]
    assert [key["id"] for key in left["keys"]] == [f"user:{first.user_id}"]
    assert page.evaluate("""async () => ({
      caches: (await caches.keys()).filter((n) => n.startsWith("alliance-screening-")),
      workers: (await navigator.serviceWorker.getRegistrations()).length})""") == {"caches": [], "workers": 0}
    assert not Screening.objects.exists()

    # The first responder logs in again: theirs is sent, into their organisation.
    context.unroute("**/api/v1/screenings")
    log_in(page, "first@dreamland.test", factories.PASSWORD)
    page.goto("/screening/")
    _synced(page)
    stored = Screening.objects.get()
    assert str(stored.client_uuid) == theirs["client_uuid"] and stored.created_by_id == first.user_id
    assert console.page_errors == []


SWITCH_REALM = """(realm) => { const select = document.getElementById("realm"); select.value = realm;
  select.form.submit(); }"""


def test_practice_screenings_never_reach_the_live_realm(phone, console):
    context, page = phone
    load_catalogues()
    reception = factories.organisation("Reception Centre West", sector="border_migration")
    trainee = factories.member(reception, [R.FRONTLINE_RESPONDER], email="practice@dreamland.test")
    exercise = factories.exercise_realm("Reception exercise")
    exercise.participants.add(trainee.user)
    live = live_realm()

    def switch(realm) -> None:
        with page.expect_navigation():
            page.evaluate(SWITCH_REALM, str(realm.pk))
        page.goto("/screening/")
        _synced(page)

    # A practice screening in the exercise realm, finished with no connection.
    log_in(page, "practice@dreamland.test", factories.PASSWORD)
    switch(exercise)
    practice = _payload("6d7e8f9a-0b1c-4d2e-8f3a-4b5c6d7e8f9a", [("dr-job-nature", "yes")],
                        _taken_by(trainee, exercise))
    context.set_offline(True)
    page.evaluate(FINISH, practice)
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.pending === '1'")
    kept = page.evaluate(READ_QUEUE)["rows"][0]
    assert kept["taken_by"]["realm_id"] == exercise.pk

    # Back in the live realm before it could be sent (a connection too poor for it): kept, shown, not sent.
    context.route("**/api/v1/screenings", lambda route: route.abort())
    context.set_offline(False)
    switch(live)
    context.unroute("**/api/v1/screenings")
    sends = _sends(context)
    page.reload()  # with a good connection now
    _synced(page)
    assert not Screening.objects.exists() and sends == []
    assert _queue(page).get_attribute("data-elsewhere") == "1"
    assert "another organisation or realm" in page.get_by_test_id("queue-others").inner_text()
    # Relabelled on the phone as a live one, it does not decrypt: never sent, shown as damaged.
    page.evaluate(PUT_RECORD, {**kept, "taken_by": {**kept["taken_by"], "realm_id": live.pk}})
    page.reload()
    problem = page.get_by_test_id("queue-problem")
    problem.wait_for()
    assert problem.get_attribute("data-state") == "damaged"
    assert not Screening.objects.exists()
    page.evaluate(PUT_RECORD, kept)  # as it was

    # Back in the exercise realm, it is sent there, once.
    switch(exercise)
    stored = Screening.objects.get()
    assert str(stored.client_uuid) == practice["client_uuid"] and stored.realm_id == exercise.pk
    assert page.evaluate(READ_QUEUE)["rows"] == []
    switch(live)
    assert Screening.objects.count() == 1
    assert console.csp_violations() == []
    assert console.page_errors == []
