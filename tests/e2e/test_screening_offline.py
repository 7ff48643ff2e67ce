"""A screening on a phone with no connection: a frontline responder at a reception centre opens the screening
page (the service worker prepares the interviews), interviews a person in Arabic, loses the connection,
finishes: the screening is kept in the browser, encrypted, with a provisional result. The connection comes
back: it is sent exactly once and deleted from the phone; sent again, it is still one screening; a damaged
copy is never sent. From the result, one step makes the case, the consent and the referral. Logging out
wipes what the browser kept."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from alliance.cases.models import Case, CaseShare
from alliance.core import roles as R
from alliance.screening.catalogue import current, load_catalogues
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
    keys: keys.map((k) => ({type: String(k.key), extractable: k.key.extractable, algorithm: k.key.algorithm.name})),
    exported,
    rows: rows.map((r) => ({
      client_uuid: r.client_uuid, user_id: r.user_id, state: r.state, queued_at: r.queued_at,
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
    t.objectStore("queue").put({client_uuid: record.client_uuid, user_id: record.user_id, state: record.state,
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
    assert kept["keys"] and all(k["extractable"] is False and k["algorithm"] == "AES-GCM" for k in kept["keys"])
    assert kept["exported"] == "refused"
    assert len(kept["rows"]) == 1
    queued = kept["rows"][0]
    assert queued["state"] == "pending" and str(queued["user_id"]) == str(officer.user_id)
    assert queued["fields"] == ["ciphertext", "client_uuid", "errors", "iv", "queued_at", "state", "user_id"]
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


def _payload(client_uuid: str, answers: list[tuple[str, str]]) -> dict:
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
    }


def _queue(page):
    return page.get_by_test_id("offline-queue")


def test_the_queue_waits_for_a_new_login_and_shows_what_was_refused(phone, console):
    context, page = phone
    load_catalogues()
    reception = factories.organisation("Reception Centre South", sector="border_migration")
    factories.member(reception, [R.FRONTLINE_RESPONDER], email="responder2@dreamland.test")
    log_in(page, "responder2@dreamland.test", factories.PASSWORD)
    page.goto("/screening/")
    page.wait_for_function("() => document.getElementById('offline-queue').dataset.syncs === '1'")

    # Finished with no connection; then the session ends before the connection comes back.
    first = _payload("3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f", [("dr-job-nature", "yes"), ("ec-hours", "no")])
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
    other = _payload(first["client_uuid"], [("dr-job-nature", "yes"), ("ec-hours", "yes")])
    page.evaluate(FINISH, {**other, "started_at": first["started_at"], "finished_at": first["finished_at"]})
    conflict = page.locator('[data-testid=queue-problem][data-state="conflict"]')
    conflict.wait_for()
    assert "already received" in conflict.inner_text()
    # An indicator the catalogue does not have: refused with the reason, kept and shown; nothing stored.
    page.evaluate(FINISH, _payload("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d", [("dr-invented", "yes")]))
    refused = page.locator('[data-testid=queue-problem][data-state="refused"]')
    refused.wait_for()
    assert "dr-invented" in refused.inner_text()
    assert Screening.objects.count() == 1
    assert Screening.objects.get().content_sha256 == stored.content_sha256
    assert _queue(page).get_attribute("data-problems") == "2"
    assert console.csp_violations() == []
    assert console.page_errors == []
