"""Field-level encryption (AES-256-GCM from `cryptography`, key ids in every value) and blind indexes.

Why not django-fernet-encrypted-fields: it derives its keys from SECRET_KEY (so rotating the session
secret would strand victims' data) and returns the ciphertext unchanged when decryption fails, hiding
corruption. Here a value that cannot be decrypted raises, and keys are independent of SECRET_KEY.
The cipher is the library's AES-GCM; we only frame it: "a1:<key id>:<base64(nonce|ciphertext|tag)>",
with the column's name as associated data so a value copied into another column fails to decrypt.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import hmac
import json
import os
import re
import unicodedata

from anyascii import anyascii
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.db import models

from alliance.core.keyring import KeyRingError, load_keyring, reset_cache

PREFIX = "a1"


class DecryptionError(RuntimeError):
    pass


@functools.lru_cache(maxsize=64)
def _cipher(key: bytes) -> AESGCM:
    # Building the cipher object cost as much as the encryption itself (bench/encryption.py).
    return AESGCM(key)


def encrypt_text(plaintext: str, *, context: str) -> str:
    ring = load_keyring()
    key_id = ring.field.active
    nonce = os.urandom(12)
    sealed = _cipher(ring.field.key(key_id)).encrypt(nonce, plaintext.encode("utf-8"), context.encode())
    return f"{PREFIX}:{key_id}:{base64.urlsafe_b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1]


def decrypt_text(token: str, *, context: str) -> str:
    try:
        prefix, key_id, body = token.split(":", 2)
        if prefix != PREFIX:
            raise ValueError
        raw = base64.urlsafe_b64decode(body)
    except ValueError:
        raise DecryptionError(f"{context}: value is not in the encrypted format") from None
    try:
        key = load_keyring().field.key(key_id)
    except KeyRingError:
        # Another process may have rotated the keys since this one loaded the ring: read it again once.
        reset_cache()
        key = load_keyring().field.key(key_id)
    try:
        return _cipher(key).decrypt(raw[:12], raw[12:], context.encode()).decode("utf-8")
    except InvalidTag:
        raise DecryptionError(f"{context}: value fails authentication (tampered or wrong key)") from None


def row_context(label: str, field: str, pk: object) -> str:
    """The associated data of a file bound to one row, so content copied onto another row fails to decrypt.
    Key rotation rebuilds it from the same three parts (EncryptedBinaryField.context_for)."""
    return f"{label}.{field}:{pk}"


def encrypt_bytes(plaintext: bytes, *, context: str) -> bytes:
    """Files: the same cipher, key ring and key-id framing as text, without the base64 (a document may be
    megabytes): b"a1:<key id>:" then nonce | ciphertext | tag. The context binds the value to one row."""
    ring = load_keyring()
    key_id = ring.field.active
    nonce = os.urandom(12)
    sealed = _cipher(ring.field.key(key_id)).encrypt(nonce, bytes(plaintext), context.encode())
    return f"{PREFIX}:{key_id}:".encode() + nonce + sealed


def decrypt_bytes(token: bytes, *, context: str) -> bytes:
    token = bytes(token)  # PostgreSQL hands back a memoryview
    try:
        prefix, key_id, raw = token.split(b":", 2)
        if prefix.decode() != PREFIX or len(raw) < 28:
            raise ValueError
        key_id = key_id.decode("ascii")
    except ValueError:  # UnicodeDecodeError included
        raise DecryptionError(f"{context}: value is not in the encrypted format") from None
    try:
        key = load_keyring().field.key(key_id)
    except KeyRingError:
        reset_cache()
        key = load_keyring().field.key(key_id)
    try:
        return _cipher(key).decrypt(raw[:12], raw[12:], context.encode())
    except InvalidTag:
        raise DecryptionError(f"{context}: value fails authentication (tampered or wrong key)") from None


class EncryptedTextField(models.TextField):
    """Text stored encrypted. Only `isnull` lookups make sense; search goes through a BlindIndexField."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        super().__init__(*args, **kwargs)

    @property
    def context(self) -> str:
        return f"{self.model._meta.label}.{self.name}"

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return None
        return encrypt_text(str(value), context=self.context)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return decrypt_text(value, context=self.context)

    def get_lookup(self, lookup_name):
        if lookup_name != "isnull":
            return None  # Django then raises FieldError: searching ciphertext is never meaningful
        return super().get_lookup(lookup_name)


class EncryptedJSONField(EncryptedTextField):
    """A JSON document stored encrypted as one value (HTCDS details: many optional, rarely filtered fields).
    Validation belongs to the service that writes it; here only the encoding."""

    def get_prep_value(self, value):
        if value is None or value == {} or value == []:
            return None
        text = json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return encrypt_text(text, context=self.context)

    def from_db_value(self, value, expression, connection):
        if value is None:
            return None
        return json.loads(decrypt_text(value, context=self.context))

    def to_python(self, value):
        return json.loads(value) if isinstance(value, str) else value


class EncryptedBinaryField(models.BinaryField):
    """Bytes stored as encrypt_bytes values bound to their row (row_context). The owning service encrypts and
    decrypts them, because the context holds the row's id, which an insert does not know yet; this type is
    how key rotation and `alliance keys status` find the column."""

    def context_for(self, pk: object) -> str:
        return row_context(self.model._meta.label, self.name, pk)

    def deconstruct(self):
        # In the database it is the BinaryField it was: no migration, and no rebuild of a table of files on
        # SQLite, which alters a column whose field class changed by copying the whole table.
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.BinaryField", args, kwargs


_SPACES = re.compile(r"\s+")
_NOT_WORD = re.compile(r"[^0-9a-z ]")


def normalise_name(value: str) -> str:
    """Same key for the same name in Latin, Cyrillic or Arabic script, any case, order or spacing."""
    text = unicodedata.normalize("NFKC", value)
    text = anyascii(text).casefold()
    text = _NOT_WORD.sub(" ", text)
    return " ".join(sorted(_SPACES.split(text.strip()))) if text.strip() else ""


def normalise_document_number(value: str) -> str:
    return re.sub(r"[^0-9A-Z]", "", anyascii(unicodedata.normalize("NFKC", value)).upper())


# "key": a value its owner has already normalised and prefixed with its kind ("phone:+77011234567"), as the
# investigation entities' keys are (investigations/domain/keys.py): one index column for many kinds.
NORMALISERS = {"name": normalise_name, "document": normalise_document_number, "key": str.strip}


def _blind(key_id: str, key: bytes, kind: str, normalised: str) -> str:
    digest = hmac.new(key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()
    # The key id prefix lets a re-index after a blind-key rotation run while searches keep working.
    return f"{key_id}:{digest[:40]}"


def blind_index(value: str | None, *, kind: str) -> str | None:
    """The index to store: under the active blind key."""
    normalised = NORMALISERS[kind](value) if value else ""
    if not normalised:
        return None
    ring = load_keyring()
    return _blind(ring.blind.active, ring.blind.key(ring.blind.active), kind, normalised)


def blind_index_candidates(value: str | None, *, kind: str) -> list[str]:
    """The indexes to search for: under every blind key in the ring, so rows not yet re-indexed after a
    blind-key rotation are still found."""
    normalised = NORMALISERS[kind](value) if value else ""
    if not normalised:
        return []
    ring = load_keyring()
    return [_blind(key_id, key, kind, normalised) for key_id, key in ring.blind.keys.items()]


class BlindIndexField(models.CharField):
    """Keyed HMAC of a normalised source value, filled on save: exact search without decrypting."""

    def __init__(self, *args, source: str = "", kind: str = "name", **kwargs):
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 48)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("editable", False)
        # Indexed through Meta.indexes of the model, not db_index: on PostgreSQL db_index on a CharField adds
        # a second, pattern-matching index that an HMAC never needs but every write would maintain.
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        return name, path, args, kwargs

    def pre_save(self, model_instance, add):
        sources = [getattr(model_instance, s) or "" for s in self.source.split("+")]
        value = blind_index(" ".join(s for s in sources if s), kind=self.kind)
        setattr(model_instance, self.attname, value)
        return value


def encrypted_fields_of(model) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]


def content_digest(content: str) -> str:
    """A keyed digest of a whole record, to recognise the same record sent twice. Keyed (the blind key)
    because the record holds encrypted parts: a plain SHA-256 beside the ciphertext would let anyone with a
    copy of the database confirm a guess about them."""
    ring = load_keyring()
    return _blind(ring.blind.active, ring.blind.key(ring.blind.active), "content", content)


def content_digest_matches(stored: str, content: str) -> bool:
    """Whether `stored` is the digest of `content` under any blind key still in the ring."""
    ring = load_keyring()
    return any(hmac.compare_digest(stored, _blind(key_id, key, "content", content))
               for key_id, key in ring.blind.keys.items())

