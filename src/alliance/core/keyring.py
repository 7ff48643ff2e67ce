"""Key ring for field encryption and blind indexes, kept outside the database.

Source, in order: ALLIANCE_KEYRING (the JSON itself, for container secrets) or the file
<ALLIANCE_KEY_DIR>/keyring.json (mode 0600, created on first use). Layout:
{"field": {"active": "f1", "keys": {"f1": "<base64 32 bytes>"}},
 "blind": {"active": "b1", "keys": {"b1": "<base64 32 bytes>"}}}
Old field keys stay in the ring so older ciphertexts still decrypt until `alliance keys rotate` has
re-encrypted them; then `alliance keys retire` can drop them.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import stat
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings


def write_private_file(path: Path, content: str) -> None:
    """Create a file readable by its owner only; fail rather than overwrite. Also config/secrets.py's, for the
    Django secret key: it lives here because core imports nothing above it."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(content)


class KeyRingError(RuntimeError):
    pass


@dataclass(frozen=True)
class KeySet:
    active: str
    keys: dict[str, bytes]

    def key(self, key_id: str) -> bytes:
        try:
            return self.keys[key_id]
        except KeyError:
            raise KeyRingError(f"key {key_id!r} is not in the key ring") from None


@dataclass(frozen=True)
class KeyRing:
    field: KeySet
    blind: KeySet

    def to_json(self) -> str:
        def encode(keyset: KeySet) -> dict:
            return {
                "active": keyset.active,
                "keys": {k: base64.b64encode(v).decode() for k, v in keyset.keys.items()},
            }

        return json.dumps({"field": encode(self.field), "blind": encode(self.blind)}, indent=2)


def _decode(data: dict) -> KeyRing:
    try:
        sets = {}
        for name in ("field", "blind"):
            part = data[name]
            keys = {k: base64.b64decode(v) for k, v in part["keys"].items()}
            if any(len(v) != 32 for v in keys.values()):
                raise KeyRingError(f"every {name} key must be 32 bytes")
            if part["active"] not in keys:
                raise KeyRingError(f"the active {name} key is not in the ring")
            sets[name] = KeySet(active=part["active"], keys=keys)
        return KeyRing(**sets)
    except (KeyError, TypeError, ValueError) as exc:
        raise KeyRingError(f"malformed key ring: {exc.__class__.__name__}") from None


def new_key() -> bytes:
    return secrets.token_bytes(32)


def keyring_path() -> Path:
    return Path(settings.KEY_DIR) / "keyring.json"


_lock = threading.Lock()
_cached: KeyRing | None = None


def load_keyring() -> KeyRing:
    global _cached
    if _cached is not None:
        return _cached
    with _lock:
        if _cached is None:
            _cached = _read_or_create()
    return _cached


def reset_cache() -> None:
    global _cached
    _cached = None


def _read_or_create() -> KeyRing:
    raw = os.environ.get("ALLIANCE_KEYRING")
    if raw:
        return _decode(json.loads(raw))
    path = keyring_path()
    if not path.exists():
        ring = KeyRing(field=KeySet("f1", {"f1": new_key()}), blind=KeySet("b1", {"b1": new_key()}))
        try:
            write_private_file(path, ring.to_json())
        except FileExistsError:
            pass
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyRingError(f"{path} must be readable by its owner only (chmod 600), not {oct(mode)}")
    return _decode(json.loads(path.read_text()))


def save_keyring(ring: KeyRing) -> None:
    """Replace the key-ring file atomically, keeping mode 0600."""
    if os.environ.get("ALLIANCE_KEYRING"):
        raise KeyRingError("the key ring comes from ALLIANCE_KEYRING; update that secret instead")
    path = keyring_path()
    tmp = path.with_suffix(".tmp")
    tmp.unlink(missing_ok=True)
    write_private_file(tmp, ring.to_json())
    os.replace(tmp, path)
    reset_cache()
