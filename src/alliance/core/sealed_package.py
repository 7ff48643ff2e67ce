"""Sealed packages for transnational referral: signed by the sending organisation, encrypted for the receiver.

Pure module (no Django, no database) so that it can be reviewed, fuzzed and reused on its own; the
importer and exporter around it own storage, consent, audit and replay protection. Format, threat
model and key management: docs/transnational-packages.md.

Nothing here is a home-made cipher. Encryption is the `cryptography` library's HPKE (RFC 9180, base
mode, DHKEM(X25519, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM): ephemeral X25519 ECDH, HKDF and
AES-256-GCM, as a hand-wired design would use, but standardised and covered by published test vectors,
so we do not join ECDH, HKDF and GCM together ourselves. Signatures are Ed25519.

Encrypt-then-sign, with the header inside both:
- The Ed25519 signature covers every byte before it (framing, header, HPKE ciphertext). The recipient
  therefore verifies who sent the package before it touches the ciphertext with its private key, a
  package cannot be re-addressed (the recipient id and key fingerprint are signed), and nothing in
  the container can change without the signature failing.
- The classic weakness of encrypt-then-sign is signature stripping: a third party (even another
  trusted organisation) removes the signature, puts its own name in the header and signs again, to
  pass the content off as its own. That fails here because a hash of the header, sender included, is
  HPKE's `info`, which enters the key schedule: a changed header derives another key, and decryption
  fails. Re-encrypting under a new header needs the plaintext, which only the true recipient has.
- Sign-then-encrypt was rejected: the recipient would have to decrypt data from an unauthenticated
  party before learning who sent it, and a recipient could forward the signed inner message to
  someone else as though the sender had addressed it to them (surreptitious forwarding).

Container (all integers big-endian), chosen binary rather than JSON so that there is exactly one
encoding of a package: a reformatted JSON envelope or non-canonical base64 would be a different byte
string carrying the same content, and an importer that deduplicates on bytes would be fooled.

    magic              8 bytes   89 41 53 50 0d 0a 1a 0a   ("\\x89ASP\\r\\n\\x1a\\n", PNG-style)
    format version     2 bytes   1
    header length      4 bytes   at most MAX_HEADER_SIZE
    header             canonical JSON, ASCII (see _Header)
    ciphertext length  8 bytes
    ciphertext         HPKE: enc (32 bytes) || AES-256-GCM ciphertext and tag (payload length + 16)
    signature          64 bytes  Ed25519 over SIGNATURE_CONTEXT || every preceding byte
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import struct
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.exceptions import InvalidSignature, InvalidTag, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hpke, serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519

FORMAT_VERSION = 1
MAGIC = b"\x89ASP\r\n\x1a\n"
SUITE = "HPKE-Base(X25519,HKDF-SHA256,AES-256-GCM)+Ed25519"
SIGNATURE_CONTEXT = b"alliance/sealed-package/v1/signature\x00"
HPKE_INFO_CONTEXT = b"alliance-package-v1\x00"  # with the hash, 52 bytes: within the 64 RFC 9180 guarantees
FINGERPRINT_CONTEXT = b"alliance/organisation-identity/v1\x00"
IDENTITY_CARD_FORMAT = "alliance-identity-card/1"

DEFAULT_MAX_PACKAGE_SIZE = 50 * 1024 * 1024
MAX_HEADER_SIZE = 64 * 1024
MAX_METADATA_DEPTH = 8
CLOCK_SKEW = timedelta(minutes=5)
MIN_PASSPHRASE_LENGTH = 16

_HPKE = hpke.Suite(hpke.KEM.X25519, hpke.KDF.HKDF_SHA256, hpke.AEAD.AES_256_GCM)
_ENC_LENGTH = 32
_TAG_LENGTH = 16
_SIGNATURE_LENGTH = 64
_PREFIX = struct.Struct(">8sHI")
_CT_LENGTH = struct.Struct(">Q")
_MIN_PACKAGE = _PREFIX.size + _CT_LENGTH.size + _ENC_LENGTH + _TAG_LENGTH + _SIGNATURE_LENGTH

# Identifiers are shown to people and written into audit entries: printable ASCII only, so that no
# control character, bidi override or look-alike letter can make one organisation pass for another.
_ORG_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9:._-]{0,127}\Z")
_HEX32 = re.compile(r"[0-9a-f]{32}\Z")
_HEX64 = re.compile(r"[0-9a-f]{64}\Z")
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z\Z")
_PEM_BLOCK = re.compile(rb"-----BEGIN ([A-Z ]{1,40})-----\r?\n.*?-----END \1-----", re.S)
_MAX_JSON_INT = 2**53 - 1  # beyond this, JavaScript and many JSON libraries lose precision

MALFORMED = "malformed"
UNSUPPORTED_VERSION = "unsupported_version"
TOO_LARGE = "too_large"
MISADDRESSED = "misaddressed"
UNKNOWN_SENDER = "unknown_sender"
BAD_SIGNATURE = "bad_signature"
DECRYPTION_FAILED = "decryption_failed"
EXPIRED = "expired"
REASONS = frozenset(
    {MALFORMED, UNSUPPORTED_VERSION, TOO_LARGE, MISADDRESSED, UNKNOWN_SENDER, BAD_SIGNATURE, DECRYPTION_FAILED,
     EXPIRED}
)


class PackageRefused(Exception):
    """A package that must not be imported. `reason_code` is for code and audit, `message` for people.

    Messages are built only from validated header fields (identifiers, fingerprints, times, sizes), never
    from the payload or the metadata, so they are safe to log and to show.
    """

    def __init__(self, reason_code: str, message: str):
        if reason_code not in REASONS:
            raise ValueError(f"unknown refusal reason {reason_code!r}")
        super().__init__(f"{reason_code}: {message}")
        self.reason_code = reason_code
        self.message = message


class InvalidKeyFile(ValueError):
    """A private-key file that cannot be loaded (wrong passphrase, wrong kind of key, damaged)."""


def _check_org_id(value: object, what: str) -> str:
    if not isinstance(value, str) or not _ORG_ID.match(value):
        raise ValueError(f"{what} must be 1-128 characters of A-Z, a-z, 0-9 and ':._-', "
                         "starting with a letter or a digit")
    return value


def format_fingerprint(fingerprint: str | bytes) -> str:
    """Groups of four upper-case hex digits, eight to a line: easier to read aloud over the phone."""
    hex_digits = fingerprint.hex() if isinstance(fingerprint, bytes) else fingerprint
    groups = [hex_digits[i : i + 4].upper() for i in range(0, len(hex_digits), 4)]
    return "\n".join(" ".join(groups[i : i + 8]) for i in range(0, len(groups), 8))


@dataclass(frozen=True)
class PublicIdentity:
    """An organisation's "identity card": what another installation needs to trust and address it.

    Held as raw key bytes so that equality and hashing are by value. The fingerprint covers both keys
    and is what people compare out of band; the organisation id is deliberately outside it, because the
    id is a claim that the out-of-band check confirms, not part of the key material.
    """

    organisation_id: str
    signing_key: bytes  # Ed25519 public key, 32 bytes
    encryption_key: bytes  # X25519 public key, 32 bytes

    def __post_init__(self) -> None:
        _check_org_id(self.organisation_id, "organisation id")
        for name in ("signing_key", "encryption_key"):
            value = getattr(self, name)
            if not isinstance(value, bytes) or len(value) != 32:
                raise ValueError(f"{name} must be 32 raw bytes")
        # A low-order X25519 point gives a shared secret that does not depend on the ephemeral key; the
        # library refuses it at encryption time, but an identity card should be refused when imported.
        try:
            x25519.X25519PrivateKey.generate().exchange(self.encryption_public_key())
        except ValueError:
            raise ValueError("encryption_key is not a usable X25519 public key") from None

    def signing_public_key(self) -> ed25519.Ed25519PublicKey:
        return ed25519.Ed25519PublicKey.from_public_bytes(self.signing_key)

    def encryption_public_key(self) -> x25519.X25519PublicKey:
        return x25519.X25519PublicKey.from_public_bytes(self.encryption_key)

    @property
    def fingerprint(self) -> bytes:
        return hashlib.sha256(FINGERPRINT_CONTEXT + self.signing_key + self.encryption_key).digest()

    @property
    def fingerprint_hex(self) -> str:
        return self.fingerprint.hex()

    @property
    def fingerprint_display(self) -> str:
        return format_fingerprint(self.fingerprint)

    def to_json(self) -> bytes:
        card = {
            "format": IDENTITY_CARD_FORMAT,
            "organisation_id": self.organisation_id,
            "signing_key": base64.b64encode(self.signing_key).decode(),
            "encryption_key": base64.b64encode(self.encryption_key).decode(),
            "fingerprint": self.fingerprint_hex,
        }
        return json.dumps(card, indent=2, sort_keys=True).encode() + b"\n"

    @classmethod
    def from_json(cls, data: bytes | str, *, expected_fingerprint: str | None = None) -> PublicIdentity:
        """Load a card. Pass the fingerprint read out of band: a card is only as good as that check."""
        try:
            card = json.loads(data)
            if not isinstance(card, dict) or set(card) != {
                "format", "organisation_id", "signing_key", "encryption_key", "fingerprint"
            }:
                raise ValueError
            if card["format"] != IDENTITY_CARD_FORMAT:
                raise ValueError
            identity = cls(
                organisation_id=card["organisation_id"],
                signing_key=base64.b64decode(card["signing_key"], validate=True),
                encryption_key=base64.b64decode(card["encryption_key"], validate=True),
            )
        except (ValueError, TypeError, UnicodeDecodeError):
            raise ValueError("not a valid identity card") from None
        if card["fingerprint"] != identity.fingerprint_hex:
            raise ValueError("identity card fingerprint does not match its keys (damaged or tampered card)")
        if expected_fingerprint is not None:
            wanted = re.sub(r"\s+", "", expected_fingerprint).lower()
            if wanted != identity.fingerprint_hex:
                raise ValueError("identity card fingerprint differs from the one verified out of band")
        return identity


@dataclass(frozen=True, repr=False)
class OrganisationKeys:
    """One organisation's private keys: Ed25519 to sign what it sends, X25519 to receive.

    Two keys rather than one converted key, because using one secret for both signing and key agreement
    couples the two protocols' security; they are generated, stored and rotated together.
    """

    signing: ed25519.Ed25519PrivateKey
    encryption: x25519.X25519PrivateKey

    def __post_init__(self) -> None:
        if not isinstance(self.signing, ed25519.Ed25519PrivateKey):
            raise TypeError("signing must be an Ed25519 private key")
        if not isinstance(self.encryption, x25519.X25519PrivateKey):
            raise TypeError("encryption must be an X25519 private key")

    def __repr__(self) -> str:
        # Never let a stray log line or traceback carry anything but the public fingerprint.
        return f"OrganisationKeys(fingerprint={self._public_raw()[2].hex()[:16]}...)"

    @classmethod
    def generate(cls) -> OrganisationKeys:
        return cls(signing=ed25519.Ed25519PrivateKey.generate(), encryption=x25519.X25519PrivateKey.generate())

    def _public_raw(self) -> tuple[bytes, bytes, bytes]:
        raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
        signing = self.signing.public_key().public_bytes(*raw)
        encryption = self.encryption.public_key().public_bytes(*raw)
        return signing, encryption, hashlib.sha256(FINGERPRINT_CONTEXT + signing + encryption).digest()

    def public_identity(self, organisation_id: str) -> PublicIdentity:
        signing, encryption, _ = self._public_raw()
        return PublicIdentity(organisation_id=organisation_id, signing_key=signing, encryption_key=encryption)

    @property
    def fingerprint_hex(self) -> str:
        return self._public_raw()[2].hex()

    def to_raw(self) -> bytes:
        """64 bytes: Ed25519 seed then X25519 scalar. Unprotected: for a secret store or an env variable."""
        raw = serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
        return self.signing.private_bytes(*raw) + self.encryption.private_bytes(*raw)

    @classmethod
    def from_raw(cls, data: bytes) -> OrganisationKeys:
        if not isinstance(data, bytes) or len(data) != 64:
            raise InvalidKeyFile("raw organisation keys are exactly 64 bytes")
        return cls(
            signing=ed25519.Ed25519PrivateKey.from_private_bytes(data[:32]),
            encryption=x25519.X25519PrivateKey.from_private_bytes(data[32:]),
        )

    def to_pem(self, passphrase: bytes | str | None = None) -> bytes:
        """Two PKCS#8 PEM blocks (signing, then encryption), encrypted when a passphrase is given.

        With `cryptography` 50, BestAvailableEncryption for PKCS#8 is PBES2 with PBKDF2-HMAC-SHA256 at
        only 2,048 iterations and AES-256-CBC, and the iteration count cannot be raised for PKCS#8. The
        passphrase itself must therefore carry the strength: generate it (secrets.token_urlsafe(24)) and
        keep it in the secret store. The minimum length only stops the worst choices.
        """
        if passphrase is None:
            protection: serialization.KeySerializationEncryption = serialization.NoEncryption()
        else:
            secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
            if len(secret) < MIN_PASSPHRASE_LENGTH:
                raise ValueError(f"passphrase must be at least {MIN_PASSPHRASE_LENGTH} characters; generate one")
            protection = serialization.BestAvailableEncryption(secret)
        pem, pkcs8 = serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8
        return self.signing.private_bytes(pem, pkcs8, protection) + self.encryption.private_bytes(
            pem, pkcs8, protection
        )

    @classmethod
    def from_pem(cls, data: bytes, passphrase: bytes | str | None = None) -> OrganisationKeys:
        secret = passphrase.encode() if isinstance(passphrase, str) else passphrase
        blocks = [match.group(0) for match in _PEM_BLOCK.finditer(data)]
        if len(blocks) != 2:
            raise InvalidKeyFile("an organisation key file holds exactly two PEM private keys")
        signing = encryption = None
        for block in blocks:
            try:
                key = serialization.load_pem_private_key(block, password=secret)
            except TypeError:
                # The library's wording ("Password was not given but private key is encrypted") is clear
                # enough, but it must not depend on which of the two blocks failed.
                raise InvalidKeyFile(
                    "passphrase required" if secret is None else "key file is not passphrase-protected"
                ) from None
            except (ValueError, UnsupportedAlgorithm):
                raise InvalidKeyFile("cannot load private key: wrong passphrase or damaged file") from None
            if isinstance(key, ed25519.Ed25519PrivateKey) and signing is None:
                signing = key
            elif isinstance(key, x25519.X25519PrivateKey) and encryption is None:
                encryption = key
            else:
                raise InvalidKeyFile("an organisation key file holds one Ed25519 and one X25519 private key")
        if signing is None or encryption is None:
            raise InvalidKeyFile("an organisation key file holds one Ed25519 and one X25519 private key")
        return cls(signing=signing, encryption=encryption)


@dataclass(frozen=True)
class OpenedPackage:
    sender_id: str
    recipient_id: str
    metadata: dict[str, Any]
    payload: bytes = field(repr=False)
    created_at: datetime
    package_id: str
    sender_fingerprint: str


@dataclass(frozen=True)
class _Header:
    version: int
    package_id: str
    created_at: datetime
    sender_id: str
    sender_fingerprint: str
    recipient_id: str
    recipient_fingerprint: str
    payload_length: int
    metadata: dict[str, Any]

    _KEYS = frozenset({
        "version", "suite", "package_id", "created_at", "sender", "sender_fingerprint", "recipient",
        "recipient_fingerprint", "payload_length", "metadata",
    })

    def encode(self) -> bytes:
        return _canonical_json({
            "version": self.version,
            "suite": SUITE,
            "package_id": self.package_id,
            "created_at": self.created_at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "sender": self.sender_id,
            "sender_fingerprint": self.sender_fingerprint,
            "recipient": self.recipient_id,
            "recipient_fingerprint": self.recipient_fingerprint,
            "payload_length": self.payload_length,
            "metadata": self.metadata,
        })

    @classmethod
    def decode(cls, raw: bytes) -> _Header:
        def refuse(detail: str) -> PackageRefused:
            return PackageRefused(MALFORMED, f"package header is invalid: {detail}")

        try:
            text = raw.decode("ascii")
            value = json.loads(text, parse_float=_no_float, parse_constant=_no_float)
        except (UnicodeDecodeError, ValueError, RecursionError):
            raise refuse("not canonical JSON") from None
        if not isinstance(value, dict) or set(value) != cls._KEYS:
            raise refuse("unexpected or missing fields")
        # The signature would catch any change, but preview shows the header before (or without)
        # verification: accepting exactly one spelling leaves no room for parser differentials such as
        # duplicate keys.
        try:
            canonical = _canonical_json(value)
        except (ValueError, RecursionError):
            raise refuse("not canonical JSON") from None
        if canonical != raw:
            raise refuse("not canonical JSON")
        if type(value["version"]) is not int or value["version"] != FORMAT_VERSION:
            raise PackageRefused(UNSUPPORTED_VERSION, "package header declares an unsupported format version")
        if value["suite"] != SUITE:
            raise PackageRefused(UNSUPPORTED_VERSION, "package uses an unsupported cipher suite")
        if not isinstance(value["package_id"], str) or not _HEX32.match(value["package_id"]):
            raise refuse("package id")
        if not isinstance(value["created_at"], str) or not _TIMESTAMP.match(value["created_at"]):
            raise refuse("creation time")
        try:
            created_at = datetime.strptime(value["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        except ValueError:
            raise refuse("creation time") from None
        for key in ("sender", "recipient"):
            try:
                _check_org_id(value[key], key)
            except ValueError:
                raise refuse(f"{key} id") from None
        for key in ("sender_fingerprint", "recipient_fingerprint"):
            if not isinstance(value[key], str) or not _HEX64.match(value[key]):
                raise refuse(key.replace("_", " "))
        length = value["payload_length"]
        if type(length) is not int or not 0 <= length <= _MAX_JSON_INT:
            raise refuse("payload length")
        if not isinstance(value["metadata"], dict):
            raise refuse("metadata")
        try:
            _check_metadata(value["metadata"])
        except ValueError:
            raise refuse("metadata") from None
        return cls(
            version=value["version"], package_id=value["package_id"], created_at=created_at,
            sender_id=value["sender"], sender_fingerprint=value["sender_fingerprint"],
            recipient_id=value["recipient"], recipient_fingerprint=value["recipient_fingerprint"],
            payload_length=length, metadata=value["metadata"],
        )


def _no_float(token: str) -> Any:
    raise ValueError("floats are not allowed")


def _canonical_json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False).encode()


def _check_metadata(value: Any, depth: int = 0) -> None:
    """JSON without floats (their text form differs between languages), bounded in nesting and integer size.

    `depth` counts the containers around `value`: the metadata object itself is the first of at most
    MAX_METADATA_DEPTH.
    """
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if not -_MAX_JSON_INT <= value <= _MAX_JSON_INT:
            raise ValueError("metadata integers must lie within ±(2**53 - 1)")
        return
    if isinstance(value, str):
        value.encode("utf-8")  # lone surrogates cannot be stored or shown
        return
    if not isinstance(value, list | tuple | dict):
        raise ValueError(f"metadata values must be str, int, bool, None, list or dict, not {type(value).__name__}")
    if depth >= MAX_METADATA_DEPTH:
        raise ValueError(f"metadata nested deeper than {MAX_METADATA_DEPTH} levels")
    if isinstance(value, dict):
        for key, item in value.items():
            if not isinstance(key, str):
                raise ValueError("metadata keys must be strings")
            key.encode("utf-8")
            _check_metadata(item, depth + 1)
    else:
        for item in value:
            _check_metadata(item, depth + 1)


def _utc(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        # A naive time would be read as the server's local time: wrong by hours between two countries.
        raise ValueError("now must be timezone-aware")
    return now.astimezone(UTC)


def _hpke_info(header: bytes) -> bytes:
    # A hash keeps `info` short for any other RFC 9180 implementation, which need only accept 64 bytes.
    return HPKE_INFO_CONTEXT + hashlib.sha256(header).digest()


def seal(
    *,
    payload: bytes,
    sender_keys: OrganisationKeys,
    sender_id: str,
    recipient: PublicIdentity,
    metadata: Mapping[str, Any] | None = None,
    max_size: int = DEFAULT_MAX_PACKAGE_SIZE,
    now: datetime | None = None,
) -> bytes:
    """Encrypt `payload` for `recipient` and sign it as `sender_id`.

    `metadata` travels in clear (the recipient sees it in preview before accepting): keep it to field
    names, counts and categories, never names or anything that identifies the person.
    """
    if not isinstance(payload, bytes | bytearray | memoryview):
        raise TypeError("payload must be bytes")
    payload = memoryview(payload).cast("B")  # so that len() counts bytes whatever the buffer's item size
    if not isinstance(sender_keys, OrganisationKeys):
        raise TypeError("sender_keys must be OrganisationKeys")
    _check_org_id(sender_id, "sender id")
    if not isinstance(recipient, PublicIdentity):
        raise TypeError("recipient must be a PublicIdentity")
    metadata_dict = dict(metadata or {})
    _check_metadata(metadata_dict)
    # Round-trip through JSON so tuples become lists: the sender's view of the metadata equals the reader's.
    metadata_dict = json.loads(_canonical_json(metadata_dict))
    created = _utc(now).replace(microsecond=0)
    header = _Header(
        version=FORMAT_VERSION,
        package_id=secrets.token_hex(16),
        created_at=created,
        sender_id=sender_id,
        sender_fingerprint=sender_keys.fingerprint_hex,
        recipient_id=recipient.organisation_id,
        recipient_fingerprint=recipient.fingerprint_hex,
        payload_length=len(payload),
        metadata=metadata_dict,
    ).encode()
    if len(header) > MAX_HEADER_SIZE:
        raise ValueError(f"metadata too large: the header may be at most {MAX_HEADER_SIZE} bytes")
    total = _MIN_PACKAGE + len(header) + len(payload)
    if total > max_size:
        raise ValueError(f"package would be {total} bytes, over the limit of {max_size}")
    ciphertext = _HPKE.encrypt(payload, recipient.encryption_public_key(), info=_hpke_info(header))
    signed = b"".join((
        _PREFIX.pack(MAGIC, FORMAT_VERSION, len(header)), header, _CT_LENGTH.pack(len(ciphertext)), ciphertext
    ))
    return signed + sender_keys.signing.sign(SIGNATURE_CONTEXT + signed)


@dataclass(frozen=True)
class _Parsed:
    header: _Header
    header_bytes: bytes
    signed: memoryview
    ciphertext: memoryview
    signature: bytes


def _parse(package: bytes, max_size: int) -> _Parsed:
    if not isinstance(package, bytes | bytearray | memoryview):
        raise TypeError("package must be bytes")
    data = memoryview(package).cast("B")
    size = len(data)
    if size > max_size:
        raise PackageRefused(TOO_LARGE, f"package is {size} bytes, over the limit of {max_size}")
    if size < _PREFIX.size or bytes(data[:8]) != MAGIC:
        raise PackageRefused(MALFORMED, "not a sealed package (it does not start with the package marker)")
    _, version, header_length = _PREFIX.unpack_from(data)
    if version != FORMAT_VERSION:
        raise PackageRefused(
            UNSUPPORTED_VERSION, f"package format version {version} is not supported (this installation reads "
            f"version {FORMAT_VERSION})"
        )
    if size < _MIN_PACKAGE:
        raise PackageRefused(MALFORMED, "package is truncated")
    if header_length > MAX_HEADER_SIZE:
        raise PackageRefused(MALFORMED, f"package header longer than {MAX_HEADER_SIZE} bytes")
    # Every length is checked against the bytes actually present before anything is sliced, so a forged
    # length can neither make us allocate nor read past the end.
    ct_length_at = _PREFIX.size + header_length
    if ct_length_at + _CT_LENGTH.size > size:
        raise PackageRefused(MALFORMED, "package is truncated")
    (ct_length,) = _CT_LENGTH.unpack_from(data, ct_length_at)
    ct_at = ct_length_at + _CT_LENGTH.size
    if ct_at + ct_length + _SIGNATURE_LENGTH != size:
        raise PackageRefused(MALFORMED, "package length does not match its contents (truncated or padded)")
    header_bytes = bytes(data[_PREFIX.size : ct_length_at])
    header = _Header.decode(header_bytes)
    if ct_length != _ENC_LENGTH + header.payload_length + _TAG_LENGTH:
        raise PackageRefused(MALFORMED, "ciphertext length does not match the declared payload length")
    return _Parsed(
        header=header,
        header_bytes=header_bytes,
        signed=data[: ct_at + ct_length],
        ciphertext=data[ct_at : ct_at + ct_length],
        signature=bytes(data[ct_at + ct_length :]),
    )


TrustedSenders = Mapping[str, PublicIdentity | Collection[PublicIdentity]]


def _verify(parsed: _Parsed, trusted_senders: TrustedSenders) -> None:
    header = parsed.header
    entry = trusted_senders.get(header.sender_id)
    if entry is None:
        raise PackageRefused(
            UNKNOWN_SENDER, f"the package says it comes from {header.sender_id}, which is not a trusted partner "
            "here; add its identity card (after checking the fingerprint out of band) to accept it"
        )
    # Several cards per sender let a partner's key rotation overlap with packages already on their way.
    candidates = [entry] if isinstance(entry, PublicIdentity) else list(entry)
    for identity in candidates:
        if not isinstance(identity, PublicIdentity) or identity.organisation_id != header.sender_id:
            raise ValueError(f"trusted_senders[{header.sender_id!r}] must hold that organisation's identity cards")
    matching = [identity for identity in candidates if identity.fingerprint_hex == header.sender_fingerprint]
    if not matching:
        raise PackageRefused(
            BAD_SIGNATURE, f"the package claims to come from {header.sender_id} but names a signing key "
            f"({header.sender_fingerprint[:16]}...) that is not the one on file for it; either someone else "
            "signed it, or the partner has new keys whose fingerprint must be checked out of band"
        )
    try:
        matching[0].signing_public_key().verify(parsed.signature, SIGNATURE_CONTEXT + parsed.signed)
    except InvalidSignature:
        raise PackageRefused(
            BAD_SIGNATURE, f"the signature of {header.sender_id} does not match: the package was altered after "
            "signing, or was not signed by that organisation"
        ) from None


def _preview_dict(header: _Header, *, verified: bool) -> dict[str, Any]:
    return {
        "format_version": header.version,
        "package_id": header.package_id,
        "created_at": header.created_at,
        "sender_id": header.sender_id,
        "sender_fingerprint": header.sender_fingerprint,
        "recipient_id": header.recipient_id,
        "recipient_fingerprint": header.recipient_fingerprint,
        "payload_length": header.payload_length,
        "metadata": header.metadata,
        "verified": verified,
    }


def preview(
    package: bytes, *, trusted_senders: TrustedSenders | None = None, max_size: int = DEFAULT_MAX_PACKAGE_SIZE
) -> dict[str, Any]:
    """The header, for the "preview before accepting" screen, without decrypting anything.

    Without `trusted_senders` the result has `verified: False`: every field is only what the file
    claims, and the screen must say so. With it, the signature is checked (PackageRefused otherwise)
    and `verified` is True. Addressing is not checked here (no recipient keys): `open_package` does.
    """
    parsed = _parse(package, max_size)
    if trusted_senders is None:
        return _preview_dict(parsed.header, verified=False)
    _verify(parsed, trusted_senders)
    return _preview_dict(parsed.header, verified=True)


def open_package(
    *,
    package: bytes,
    recipient_keys: OrganisationKeys | Iterable[OrganisationKeys],
    recipient_id: str,
    trusted_senders: TrustedSenders,
    max_age: timedelta | None = None,
    max_size: int = DEFAULT_MAX_PACKAGE_SIZE,
    now: datetime | None = None,
) -> OpenedPackage:
    """Verify and decrypt. Refuses with PackageRefused; returns the payload only when every check passed.

    `recipient_keys` may list old keys too, so that packages sealed before a rotation still open. The
    caller must refuse a `package_id` it has already imported: replay protection needs storage.
    Order of checks: structure, addressing (cheap and the most useful answer for a package that is not
    ours), sender and signature, age (only meaningful once the timestamp is authenticated), decryption.
    """
    _check_org_id(recipient_id, "recipient id")
    keys = [recipient_keys] if isinstance(recipient_keys, OrganisationKeys) else list(recipient_keys)
    if not keys or not all(isinstance(key, OrganisationKeys) for key in keys):
        raise TypeError("recipient_keys must be OrganisationKeys or a non-empty list of them")
    parsed = _parse(package, max_size)
    header = parsed.header
    if header.recipient_id != recipient_id:
        raise PackageRefused(
            MISADDRESSED, f"the package is addressed to {header.recipient_id}, not to {recipient_id}"
        )
    own = next((key for key in keys if key.fingerprint_hex == header.recipient_fingerprint), None)
    if own is None:
        raise PackageRefused(
            MISADDRESSED, f"the package was encrypted for key {header.recipient_fingerprint[:16]}..., which is "
            f"not a key of {recipient_id}: the sender used another or an outdated identity card"
        )
    _verify(parsed, trusted_senders)
    if max_age is not None:
        current = _utc(now)
        if header.created_at > current + CLOCK_SKEW:
            raise PackageRefused(
                EXPIRED, f"the package is dated {header.created_at:%Y-%m-%d %H:%M} UTC, in the future; check "
                "the clocks of both installations"
            )
        if current - header.created_at > max_age:
            raise PackageRefused(
                EXPIRED, f"the package was sealed on {header.created_at:%Y-%m-%d %H:%M} UTC, longer ago than "
                f"the accepted {max_age}; ask the sender for a new one"
            )
    try:
        payload = _HPKE.decrypt(parsed.ciphertext, own.encryption, info=_hpke_info(parsed.header_bytes))
    except InvalidTag:
        raise PackageRefused(
            DECRYPTION_FAILED, "the package is correctly signed but cannot be decrypted with our key; its "
            "header does not belong to this ciphertext (re-signed by another party) or the sender's software "
            "is faulty"
        ) from None
    return OpenedPackage(
        sender_id=header.sender_id,
        recipient_id=header.recipient_id,
        metadata=header.metadata,
        payload=payload,
        created_at=header.created_at,
        package_id=header.package_id,
        sender_fingerprint=header.sender_fingerprint,
    )
