"""The tamper-evident audit chain: append, verify, anchor.

Each row's hash covers its content and the previous row's hash. Appends are serialised (a transaction
advisory lock on PostgreSQL; SQLite's IMMEDIATE transactions already serialise writers) so concurrent
requests cannot fork the chain. The head hash is anchored outside the database so that cutting off the
tail of the chain shows.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
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
) -> AuditEvent:
    """Append one event. Joins the caller's transaction, so a rolled-back write leaves no audit row. Inside
    `deferred()` the event is kept and appended with the others when the block ends."""
    if action not in AuditEvent.Action.values:
        raise ValueError(f"unknown audit action {action!r}")
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
    return event


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


def _events() -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("seq").iterator(chunk_size=5000)


def verify(*, progress=None, anchor_file: Path | None = None) -> VerifyResult:
    """Recompute the chain; name the first row that is edited, missing, inserted or out of order."""
    prev_hash, expected_seq, checked, last = GENESIS, 1, 0, None
    for event in _events():
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
    anchored = _check_anchors(anchor_file or settings.ALLIANCE_AUDIT_ANCHOR_FILE, head_seq)
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
