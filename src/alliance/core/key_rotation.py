"""Rotating and retiring the field-encryption and blind-index keys; counting which key each value uses.

Values are read as raw column text (never through the ORM) to decide what needs work, so a resumed
rotation skips what is done without decrypting it, and status counts never decrypt anything.
Each batch runs in its own transaction and locks its rows (SELECT ... FOR UPDATE on PostgreSQL;
SQLite's IMMEDIATE transactions take the write lock at BEGIN), so a row the server changes meanwhile
is never overwritten with the plaintext read before the change.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from django.apps import apps
from django.db import connection, models, transaction

from alliance.core import audit
from alliance.core.actor import system_actor
from alliance.core.encryption import (
    PREFIX,
    BlindIndexField,
    DecryptionError,
    EncryptedBinaryField,
    EncryptedTextField,
    decrypt_bytes,
    encrypt_bytes,
    key_id_of,
)
from alliance.core.keyring import KeyRing, KeyRingError, KeySet, load_keyring, new_key, save_keyring

Progress = Callable[[int], None]
UNREADABLE = "?"  # a value not in the "a1:<key id>:..." format: counted, never guessed at


class KeysInUse(RuntimeError):
    """Retiring would strand values still encrypted or indexed under an old key."""

    def __init__(self, in_use: dict[str, int]):
        self.in_use = in_use
        listed = ", ".join(f"{kid} ({count} values)" for kid, count in sorted(in_use.items()))
        super().__init__(f"keys still in use: {listed}; run `alliance keys rotate --resume` first")


@dataclass(frozen=True)
class RotationResult:
    key_id: str
    previous_key_id: str
    rewritten: int
    scanned: int


# --- Which columns hold what --------------------------------------------------------------------------
def _concrete_models() -> Iterator[type[models.Model]]:
    for model in apps.get_models():
        if not model._meta.proxy and model._meta.managed:
            yield model


def _columns_of(kind: type[models.Field]) -> list[tuple[type[models.Model], list[models.Field]]]:
    # local_concrete_fields: with multi-table inheritance the parent's table is visited once, as the parent.
    found = []
    for model in _concrete_models():
        fields = [f for f in model._meta.local_concrete_fields if isinstance(f, kind)]
        if fields:
            found.append((model, fields))
    return found


def encrypted_columns() -> list[tuple[type[models.Model], list[models.Field]]]:
    """Text columns holding encrypt_text values (EncryptedJSONField included: it is one)."""
    return _columns_of(EncryptedTextField)


def encrypted_blob_columns() -> list[tuple[type[models.Model], list[models.Field]]]:
    """Binary columns holding encrypt_bytes values (uploaded files), each bound to its row."""
    return _columns_of(EncryptedBinaryField)


BLOB_BATCH = 10  # a file may be megabytes: few rows per transaction


def blind_index_columns() -> list[tuple[type[models.Model], list[models.Field]]]:
    return _columns_of(BlindIndexField)


def field_key_of(raw: str) -> str:
    if not raw.startswith(f"{PREFIX}:") or raw.count(":") < 2:
        return UNREADABLE
    return key_id_of(raw)


def blob_key_of(raw) -> str:
    raw = bytes(raw)  # PostgreSQL hands back a memoryview
    if not raw.startswith(f"{PREFIX}:".encode()) or raw.count(b":") < 2:
        return UNREADABLE
    return raw.split(b":", 2)[1].decode("ascii", "replace")


def blind_key_of(raw: str) -> str:
    return raw.split(":", 1)[0] if ":" in raw else UNREADABLE


def _batches(
    model: type[models.Model],
    fields: list[models.Field],
    *,
    batch_size: int,
    work: Callable[[list[tuple]], int],
) -> Iterator[tuple[int, int]]:
    """Read (pk, raw values...) in pk order and hand each batch to `work` inside its own transaction.

    Yields (rows scanned, rows rewritten) after each commit, never while a transaction is open, so a
    caller that stops early (an interruption, a failing progress callback) leaves no transaction behind.
    """
    qn = connection.ops.quote_name
    table, pk = qn(model._meta.db_table), qn(model._meta.pk.column)
    columns = ", ".join(qn(f.column) for f in fields)
    lock = " FOR UPDATE" if connection.features.has_select_for_update else ""
    # Identifiers come from model metadata, values are parameters: nothing user-supplied is interpolated.
    first = f"SELECT {pk}, {columns} FROM {table} ORDER BY {pk} LIMIT %s{lock}"  # noqa: S608
    after = f"SELECT {pk}, {columns} FROM {table} WHERE {pk} > %s ORDER BY {pk} LIMIT %s{lock}"  # noqa: S608
    last = None
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            if last is None:
                cursor.execute(first, [batch_size])
            else:
                cursor.execute(after, [last, batch_size])
            rows = cursor.fetchall()
            rewritten = work(rows) if rows else 0
        if not rows:
            return
        last = rows[-1][0]
        yield len(rows), rewritten


def _row_count(columns: list[tuple[type[models.Model], list[models.Field]]]) -> int:
    return sum(model._base_manager.count() for model, _fields in columns)


def field_rotation_total() -> int:
    """Rows a field-key rotation scans, for a progress bar."""
    return _row_count(encrypted_columns()) + _row_count(encrypted_blob_columns())


def blind_rotation_total() -> int:
    return _row_count(blind_index_columns())


# --- Status ---------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class KeyUsage:
    field: Counter
    blind: Counter


def _count(columns, key_of: Callable[[str], str]) -> Counter:
    counts: Counter = Counter()
    qn = connection.ops.quote_name
    for model, fields in columns:
        table = qn(model._meta.db_table)
        for field in fields:
            column = qn(field.column)
            # The first characters hold the key id; reading only those keeps ciphertext off the wire.
            sql = f"SELECT SUBSTR({column}, 1, 40) FROM {table} WHERE {column} IS NOT NULL"  # noqa: S608
            with connection.cursor() as cursor:
                cursor.execute(sql)
                while chunk := cursor.fetchmany(5000):
                    counts.update(key_of(raw) for (raw,) in chunk)
    return counts


def key_usage() -> KeyUsage:
    """How many stored values use each key id (field keys and blind keys), without decrypting."""
    field = _count(encrypted_columns(), field_key_of) + _count(encrypted_blob_columns(), blob_key_of)
    return KeyUsage(field=field, blind=_count(blind_index_columns(), blind_key_of))


def missing_keys(usage: KeyUsage | None = None) -> dict[str, int]:
    """Key ids that stored values use but the ring lacks: those values cannot be read or searched."""
    usage = usage or key_usage()
    ring = load_keyring()
    missing = {k: n for k, n in usage.field.items() if k not in ring.field.keys}
    missing.update({k: n for k, n in usage.blind.items() if k not in ring.blind.keys})
    return missing


# --- Rotation -------------------------------------------------------------------------------------------
def _next_id(keyset: KeySet, letter: str) -> str:
    numbers = [int(k[1:]) for k in keyset.keys if k.startswith(letter) and k[1:].isdigit()]
    return f"{letter}{max(numbers, default=0) + 1}"


def _add_active_key(*, blind: bool) -> tuple[str, str]:
    ring = load_keyring()
    keyset = ring.blind if blind else ring.field
    key_id = _next_id(keyset, "b" if blind else "f")
    updated = KeySet(active=key_id, keys={**keyset.keys, key_id: new_key()})
    # Saved before any value is rewritten: an interruption then leaves values under keys the ring holds.
    save_keyring(replace(ring, blind=updated) if blind else replace(ring, field=updated))
    return key_id, keyset.active


def _record(*, object_type: str, key_id: str, fields: list[str], reason: str) -> None:
    # The installation acts (user None), through the console; realm 0 is recorded as no realm.
    actor = system_actor(realm_id=0, channel="cli")
    audit.record(actor=actor, action="key_rotation", object_type=object_type, object_id=key_id, fields=fields,
                 reason=reason)


def _labels(columns) -> list[str]:
    return [f"{model._meta.label}.{f.name}" for model, fields in columns for f in fields]


def _rotate(*, blind: bool, columns, work_for, what: str, progress: Progress | None, batch_size: int,
            resume: bool) -> RotationResult:
    """The shared walk of both rotations: take (or keep) the active key, rework every row in locked batches,
    audit the start and the end."""
    object_type = "blind_key" if blind else "field_key"
    if resume:
        ring = load_keyring()
        key_id = previous = (ring.blind if blind else ring.field).active
    else:
        key_id, previous = _add_active_key(blind=blind)
        _record(object_type=object_type, key_id=key_id, fields=_labels(columns),
                reason=f"activated, replacing {previous}; {what} started")
    rewritten = scanned = 0
    for model, fields in columns:
        work = work_for(model, fields, key_id)
        size = batch_size if isinstance(fields[0], (EncryptedTextField, BlindIndexField)) else min(batch_size,
                                                                                                   BLOB_BATCH)
        for batch_rows, batch_rewritten in _batches(model, fields, batch_size=size, work=work):
            rewritten += batch_rewritten
            scanned += batch_rows
            if progress is not None:
                progress(batch_rows)
    _record(object_type=object_type, key_id=key_id, fields=_labels(columns),
            reason=f"{what} finished: {rewritten} rows rewritten of {scanned}")
    return RotationResult(key_id=key_id, previous_key_id=previous, rewritten=rewritten, scanned=scanned)


def field_keys_rotate(
    *, progress: Progress | None = None, batch_size: int = 500, resume: bool = False
) -> RotationResult:
    """Make a new field key active and re-encrypt every encrypted value with it.

    With resume=True no key is added: values not yet under the active key are re-encrypted (after an
    interruption, or for values a server process wrote with the old key before it was restarted).
    """

    def work_for(model, fields, key_id):
        if not isinstance(fields[0], EncryptedTextField):
            return _blob_work(model, fields[0], key_id)

        def reencrypt(rows: list[tuple]) -> int:
            stale = [row for row in rows if any(v is not None and field_key_of(v) != key_id for v in row[1:])]
            if stale:
                # bulk_update encrypts again through get_prep_value, with the active key.
                model._base_manager.bulk_update([_with_plaintexts(model, fields, row) for row in stale],
                                                [f.name for f in fields])
            return len(stale)

        return reencrypt

    return _rotate(blind=False, columns=encrypted_columns() + encrypted_blob_columns(), work_for=work_for,
                   what="re-encryption", progress=progress, batch_size=batch_size, resume=resume)


def _blob_work(model: type[models.Model], field: models.Field, key_id: str) -> Callable[[list[tuple]], int]:
    def reencrypt(rows: list[tuple]) -> int:
        stale = [(pk, raw) for pk, raw in rows if raw is not None and blob_key_of(raw) != key_id]
        for pk, raw in stale:
            context = field.context_for(pk)
            try:
                plaintext = decrypt_bytes(raw, context=context)
            except (DecryptionError, KeyRingError) as exc:
                raise KeyRingError(f"{model._meta.label}.{field.name}, row {pk}: {exc}") from None
            model._base_manager.filter(pk=pk).update(**{field.name: encrypt_bytes(plaintext, context=context)})
        return len(stale)

    return reencrypt


def _with_plaintexts(model: type[models.Model], fields: list[models.Field], row: tuple) -> models.Model:
    pk, *raw_values = row
    obj = model(pk=pk)
    for field, raw in zip(fields, raw_values, strict=True):
        try:
            # The field's own decoding (a JSON field's document, not its text), so that saving it again
            # through the field encodes it once.
            plaintext = None if raw is None else field.from_db_value(raw, None, connection)
        except (DecryptionError, KeyRingError, ValueError) as exc:  # ValueError: a JSON field's text is not JSON
            # Name the row (its id, never its value) so the operator can find it; nothing is rewritten.
            raise KeyRingError(f"{field.context}, row {pk}: {exc}") from None
        setattr(obj, field.attname, plaintext)
    return obj


def blind_keys_rotate(
    *, progress: Progress | None = None, batch_size: int = 500, resume: bool = False
) -> RotationResult:
    """Make a new blind-index key active and recompute every blind index from its (decrypted) source."""

    def work_for(model, fields, key_id):
        def reindex(rows: list[tuple]) -> int:
            stale = [row[0] for row in rows
                     if any(v is not None and blind_key_of(v) != key_id for v in row[1:])]
            if stale:
                sources = {name for f in fields for name in f.source.split("+")}
                objs = list(model._base_manager.filter(pk__in=stale).only(*sources))
                for obj in objs:
                    for field in fields:
                        field.pre_save(obj, False)  # recomputes from the decrypted sources, active key
                model._base_manager.bulk_update(objs, [f.name for f in fields])
            return len(stale)

        return reindex

    return _rotate(blind=True, columns=blind_index_columns(), work_for=work_for, what="re-indexing",
                   progress=progress, batch_size=batch_size, resume=resume)


# --- Retirement -----------------------------------------------------------------------------------------
def _retire(*, blind: bool) -> list[str]:
    ring: KeyRing = load_keyring()
    keyset = ring.blind if blind else ring.field
    usage = key_usage()
    counts = usage.blind if blind else usage.field
    old = [k for k in keyset.keys if k != keyset.active]
    in_use = {k: counts[k] for k in old if counts[k]}
    if in_use:
        raise KeysInUse(in_use)
    if not old:
        return []
    kept = KeySet(active=keyset.active, keys={keyset.active: keyset.keys[keyset.active]})
    save_keyring(replace(ring, blind=kept) if blind else replace(ring, field=kept))
    _record(object_type="blind_key" if blind else "field_key", key_id=keyset.active, fields=[],
            reason=f"retired {', '.join(sorted(old))}")
    return sorted(old)


def field_keys_retire() -> list[str]:
    """Drop every field key but the active one; refuse while any value still uses an old key."""
    return _retire(blind=False)


def blind_keys_retire() -> list[str]:
    return _retire(blind=True)
