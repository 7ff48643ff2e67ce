"""The simulated people of bench/exercise_load.py: a loopback browser session (cookies, CSRF, keep-alive), a
trainee who keeps the inbox open in one tab while working in another, and the exercise controller.

Each trainee logs in through the real form, opens the inbox page, then until the phase ends polls it every
second (what the open page's HTMX does) while, in the other tab, screening a person (the interview page,
then the screening sent to the API as the page's script does), opening a case, adding a note, recording the
person's consent and referring the case to the team's shelter, with a think time between steps; injects
seen in the inbox are marked read. Every request is timed and every outcome counted, so that the worker can
compare what the clients did with what the database holds. No Django here: the worker passes in what needs
it (the screening payloads).
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import random
import re
import threading
import time
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from urllib.parse import urlencode

IDLE_RECONNECT_S = 8.0  # below the server's keep-alive idle limit (alliance serve --header-timeout, 10 s)
TIMEOUT_S = 30.0
LOGIN_TIMEOUT_S = 120.0  # a log-in storm queues behind Argon2: a person waits, then tries again
LOGIN_ATTEMPTS = 3
ITEM = re.compile(rb'data-testid="inbox-item-([\w-]+)"')
READ_BUTTON = re.compile(rb'data-testid="inbox-item-([\w-]+)".*?/exercises/runs/inbox/(\d+)/read', re.S)
AFTER_ID = re.compile(rb"inbox/poll\?after=(\d+)")
TICKET = re.compile(rb'X-Inbox-Ticket": "([^"]+)"')  # what the page's HTMX sends with each poll
CSRF_FIELD = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')
CASE_URL = re.compile(r"^/cases/(\d+)/")
MESSAGE = re.compile(rb'<li class="(success|error|warning|info)[^"]*">(.*?)</li>', re.S)


def answer_problem(status: int, method: str, path: str, body: bytes) -> str:
    # A server error's page says nothing useful (the traceback is in the server log); a refusal's body does.
    said = "" if status >= 500 else f": {body[:160]!r}"
    return f"HTTP {status} on {method} {path.split('?')[0]}{said}"


class Recorder:
    """Timings and outcomes of one phase, shared by all its clients."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.samples: dict[str, list[int]] = {}
        self.errors: dict[str, int] = {}
        self.timeouts: dict[str, int] = {}
        self.examples: list[str] = []

    def add(self, action: str, took_ns: int, problem: str = "") -> None:
        with self.lock:
            self.samples.setdefault(action, []).append(took_ns)
        if problem:
            self.refused(action, problem)

    def timed_out(self, action: str, took_ns: int) -> None:
        """No answer within the client's timeout: latency (counted at the timeout), not an error."""
        with self.lock:
            self.samples.setdefault(action, []).append(took_ns)
            self.timeouts[action] = self.timeouts.get(action, 0) + 1

    def refused(self, action: str, problem: str) -> None:
        with self.lock:
            self.errors[action] = self.errors.get(action, 0) + 1
            if len(self.examples) < 12:
                self.examples.append(f"{action}: {problem}")


class Gate:
    """Everyone logs in first (the arrivals are spread, Argon2 makes each log-in cost), then all act at once
    for the same period: arrive() blocks until the last trainee has logged in and returns when it ends."""

    def __init__(self, expected: int) -> None:
        self.expected, self.arrived = expected, 0
        self.ends_at: float | None = None
        self.cond = threading.Condition()

    def arrive(self) -> float:
        with self.cond:
            self.arrived += 1
            self.cond.notify_all()
            while self.ends_at is None:
                self.cond.wait()
            return self.ends_at

    def open(self, duration: float, timeout: float) -> float:
        """Wait for every arrival (at most `timeout` s), then start the period; returns its end."""
        with self.cond:
            self.cond.wait_for(lambda: self.arrived >= self.expected, timeout=timeout)
            self.ends_at = time.time() + duration
            self.cond.notify_all()
            return self.ends_at


class Browser:
    """One tab's keep-alive connection; the cookie jar is the browser's, shared by its tabs. Requests carry
    X-Forwarded-Proto: https and the Origin, as they reach the server from the TLS proxy in production."""

    def __init__(self, port: int, jar: dict[str, str], jar_lock: threading.Lock, csrf_cookie: str) -> None:
        self.port, self.jar, self.jar_lock, self.csrf_cookie = port, jar, jar_lock, csrf_cookie
        self.conn: http.client.HTTPConnection | None = None
        self.used = 0.0

    def csrf(self) -> str:
        with self.jar_lock:
            return self.jar.get(self.csrf_cookie, "")

    def _connection(self, timeout: float) -> http.client.HTTPConnection:
        if self.conn is None or time.monotonic() - self.used > IDLE_RECONNECT_S:
            self.close()
            self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        self.conn.timeout = timeout
        if self.conn.sock is not None:
            self.conn.sock.settimeout(timeout)
        return self.conn

    def close(self) -> None:
        if self.conn is not None:
            with contextlib.suppress(OSError):
                self.conn.close()
            self.conn = None

    def request(self, method: str, path: str, *, form: dict | None = None, data: bytes | None = None,
                headers: dict | None = None, timeout: float = TIMEOUT_S) -> tuple[int, dict, bytes]:
        with self.jar_lock:
            cookie = "; ".join(f"{k}={v}" for k, v in self.jar.items())
        sent = {"Host": f"127.0.0.1:{self.port}", "X-Forwarded-Proto": "https", "Accept-Language": "en"}
        if cookie:
            sent["Cookie"] = cookie
        body = data
        if form is not None:
            body = urlencode(form).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        if method == "POST":
            sent["Origin"] = f"https://127.0.0.1:{self.port}"
        sent.update(headers or {})
        fresh = self.conn is None or time.monotonic() - self.used > IDLE_RECONNECT_S
        for attempt in range(2):
            conn = self._connection(timeout)
            try:
                conn.request(method, path, body=body, headers=sent)
                response = conn.getresponse()
                payload = response.read()
                break
            except TimeoutError:
                self.close()
                raise
            except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
                self.close()
                # A kept-alive connection the server had just closed: the request never reached a view. Sent
                # again once for a read; never for a write (it might have been done: counted, not hidden).
                if attempt or fresh or method != "GET":
                    raise
        self.used = time.monotonic()
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        self._keep_cookies(response.msg.get_all("Set-Cookie") or [])
        return response.status, {k.lower(): v for k, v in response.getheaders()}, payload

    def _keep_cookies(self, lines: list[str]) -> None:
        for line in lines:
            jar = SimpleCookie()
            jar.load(line)
            with self.jar_lock:
                for name, morsel in jar.items():
                    if morsel["max-age"] == "0" or not morsel.value:
                        self.jar.pop(name, None)
                    else:
                        self.jar[name] = morsel.value


@dataclass
class Tally:
    """What one trainee's clients saw succeed (the worker compares it with the database)."""

    screenings: int = 0
    cases: int = 0
    notes: int = 0
    consents: int = 0
    referrals: int = 0
    reads: set = field(default_factory=set)  # release ids marked read
    unknown: dict = field(default_factory=dict)  # kind -> writes whose answer timed out (done or not: unknown)
    page_items: set = field(default_factory=set)  # inject ids already on the inbox page when it opened
    first_seen: dict = field(default_factory=dict)  # inject id -> wall time of the first poll showing it
    polling_from: float = 0.0  # wall time the inbox page was asked for
    polling_to: float = 0.0


@dataclass
class Seat:
    email: str
    password: str
    team: int
    refers: bool  # a first responder under the Dreamland profile (a prosecutor's office does not refer)
    shelter_id: int
    payloads: object  # callable: n -> the n-th screening payload of this trainee
    screened: itertools.count = field(default_factory=itertools.count)  # across phases: each payload once


class Trainee:
    def __init__(self, seat: Seat, port: int, csrf_cookie: str, recorder: Recorder, *, think: float,
                 release_ids, ends_at: float, rng: random.Random) -> None:
        self.seat, self.recorder, self.think, self.release_ids = seat, recorder, think, release_ids
        self.ends_at, self.rng = ends_at, rng
        self.jar: dict[str, str] = {}
        self.lock = threading.Lock()
        self.work = Browser(port, self.jar, self.lock, csrf_cookie)
        self.inbox = Browser(port, self.jar, self.lock, csrf_cookie)
        self.tally = Tally()
        self.seen_new: list[str] = []
        self.after = 0
        self.ticket = ""
        self.page_releases: dict[str, int] = {}  # inject id -> release id, from each item's "Mark as read"
        self.timed_out = False

    # --- timing -----------------------------------------------------------------------------------
    def call(self, action: str, browser: Browser, method: str, path: str, *, expect: tuple[int, ...], **kw):
        t0 = time.perf_counter_ns()
        self.timed_out = False
        try:
            status, headers, body = browser.request(method, path, **kw)
        except TimeoutError:
            self.timed_out = True
            self.recorder.timed_out(action, time.perf_counter_ns() - t0)
            return None, {}, b""
        except OSError as exc:
            self.recorder.add(action, time.perf_counter_ns() - t0, f"{type(exc).__name__}: {exc}")
            return None, {}, b""
        took = time.perf_counter_ns() - t0
        problem = "" if status in expect else answer_problem(status, method, path, body)
        self.recorder.add(action, took, problem)
        return status, headers, body

    def pause(self) -> bool:
        """Think before the next step; False when the phase is over."""
        time.sleep(max(0.0, min(self.rng.uniform(0.5, 1.5) * self.think, self.ends_at - time.time())))
        return time.time() < self.ends_at

    # --- the steps ----------------------------------------------------------------------------------
    def log_in(self) -> bool:
        for _attempt in range(LOGIN_ATTEMPTS):
            status, _h, body = self.call("log-in page", self.work, "GET", "/accounts/login/", expect=(200,),
                                         timeout=LOGIN_TIMEOUT_S)
            found = CSRF_FIELD.search(body or b"")
            if status != 200 or not found:
                continue
            status, headers, _b = self.call("log in", self.work, "POST", "/accounts/login/", expect=(302,), form={
                "csrfmiddlewaretoken": found.group(1).decode(), "email": self.seat.email,
                "password": self.seat.password, "next": "/exercises/runs/inbox/"}, timeout=LOGIN_TIMEOUT_S)
            if status == 302:
                return "second-factor" not in headers.get("location", "")
        return False

    def unknown(self, kind: str) -> None:
        self.tally.unknown[kind] = self.tally.unknown.get(kind, 0) + 1

    def open_inbox(self) -> bool:
        self.tally.polling_from = time.time()
        status, _h, body = self.call("inbox page", self.inbox, "GET", "/exercises/runs/inbox/", expect=(200,))
        if status != 200:
            return False
        self.tally.page_items = {m.decode() for m in ITEM.findall(body)}
        found = AFTER_ID.search(body)
        self.after = int(found.group(1)) if found else 0
        self.ticket = self._ticket(body)
        return True

    def _ticket(self, body: bytes) -> str:
        found = TICKET.search(body)
        return found.group(1).decode() if found else self.ticket

    def poll_forever(self) -> None:
        """The open inbox page: a poll every second, at a fixed rate like HTMX's `every 1s`."""
        next_at = time.monotonic()
        while time.time() < self.ends_at:
            status, _h, body = self.call("inbox poll", self.inbox, "GET",
                                         f"/exercises/runs/inbox/poll?after={self.after}", expect=(200, 204),
                                         headers={"X-Inbox-Ticket": self.ticket})
            seen = time.time()
            if status == 200:
                found = AFTER_ID.search(body)
                self.after = int(found.group(1)) if found else self.after
                self.ticket = self._ticket(body)
                with self.lock:
                    self.page_releases.update((i.decode(), int(r)) for i, r in READ_BUTTON.findall(body))
                for inject in (m.decode() for m in ITEM.findall(body)):
                    if inject not in self.tally.first_seen and inject not in self.tally.page_items:
                        self.tally.first_seen[inject] = seen
                        with self.lock:
                            self.seen_new.append(inject)
            next_at += 1.0
            time.sleep(max(0.0, min(next_at - time.monotonic(), self.ends_at - time.time())))
        self.tally.polling_to = time.time()

    def mark_read(self) -> None:
        with self.lock:
            waiting, self.seen_new = self.seen_new, []
        for inject in waiting:
            with self.lock:
                release = self.page_releases.get(inject)
            release = release or self.release_ids(self.seat.team, inject)
            if release is None:  # not yet seen by the release watcher: on the next step
                with self.lock:
                    self.seen_new.append(inject)
                continue
            status, _h, _b = self.call("mark inject read", self.work, "POST", f"/exercises/runs/inbox/{release}/read",
                                       expect=(200,), headers={"X-CSRFToken": self.work.csrf(), "HX-Request": "true"})
            if status == 200:
                self.tally.reads.add(release)
            elif self.timed_out:
                self.unknown("inject reads")

    def posted_form(self, action: str, kind: str, path: str, form: dict) -> bool:
        """A form of the case page: POST, then the page the redirect names, whose message tells the outcome."""
        status, headers, _b = self.call(action, self.work, "POST", path, expect=(302,),
                                        form={"csrfmiddlewaretoken": self.work.csrf(), **form})
        if status != 302:
            if self.timed_out:
                self.unknown(kind)
            return False
        status, _h, body = self.call("case page (after a form)", self.work, "GET", headers.get("location", ""),
                                     expect=(200,))
        if status is None and self.timed_out:
            self.unknown(kind)
            return False
        said = MESSAGE.findall(body or b"")
        if any(level == b"error" for level, _text in said):
            text = next(t for k, t in said if k == b"error").decode(errors="replace")[:160]
            self.recorder.refused(action, f"refused by validation: {text}")
            return False
        return status == 200 and any(level == b"success" for level, _t in said)

    def work_forever(self) -> None:
        steps = 0
        while self.pause():
            self.mark_read()
            steps += 1
            self.call("screening interview page", self.work, "GET",
                      "/screening/interview/?interviewer=en&interviewee=en", expect=(200,))
            if not self.pause():
                break
            payload = self.seat.payloads(next(self.seat.screened))
            status, _h, _b = self.call("submit a screening", self.work, "POST", "/api/v1/screenings",
                                       data=json.dumps(payload).encode(), expect=(201,),
                                       headers={"Content-Type": "application/json", "X-CSRFToken": self.work.csrf()})
            self.tally.screenings += status == 201
            if self.timed_out:
                self.unknown("screenings")
            self.mark_read()
            if not self.pause():
                break
            status, headers, _b = self.call("open a case", self.work, "POST", "/cases/new/", expect=(302,), form={
                "csrfmiddlewaretoken": self.work.csrf(), "given_name": "Lina",
                "family_name": f"Marek {self.seat.team}-{steps}", "pseudonym": f"LM-{steps}",
                "summary": "Fictitious Dreamland exercise case: recruited online for a job abroad."})
            case = CASE_URL.match(headers.get("location", "")) if status == 302 else None
            if self.timed_out:
                self.unknown("cases")
            if case is None:
                continue
            self.tally.cases += 1
            self.call("case page (after a form)", self.work, "GET", headers["location"], expect=(200,))
            case_id = int(case.group(1))
            if not self.pause():
                break
            done = self.posted_form("add a note", "notes", f"/cases/{case_id}/notes/", {
                "body": "Met the person at the bus station; she asked for help with her passport.",
                "sensitivity": "standard"})
            self.tally.notes += done
            if not self.seat.refers or not self.pause():
                continue
            done = self.posted_form("record consent", "consents", f"/cases/{case_id}/consents/", {
                "purpose": "share_organisation", "organisation": self.seat.shelter_id, "language": "en"})
            self.tally.consents += done
            if not done or not self.pause():
                continue
            done = self.posted_form("refer to the shelter", "referrals", f"/cases/{case_id}/refer/", {
                "kind": "referral", "organisation": self.seat.shelter_id, "scope": "limited",
                "purpose": "Safe accommodation and assistance during the reflection period."})
            self.tally.referrals += done

    def play(self, starts_at: float, gate: Gate) -> None:
        time.sleep(max(0.0, starts_at - time.time()))
        try:
            logged_in = self.log_in()
            self.ends_at = gate.arrive()
            if not logged_in or not self.open_inbox():
                return
            poller = threading.Thread(target=self.poll_forever, daemon=True)
            poller.start()
            self.work_forever()
            poller.join(timeout=TIMEOUT_S + 5)
            self.mark_read()
        finally:
            self.work.close()
            self.inbox.close()


class Controller:
    """The exercise controller at the console: clock, pace, releases by hand, the console's 2-second poll."""

    def __init__(self, email: str, password: str, run_id: int, port: int, csrf_cookie: str,
                 recorder: Recorder) -> None:
        self.email, self.password, self.run_id, self.recorder = email, password, run_id, recorder
        self.jar: dict[str, str] = {}
        self.browser = Browser(port, self.jar, threading.Lock(), csrf_cookie)

    def call(self, action: str, method: str, path: str, *, expect: tuple[int, ...], **kw) -> int | None:
        t0 = time.perf_counter_ns()
        try:
            status, _headers, body = self.browser.request(method, path, **kw)
        except TimeoutError:
            self.recorder.timed_out(action, time.perf_counter_ns() - t0)
            return None
        except OSError as exc:
            self.recorder.add(action, time.perf_counter_ns() - t0, f"{type(exc).__name__}: {exc}")
            return None
        problem = "" if status in expect else answer_problem(status, method, path, body)
        self.recorder.add(action, time.perf_counter_ns() - t0, problem)
        return status

    def log_in(self) -> None:
        _status, _h, body = self.browser.request("GET", "/accounts/login/", timeout=LOGIN_TIMEOUT_S)
        token = CSRF_FIELD.search(body).group(1).decode()
        status, headers, _b = self.browser.request("POST", "/accounts/login/", form={
            "csrfmiddlewaretoken": token, "email": self.email, "password": self.password, "next": "/"},
            timeout=LOGIN_TIMEOUT_S)
        if status != 302 or "second-factor" in headers.get("location", ""):
            raise RuntimeError(f"the controller could not log in: HTTP {status} {headers.get('location', '')}")

    def clock(self, verb: str, **form) -> None:
        status = self.call(f"console: {verb}", "POST", f"/exercises/runs/{self.run_id}/clock/{verb}", expect=(302,),
                           form={"csrfmiddlewaretoken": self.browser.csrf(), **form})
        if status != 302:
            raise RuntimeError(f"the controller could not {verb} the run: HTTP {status}")

    def release(self, inject: str, team_id: int | None = None) -> bool:
        form = {"csrfmiddlewaretoken": self.browser.csrf(), "inject": inject, **({"team": team_id} if team_id else {})}
        return self.call("console: release by hand", "POST", f"/exercises/runs/{self.run_id}/release",
                         expect=(302,), form=form) == 302

    def watch(self, ends_at: float, releases: list[tuple[float, str, int | None]]) -> list[str]:
        """Poll the console every 2 s until `ends_at`, releasing each (at, inject, team) when its time comes."""
        pending = sorted(releases)
        done = []
        next_at = time.monotonic()
        while time.time() < ends_at:
            while pending and pending[0][0] <= time.time():
                _at, inject, team = pending.pop(0)
                if self.release(inject, team):
                    done.append(inject)
            self.call("console poll", "GET", f"/exercises/runs/{self.run_id}/", expect=(200,),
                      headers={"HX-Request": "true"})
            next_at += 2.0
            wake = min([next_at - time.monotonic()] + [p[0] - time.time() for p in pending[:1]])
            time.sleep(max(0.0, min(wake, ends_at - time.time())))
        return done
