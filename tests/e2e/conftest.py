"""Real-browser fixtures: one Chromium for the session, a fresh context and page per test, a live server.

Only the browser layer uses these (`pytest -m browser`); every test module here sets
`pytestmark = pytest.mark.browser`, so `-m "not browser"` collects nothing from this folder.

Three things make a live server work with this project:

* The live server needs `transactional_db`: the server thread and the test must see each other's
  committed rows. On SQLite the test database is in memory and pytest-django hands the very same
  connection to the server thread, so both see the same data.
* After a transactional test Django empties every table (`flush`); the test profile leaves out the audit
  table's append-only triggers so that it can. `_database_restored`, set up before the database and so
  torn down after the flush, recreates the live realm (a row that migration 0003 creates and the flush
  removes), so that tests running later in the same session find the database as the migrations left it.
* The live server answers each request in its own thread, on the test's own database connection (SQLite)
  or its own (PostgreSQL). A request still running when the flush starts (a page that was closing, a
  service worker's last sync) would work on the database under it: "no such savepoint". The server's
  application is therefore wrapped in a `_Quiescer`: before the flush, the `server` fixture refuses new
  requests (503) and waits, bounded, for the running ones to finish; `_live_server_reopened`, torn down
  after the flush, lets requests in again.
* Playwright's sync API keeps an asyncio event loop running in the test thread, which trips Django's
  "async unsafe" guard on every database call from test code and makes Django look its connections up
  in a different store. While the browser session is alive DJANGO_ALLOW_ASYNC_UNSAFE is set and the
  connections stay thread-local (`_keep_database_connections_thread_local`); both are undone when the
  session ends.
"""

from __future__ import annotations

import importlib
import os
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import pytest

CHROMIUM = os.environ.get("ALLIANCE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
# Playwright's default timeouts are 30 s; a local server answers in milliseconds, so fail fast.
TIMEOUT_MS = 10_000

_MIGRATION = "alliance.core.migrations.0003_live_realm_and_append_only_audit"


# --- Browser -----------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright_instance() -> Iterator[object]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} not found: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        _keep_database_connections_thread_local(patch)
        manager = sync_playwright().start()
        try:
            yield manager
        finally:
            manager.stop()


def _keep_database_connections_thread_local(patch: pytest.MonkeyPatch) -> None:
    """Django keeps connections in an asgiref Local(thread_critical=True): plain thread-local storage in a
    thread without a running event loop, but a separate, context-local store when a loop runs. The
    Playwright loop would therefore give test code a *different* connection object from the one the test
    database was set up on and handed to the live server (on in-memory SQLite: another, empty
    database). No async Django code runs in this process (the live server is a WSGI thread), so for the
    life of the browser session the storage stays the thread's own."""
    from asgiref import local

    critical = getattr(local, "_ThreadCriticalLocal", None)
    if critical is not None and hasattr(critical, "_get_storage"):
        patch.setattr(critical, "_get_storage", lambda self: self._storage)


@pytest.fixture(scope="session")
def browser(playwright_instance) -> Iterator[object]:
    chromium = playwright_instance.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
    yield chromium
    chromium.close()


@dataclass
class ConsoleLog:
    """Everything the page said on its console, plus uncaught errors and the URLs visited."""

    messages: list[tuple[str, str, str]] = field(default_factory=list)  # (type, text, page url)
    page_errors: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)

    def csp_violations(self) -> list[str]:
        return [f"{url}: {text}" for _kind, text, url in self.messages
                if "content security policy" in text.lower()]

    def errors(self) -> list[str]:
        return [f"{url}: {text}" for kind, text, url in self.messages if kind == "error"]


@pytest.fixture
def console() -> ConsoleLog:
    return ConsoleLog()


@pytest.fixture
def context(browser, server) -> Iterator[object]:
    ctx = browser.new_context(base_url=server.url, locale="en-GB", viewport={"width": 1280, "height": 800})
    ctx.set_default_timeout(TIMEOUT_MS)
    ctx.set_default_navigation_timeout(TIMEOUT_MS)
    yield ctx
    ctx.close()


def watch(page, log: ConsoleLog) -> None:
    """Record console messages, uncaught errors and every main-frame navigation of a page."""
    page.on("console", lambda msg: log.messages.append((msg.type, msg.text, page.url)))
    page.on("pageerror", lambda exc: log.page_errors.append(str(exc)))
    page.on("framenavigated", lambda frame: log.visited.append(frame.url) if frame == page.main_frame else None)


@pytest.fixture
def page(context, console) -> Iterator[object]:
    new_page = context.new_page()
    watch(new_page, console)
    yield new_page
    new_page.close()


# --- Live server and database ------------------------------------------------------------------------

def _ensure_live_realm() -> None:
    from django.apps import apps

    importlib.import_module(_MIGRATION).create_live_realm(apps, None)


@pytest.fixture
def _database_restored(django_db_blocker) -> Iterator[None]:
    """Torn down after the transactional flush: put back what the migrations created."""
    yield
    with django_db_blocker.unblock():
        _ensure_live_realm()


@pytest.fixture
def _audit_rows_released() -> Iterator[None]:
    """The test profile leaves out the audit table's append-only triggers (settings.ALLIANCE_AUDIT_DB_GUARD),
    so the flush can empty it; this only makes sure the live realm exists while the test runs."""
    _ensure_live_realm()
    yield


@dataclass(frozen=True)
class Server:
    url: str


# A request in the browser layer takes milliseconds; this only bounds a server that never settles.
QUIESCE_SECONDS = 30


class _Quiescer:
    """WSGI wrapper around the live server's application: counts the requests in flight, from the call
    until the server closes the response, and can close the door to new ones while the database is reset."""

    def __init__(self, app) -> None:
        self.app = app
        self._changed = threading.Condition()
        self._in_flight = 0
        self._open = True

    def __call__(self, environ, start_response) -> Iterable[bytes]:
        with self._changed:
            if not self._open:
                start_response("503 Service Unavailable", [("Content-Type", "text/plain"), ("Retry-After", "1")])
                return [b"the test database is being reset"]
            self._in_flight += 1
        try:
            return _Closing(self.app(environ, start_response), self._done)
        except BaseException:
            self._done()
            raise

    def _done(self) -> None:
        with self._changed:
            self._in_flight -= 1
            self._changed.notify_all()

    def quiesce(self, timeout: float) -> None:
        with self._changed:
            self._open = False
            if not self._changed.wait_for(lambda: self._in_flight == 0, timeout=timeout):
                raise RuntimeError(f"the live server still has {self._in_flight} requests in flight after "
                                   f"{timeout:.0f} s; the test database is not safe to reset")

    def reopen(self) -> None:
        with self._changed:
            self._open = True


class _Closing:
    """The response iterable, reporting when the server has closed it (Django's request_finished runs there,
    so the request is done with the database)."""

    def __init__(self, response: Iterable[bytes], done) -> None:
        self._response = response
        self._done = done

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._response)

    def close(self) -> None:
        try:
            close = getattr(self._response, "close", None)
            if close is not None:
                close()
        finally:
            self._done()


@pytest.fixture(scope="session")
def _live_server_session(django_db_setup, django_db_blocker) -> Iterator[object]:
    """pytest-django's live server (static files served by django.contrib.staticfiles' handler), started
    once. Not its `live_server` fixture: naming that makes an autouse helper request transactional_db
    before `_database_restored`, which would then be torn down before the flush instead of after it."""
    from pytest_django.live_server_helper import LiveServer

    address = os.environ.get("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    with django_db_blocker.unblock():
        live = LiveServer(address)
    live._live_server_modified_settings.enable()  # adds the host to ALLOWED_HOSTS
    # Nothing has been asked of the server yet, so no request can slip past the wrapper.
    live.quiescer = _Quiescer(live.thread.httpd.get_app())
    live.thread.httpd.set_app(live.quiescer)
    yield live
    live._live_server_modified_settings.disable()
    live.stop()


@pytest.fixture
def _live_server_reopened(_live_server_session) -> Iterator[None]:
    """Torn down after the flush: the live server takes requests again, for the next test."""
    _live_server_session.quiescer.reopen()
    yield
    _live_server_session.quiescer.reopen()


@pytest.fixture
def server(_database_restored, _live_server_reopened, transactional_db, _audit_rows_released,
           _live_server_session) -> Iterator[Server]:
    """The live server with transactional database access. The order of the arguments is the order of
    set-up (and the reverse of tear-down): see the module docstring. Naming transactional_db here, not
    through request.getfixturevalue, also tells pytest-django to create the test database at all.
    Torn down after the browser contexts (which depend on it) and before the flush: the server goes idle."""
    from django.db import connections

    for alias, shared in _live_server_session.thread.connections_override.items():
        # In-memory SQLite: test code and server must hold the very same connection (see above).
        assert connections[alias] is shared, "test code and live server use different database connections"
    yield Server(url=_live_server_session.url)
    _live_server_session.quiescer.quiesce(QUIESCE_SECONDS)


# --- Helpers for tests ---------------------------------------------------------------------------------

def open_tab(page, name: str) -> None:
    """Open one tab of the case page as a person does: a click, loaded in place (HTMX), the address follows."""
    page.get_by_test_id(f"tab-{name}").click()
    page.wait_for_url(f"**?tab={name}")
    page.wait_for_selector(f'[data-testid="tab-{name}"][aria-current="page"]')


def log_in(page, email: str, password: str) -> None:
    """Fill the log-in form and submit; the caller checks where it lands."""
    page.goto("/accounts/login/")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

