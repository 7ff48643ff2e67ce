"""The tamper-evident audit chain: append, verify, anchor.

Each row's hash covers its content and the previous row's hash. Appends are serialised (a transaction
advisory lock on PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers) so concurrent
requests cannot fork the chain. The head hash is anchored outside the database so that cutting off the
tail of the chain shows. Verifications run one at a time and hold no transaction (see `verify`).
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import json
import os
import threading
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from alliance.core.actor import Actor
from alliance.core.models import AuditEvent

GENESIS = "0" * 64
_ADVISORY_LOCK_ID = 0x41_4C_4C_49  # "ALLI"


def _digest(row: dict) -> str:
    payload = json.dumps(row, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return hashlib.sha256(payload.encode()).hexdigest()


def _content(event: AuditEvent) -> dict:
    return {
        "seq": event.seq,
        "at": event.at.isoformat(),
        "user_id": event.user_id,
        "organisation_id": event.organisation_id,
        "address": event.address,
        "channel": event.channel,
        "realm_id": event.realm_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "fields": list(event.fields),
        "reason": event.reason,
        "prev_hash": event.prev_hash,
    }


def record(
    *,
    actor: Actor | None,
    action: str,
    object_type: str = "",
    object_id: object = "",
    fields: Iterable[str] = (),
    reason: str = "",
    user_id: int | None = None,
    address: str | None = None,
    repeat_window: float = 0,
) -> AuditEvent | None:
    """Append one event. Joins the caller's transaction, so a rolled-back write leaves no audit row. Inside
    `deferred()` the event is kept and appended with the others when the block ends.

    `repeat_window` (seconds) is for reads of exercise data by a page that refreshes itself (a console
    every 2 s, the evaluation board): the same read by the same person of the same object, repeated within
    the window, is recorded once per server process (None is returned for the repeats). Never for live
    personal data: there every read is its own event."""
    if action not in AuditEvent.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
    repeat_key = None
    if repeat_window > 0:
        repeat_key = (actor.user_id if actor else user_id, actor.realm_id if actor else None, action,
                      object_type, str(object_id), tuple(sorted(set(fields))), reason)
        if _recently_recorded(repeat_key, repeat_window):
            return None
    event = AuditEvent(
        at=timezone.now(),
        user_id=actor.user_id if actor else user_id,
        organisation_id=actor.organisation_id if actor else None,
        address=(actor.address if actor else address) or "",
        channel=actor.channel if actor else "web",
        realm_id=(actor.realm_id or None) if actor else None,
        action=action,
        object_type=object_type,
        object_id=str(object_id) if object_id != "" else "",
        fields=sorted(set(fields)),
        reason=reason,
    )
    pending = _pending.get()
    if pending is not None:
        pending.append(event)
    else:
        _append([event])
    if repeat_key is not None:
        # Only once the row is really kept: a read inside a transaction that rolls back is not a repeat.
        transaction.on_commit(functools.partial(_remember, repeat_key))
    return event


# The window the pages that refresh themselves use: one event per person, object and process per 5 minutes.
REFRESHED_READ_WINDOW = 300.0
_REPEATS_KEPT = 10_000
_repeats: dict[tuple, float] = {}
_repeats_lock = threading.Lock()


def _clock() -> float:
    import time

    return time.monotonic()


def _recently_recorded(key: tuple, window: float) -> bool:
    with _repeats_lock:
        at = _repeats.get(key)
    return at is not None and _clock() - at < window


def _remember(key: tuple) -> None:
    with _repeats_lock:
        if len(_repeats) >= _REPEATS_KEPT:
            _repeats.clear()  # a burst of distinct reads: forget, and the next of each is recorded again
        _repeats[key] = _clock()


_pending: ContextVar[list[AuditEvent] | None] = ContextVar("audit_pending", default=None)


@contextlib.contextmanager
def deferred():
    """Collect the events of one page and append them together when it is done (also when it fails): one
    lock and one read of the chain's head instead of one per event. A case page reads its parts through
    several selectors, each of which records what it showed; each event is still its own row."""
    token = _pending.set([])
    try:
        yield
    finally:
        events = _pending.get()
        _pending.reset(token)
        if events:
            _append(events)


def _append(events: list[AuditEvent]) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_ADVISORY_LOCK_ID])
        cursor.execute(_LAST_SQL)
        last = cursor.fetchone()
        seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
        for event in events:
            event.seq, event.prev_hash = seq, prev_hash
            event.hash = _digest(_content(event))
            # Every read of personal data appends a row, so this is plain SQL: the ORM's query building
            # cost more than the write itself (bench/audit_overhead.py).
            cursor.execute(_insert_sql(), [field.get_db_prep_save(getattr(event, field.attname), connection)
                                           for field in _insert_fields()])
            event.pk = cursor.fetchone()[0]
            event._state.adding = False
            seq, prev_hash = seq + 1, event.hash


_LAST_SQL = f"SELECT seq, hash FROM {AuditEvent._meta.db_table} ORDER BY seq DESC LIMIT 1"  # noqa: S608


def _insert_fields():
    return [f for f in AuditEvent._meta.concrete_fields if not f.primary_key]


@functools.cache
def _insert_sql() -> str:
    columns = ", ".join(connection.ops.quote_name(f.column) for f in _insert_fields())
    placeholders = ", ".join(["%s"] * len(_insert_fields()))
    return (f"INSERT INTO {AuditEvent._meta.db_table} ({columns}) VALUES ({placeholders}) "  # noqa: S608
            "RETURNING id")


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    checked: int
    head_seq: int | None
    head_hash: str | None
    first_bad_seq: int | None = None
    problem: str = ""


_CHUNK = 5000
_VERIFY_LOCK_ID = 0x41_4C_4C_56  # "ALLV": one verification at a time, beside the append lock


def _chunks(head_seq: int) -> Iterator[list[AuditEvent]]:
    """The chain up to `head_seq`, in chunks each read whole by its own statement. No read stays open while
    the caller works on a chunk: a job writes its progress then, and on SQLite a connection that writes
    while its read is open must upgrade a snapshot that is stale as soon as anyone else wrote, which fails
    at once with "database is locked" (busy_timeout does not apply)."""
    after = 0
    while after < head_seq:
        chunk = list(AuditEvent.objects.filter(seq__gt=after, seq__lte=head_seq).order_by("seq")[:_CHUNK])
        if not chunk:
            return
        yield chunk
        after = chunk[-1].seq


class _Flight:
    def __init__(self):
        self.done = threading.Event()
        self.result: VerifyResult | None = None


_flights: dict[tuple, _Flight] = {}
_flights_lock = threading.Lock()


def verify(*, progress=None, anchor_file: Path | None = None, on_wait=None) -> VerifyResult:
    """Recompute the chain; name the first row that is edited, missing, inserted or out of order.

    One verification runs at a time. In this process a call made while another is running waits for it and
    returns its result; other processes wait their turn (a PostgreSQL advisory lock, or a file lock in the
    var directory for SQLite) and `on_wait` is called before they block. No transaction is opened."""
    anchor_file = Path(anchor_file or settings.ALLIANCE_AUDIT_ANCHOR_FILE)
    db = connection.settings_dict
    key = (connection.vendor, db.get("HOST"), db.get("PORT"), str(db.get("NAME")), str(anchor_file))
    while True:
        with _flights_lock:
            flight = _flights.get(key)
            leading = flight is None
            if leading:
                flight = _flights[key] = _Flight()
        if leading:
            break
        if on_wait is not None:
            on_wait()
        flight.done.wait()
        if flight.result is not None:
            if progress is not None:
                progress(flight.result.checked)
            return flight.result
        # The one we waited for failed (its error went to its caller): run our own.
    try:
        with _one_verification(on_wait):
            flight.result = _verify(progress, anchor_file)
        return flight.result
    finally:
        with _flights_lock:
            del _flights[key]
        flight.done.set()


@contextlib.contextmanager
def _one_verification(on_wait):
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [_VERIFY_LOCK_ID])
            if not cursor.fetchone()[0]:
                if on_wait is not None:
                    on_wait()
                cursor.execute("SELECT pg_advisory_lock(%s)", [_VERIFY_LOCK_ID])
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [_VERIFY_LOCK_ID])
        return
    path = Path(settings.VAR_DIR) / "audit-verify.lock"
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if on_wait is not None:
                on_wait()
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _verify(progress, anchor_file: Path) -> VerifyResult:
    prev_hash, expected_seq, checked, last = GENESIS, 1, 0, None
    # Rows appended while this runs are left for the next verification: the result is the chain as it was.
    head = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
    for chunk in _chunks(head):
        for event in chunk:
            if event.seq != expected_seq:
                return VerifyResult(False, checked, expected_seq - 1, prev_hash, expected_seq,
                                    f"row {expected_seq} is missing (next row is {event.seq})")
            if event.prev_hash != prev_hash:
                return VerifyResult(False, checked, event.seq - 1, prev_hash, event.seq,
                                    f"row {event.seq} does not follow row {event.seq - 1} (inserted or reordered)")
            if _digest(_content(event)) != event.hash:
                return VerifyResult(False, checked, event.seq - 1, prev_hash, event.seq,
                                    f"row {event.seq} was changed after it was written")
            prev_hash, expected_seq, last = event.hash, event.seq + 1, event
            checked += 1
            if progress is not None:
                progress(1)
    head_seq = last.seq if last else None
    anchored = _check_anchors(anchor_file, head_seq)
    if anchored:
        return VerifyResult(False, checked, head_seq, prev_hash, anchored[0], anchored[1])
    return VerifyResult(True, checked, head_seq, prev_hash if last else None)


def _check_anchors(path: Path, head_seq: int | None) -> tuple[int, str] | None:
    """Every anchored (seq, hash) must still be in the chain; a shorter chain means a cut tail."""
    if not path.exists():
        return None
    for line in path.read_text().splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        _at, seq_text, anchored_hash = parts
        seq = int(seq_text)
        if head_seq is None or seq > head_seq:
            return seq, f"the chain ends at row {head_seq or 0} but row {seq} was anchored (tail removed)"
        stored = AuditEvent.objects.filter(seq=seq).values_list("hash", flat=True).first()
        if stored != anchored_hash:
            return seq, f"row {seq} no longer has the hash anchored for it"
    return None


def anchor(*, anchor_file: Path | None = None) -> tuple[int, str] | None:
    """Append the head (seq, hash) to an append-only file outside the database."""
    head = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
    if head is None:
        return None
    path = Path(anchor_file or settings.ALLIANCE_AUDIT_ANCHOR_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    with os.fdopen(fd, "a") as handle:
        handle.write(f"{timezone.now().strftime('%Y-%m-%dT%H:%M:%SZ')} {head[0]} {head[1]}\n")
        handle.flush()
        os.fsync(handle.fileno())
    return head
