"""Sealed packages for transnational referral: round trip, every refusal reason, hostile input, keys.

The helpers below re-implement the container layout from the module docstring on purpose, so that a
change to the format that the documentation does not follow breaks these tests.
"""

from __future__ import annotations

import array
import functools
import hashlib
import json
import struct
from datetime import UTC, datetime, timedelta

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, x25519
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from alliance.core import sealed_package as sp
from alliance.core.sealed_package import (
    InvalidKeyFile,
    OrganisationKeys,
    PackageRefused,
    PublicIdentity,
    open_package,
    preview,
    seal,
)

SENDER = "XD:safe-harbour"
RECIPIENT = "XL:harbour-north"
OTHER = "XC:open-door"
SECRET = b"Name: Maria Example; passport XD1234567; health: pregnant"
METADATA = {"fields": ["age_band", "nationality", "support_needs"], "case_ref": "T-2031", "consent": True}
NOW = datetime(2025, 3, 14, 9, 26, 53, tzinfo=UTC)


@functools.cache
def keys(name: str) -> OrganisationKeys:
    # Cached, not fixtures: Hypothesis tests must not depend on function-scoped fixtures.
    return OrganisationKeys.generate()


def card(name: str) -> PublicIdentity:
    return keys(name).public_identity(name)


def trusted(*names: str) -> dict[str, PublicIdentity]:
    return {name: card(name) for name in names}


def sealed(payload: bytes = SECRET, *, sender: str = SENDER, recipient: str = RECIPIENT, **kwargs) -> bytes:
    kwargs.setdefault("metadata", METADATA)
    kwargs.setdefault("now", NOW)
    return seal(payload=payload, sender_keys=keys(sender), sender_id=sender, recipient=card(recipient), **kwargs)


def open_as(package: bytes, recipient: str = RECIPIENT, **kwargs):
    kwargs.setdefault("trusted_senders", trusted(SENDER))
    return open_package(package=package, recipient_keys=keys(recipient), recipient_id=recipient, **kwargs)


def refused(reason: str, call, *args, **kwargs) -> PackageRefused:
    with pytest.raises(PackageRefused) as caught:
        call(*args, **kwargs)
    error = caught.value
    assert error.reason_code == reason, error
    text = str(error)
    for secret in (SECRET.decode(), "Maria", "T-2031", "support_needs"):
        assert secret not in text
    return error


@functools.cache
def valid_package() -> bytes:
    return sealed()


# The documented layout, rebuilt independently of the module.

def split(package: bytes) -> tuple[int, bytes, bytes, bytes]:
    magic, version, header_length = struct.unpack_from(">8sHI", package)
    assert magic == b"\x89ASP\r\n\x1a\n"
    header = package[14 : 14 + header_length]
    (ct_length,) = struct.unpack_from(">Q", package, 14 + header_length)
    ciphertext = package[22 + header_length : 22 + header_length + ct_length]
    signature = package[22 + header_length + ct_length :]
    assert len(signature) == 64
    return version, header, ciphertext, signature


def assemble(header: bytes, ciphertext: bytes, signature: bytes | None = None, *, version: int = 1,
             signer: OrganisationKeys | None = None) -> bytes:
    body = (b"\x89ASP\r\n\x1a\n" + struct.pack(">HI", version, len(header)) + header
            + struct.pack(">Q", len(ciphertext)) + ciphertext)
    if signer is not None:
        signature = signer.signing.sign(b"alliance/sealed-package/v1/signature\x00" + body)
    assert signature is not None
    return body + signature


def edit_header(package: bytes, change, *, signer: OrganisationKeys | None = None) -> bytes:
    """Change the header as JSON, keep the old signature unless a signer is given."""
    _, header, ciphertext, signature = split(package)
    value = json.loads(header)
    change(value)
    new_header = json.dumps(value, sort_keys=True, separators=(",", ":")).encode()
    return assemble(new_header, ciphertext, signature, signer=signer)


# Round trip

def test_round_trip_returns_payload_and_authenticated_header():
    package = valid_package()
    opened = open_as(package)
    assert opened.payload == SECRET
    assert opened.sender_id == SENDER
    assert opened.recipient_id == RECIPIENT
    assert opened.metadata == METADATA
    assert opened.created_at == NOW
    assert opened.sender_fingerprint == card(SENDER).fingerprint_hex
    assert len(opened.package_id) == 32 and int(opened.package_id, 16) >= 0
    assert SECRET not in package and b"Maria" not in package
    assert "Maria" not in repr(opened)  # the payload stays out of reprs and therefore out of tracebacks


def test_each_seal_has_a_fresh_id_and_ciphertext():
    first, second = sealed(), sealed()
    assert open_as(first).package_id != open_as(second).package_id
    assert split(first)[2] != split(second)[2]


def test_empty_and_binary_payloads_round_trip():
    assert open_as(sealed(b"")).payload == b""
    blob = bytes(range(256)) * 40
    assert open_as(sealed(blob, metadata={})).payload == blob


def test_tuple_metadata_reads_back_as_json():
    opened = open_as(sealed(metadata={"fields": ("a", "b"), "count": 2, "note": None}))
    assert opened.metadata == {"fields": ["a", "b"], "count": 2, "note": None}


def test_rotated_recipient_keys_still_open_packages_sealed_to_the_old_card():
    old, new = OrganisationKeys.generate(), OrganisationKeys.generate()
    package = seal(payload=SECRET, sender_keys=keys(SENDER), sender_id=SENDER,
                   recipient=old.public_identity(RECIPIENT), metadata={})
    opened = open_package(package=package, recipient_keys=[new, old], recipient_id=RECIPIENT,
                          trusted_senders=trusted(SENDER))
    assert opened.payload == SECRET
    refused(sp.MISADDRESSED, open_package, package=package, recipient_keys=[new], recipient_id=RECIPIENT,
            trusted_senders=trusted(SENDER))


def test_rotated_sender_keys_verify_while_both_cards_are_trusted():
    old, new = OrganisationKeys.generate(), OrganisationKeys.generate()
    both = {SENDER: [old.public_identity(SENDER), new.public_identity(SENDER)]}
    for signer in (old, new):
        package = seal(payload=SECRET, sender_keys=signer, sender_id=SENDER, recipient=card(RECIPIENT))
        assert open_as(package, trusted_senders=both).payload == SECRET


# Tampering: each part of the package

def test_tampered_header_is_a_bad_signature():
    def later(header):
        header["created_at"] = "2025-03-15T09:26:53Z"

    def more_fields(header):
        header["metadata"]["fields"].append("address")

    for change in (later, more_fields):
        tampered = edit_header(valid_package(), change)
        refused(sp.BAD_SIGNATURE, open_as, tampered)
        refused(sp.BAD_SIGNATURE, preview, tampered, trusted_senders=trusted(SENDER))


def test_tampered_ciphertext_is_a_bad_signature():
    _, header, ciphertext, signature = split(valid_package())
    for at in (0, 31, 32, len(ciphertext) // 2, len(ciphertext) - 1):  # enc, body and tag
        changed = bytearray(ciphertext)
        changed[at] ^= 0x80
        refused(sp.BAD_SIGNATURE, open_as, assemble(header, bytes(changed), signature))


def test_tampered_signature_is_a_bad_signature():
    package = bytearray(valid_package())
    for at in (-64, -33, -1):
        changed = bytearray(package)
        changed[at] ^= 0x01
        refused(sp.BAD_SIGNATURE, open_as, bytes(changed))


def test_every_single_byte_change_is_refused_with_a_reason_fitting_where_it_is():
    package = valid_package()
    _, header, ciphertext, _ = split(package)
    header_end = 14 + len(header)
    ct_end = header_end + 8 + len(ciphertext)
    for at in range(len(package)):
        changed = bytearray(package)
        changed[at] ^= 0x04
        with pytest.raises(PackageRefused) as caught:
            open_as(bytes(changed))
        reason = caught.value.reason_code
        if at < 8 or 10 <= at < 14 or header_end <= at < header_end + 8:
            assert reason == sp.MALFORMED, at  # magic and lengths
        elif at < 10:
            assert reason == sp.UNSUPPORTED_VERSION, at
        elif at < header_end:
            assert reason in {sp.MALFORMED, sp.UNSUPPORTED_VERSION, sp.MISADDRESSED, sp.UNKNOWN_SENDER,
                              sp.BAD_SIGNATURE}, at
        else:
            assert reason == sp.BAD_SIGNATURE, (at, ct_end)


# Addressing

def test_package_for_another_organisation_is_misaddressed():
    package = sealed(recipient=OTHER)
    error = refused(sp.MISADDRESSED, open_as, package)
    assert OTHER in error.message


def test_opening_under_a_different_recipient_id_is_misaddressed():
    refused(sp.MISADDRESSED, open_package, package=valid_package(), recipient_keys=keys(RECIPIENT),
            recipient_id=OTHER, trusted_senders=trusted(SENDER))


def test_package_sealed_for_another_organisations_key_is_misaddressed():
    # The sender used a wrong identity card: our name, someone else's keys.
    wrong_card = keys(OTHER).public_identity(RECIPIENT)
    package = seal(payload=SECRET, sender_keys=keys(SENDER), sender_id=SENDER, recipient=wrong_card, metadata={})
    error = refused(sp.MISADDRESSED, open_as, package)
    assert "key" in error.message


def test_re_addressing_a_package_breaks_the_signature():
    def to_other(header):
        header["recipient"] = OTHER
        header["recipient_fingerprint"] = card(OTHER).fingerprint_hex

    refused(sp.BAD_SIGNATURE, open_as, edit_header(valid_package(), to_other), OTHER)


# Senders

def test_unknown_sender_is_refused():
    error = refused(sp.UNKNOWN_SENDER, open_as, valid_package(), trusted_senders=trusted(OTHER))
    assert SENDER in error.message
    refused(sp.UNKNOWN_SENDER, preview, valid_package(), trusted_senders={})


def test_impostor_claiming_a_trusted_name_is_a_bad_signature():
    impostor = OrganisationKeys.generate()
    package = seal(payload=b"fake referral", sender_keys=impostor, sender_id=SENDER, recipient=card(RECIPIENT))
    refused(sp.BAD_SIGNATURE, open_as, package)

    # Same, but the impostor also copies the genuine sender's fingerprint into the header.
    def genuine_fingerprint(header):
        header["sender_fingerprint"] = card(SENDER).fingerprint_hex

    refused(sp.BAD_SIGNATURE, open_as, edit_header(package, genuine_fingerprint, signer=impostor))


def test_a_trusted_partner_cannot_re_sign_another_senders_package_as_its_own():
    # Signature stripping, the weakness of encrypt-then-sign: the header is bound into the encryption.
    def claim(header):
        header["sender"] = OTHER
        header["sender_fingerprint"] = card(OTHER).fingerprint_hex

    stolen = edit_header(valid_package(), claim, signer=keys(OTHER))
    both = trusted(SENDER, OTHER)
    assert preview(stolen, trusted_senders=both)["verified"] is True  # the signature itself is genuine
    refused(sp.DECRYPTION_FAILED, open_as, stolen, trusted_senders=both)


def test_trusted_senders_map_must_match_the_cards():
    with pytest.raises(ValueError):
        open_as(valid_package(), trusted_senders={SENDER: card(OTHER)})


# Hostile and broken input

@pytest.mark.parametrize("data", [b"", b"\x89ASP", b"PK\x03\x04" + bytes(200), b"{}", b"\x00" * 500])
def test_non_packages_are_malformed(data):
    refused(sp.MALFORMED, open_as, data)
    refused(sp.MALFORMED, preview, data)


def test_truncated_packages_are_malformed():
    package = valid_package()
    for length in (7, 8, 13, 14, 100, len(package) - 65, len(package) - 64, len(package) - 1):
        refused(sp.MALFORMED, open_as, package[:length])
    refused(sp.MALFORMED, open_as, package + b"\x00")


def test_forged_lengths_neither_allocate_nor_read_past_the_end():
    _, header, ciphertext, signature = split(valid_package())
    huge_header = bytearray(assemble(header, ciphertext, signature))
    huge_header[10:14] = b"\xff\xff\xff\xff"
    refused(sp.MALFORMED, open_as, bytes(huge_header))
    huge_ct = bytearray(assemble(header, ciphertext, signature))
    huge_ct[14 + len(header) : 22 + len(header)] = b"\xff" * 8
    refused(sp.MALFORMED, open_as, bytes(huge_ct))


def test_unknown_format_version_is_refused():
    _, header, ciphertext, signature = split(valid_package())
    refused(sp.UNSUPPORTED_VERSION, open_as, assemble(header, ciphertext, signature, version=2))
    refused(sp.UNSUPPORTED_VERSION, preview, assemble(header, ciphertext, signature, version=0))

    def v2(value):
        value["version"] = 2

    refused(sp.UNSUPPORTED_VERSION, open_as, edit_header(valid_package(), v2, signer=keys(SENDER)))


def test_header_is_parsed_strictly_even_when_genuinely_signed():
    sender = keys(SENDER)
    _, header, ciphertext, _ = split(valid_package())
    value = json.loads(header)
    spaced = json.dumps(value, sort_keys=True).encode()  # same content, other spelling
    duplicate = header[:-1] + b',"sender":"' + OTHER.encode() + b'"}'
    for bad in (spaced, duplicate, b"[]", b"not json", b"\xff\xfe", header.replace(b'"consent":true', b'"x":1.5')):
        refused(sp.MALFORMED, open_as, assemble(bad, ciphertext, signer=sender))

    def extra(v):
        v["comment"] = "hi"

    def bad_id(v):
        v["sender"] = "XD:\u202eevil"

    def bad_time(v):
        v["created_at"] = "2025-02-30T00:00:00Z"

    def wrong_length(v):
        v["payload_length"] += 1

    def negative_length(v):
        v["payload_length"] = -1

    deep = b'{"a":' * 900 + b"1" + b"}" * 900
    for bad in (b"[" * 60000, deep):
        refused(sp.MALFORMED, open_as, assemble(bad, ciphertext, signer=sender))

    for change in (extra, bad_id, bad_time, wrong_length, negative_length):
        refused(sp.MALFORMED, open_as, edit_header(valid_package(), change, signer=sender))


def test_oversize_package_is_refused_before_parsing():
    package = valid_package()
    refused(sp.TOO_LARGE, open_as, package, max_size=len(package) - 1)
    assert open_as(package, max_size=len(package)).payload == SECRET
    refused(sp.TOO_LARGE, open_as, b"\x00" * (sp.DEFAULT_MAX_PACKAGE_SIZE + 1))
    refused(sp.TOO_LARGE, preview, package, max_size=100)


def test_sealing_refuses_what_the_recipient_would_refuse():
    with pytest.raises(ValueError, match="limit"):
        sealed(b"x" * 2000, max_size=1000)
    with pytest.raises(ValueError, match="header"):
        sealed(metadata={"fields": ["f" * 1000] * 100})


@pytest.mark.parametrize("metadata", [
    {"score": 0.5}, {1: "x"}, {"when": NOW}, {"big": 2**60}, {"deep": [[[[[[[[[["x"]]]]]]]]]]}, {"s": "\ud800"},
])
def test_metadata_outside_plain_json_is_refused_at_sealing(metadata):
    with pytest.raises(ValueError):
        sealed(metadata=metadata)


# Freshness

def test_old_package_is_expired_when_a_maximum_age_is_given():
    package = valid_package()
    assert open_as(package, max_age=timedelta(days=7), now=NOW + timedelta(days=6)).payload == SECRET
    error = refused(sp.EXPIRED, open_as, package, max_age=timedelta(days=7), now=NOW + timedelta(days=8))
    assert "2025-03-14" in error.message
    assert open_as(package, now=NOW + timedelta(days=800)).payload == SECRET  # no max_age, no check


def test_package_dated_in_the_future_is_refused_beyond_clock_skew():
    package = valid_package()
    assert open_as(package, max_age=timedelta(days=1), now=NOW - timedelta(minutes=4)).payload == SECRET
    refused(sp.EXPIRED, open_as, package, max_age=timedelta(days=1), now=NOW - timedelta(hours=1))


# Preview

def test_preview_needs_no_keys_and_says_unverified():
    header = preview(valid_package())
    assert header["verified"] is False
    assert header["sender_id"] == SENDER
    assert header["recipient_id"] == RECIPIENT
    assert header["created_at"] == NOW
    assert header["metadata"] == METADATA
    assert header["payload_length"] == len(SECRET)
    assert header["recipient_fingerprint"] == card(RECIPIENT).fingerprint_hex
    assert "payload" not in header
    assert SECRET.decode() not in repr(header)


def test_preview_with_trusted_senders_verifies_the_signature():
    assert preview(valid_package(), trusted_senders=trusted(SENDER))["verified"] is True
    _, header, ciphertext, _ = split(valid_package())
    forged = assemble(header, ciphertext, bytes(64))
    assert preview(forged)["verified"] is False  # what the screen must flag
    refused(sp.BAD_SIGNATURE, preview, forged, trusted_senders=trusted(SENDER))


# Property tests

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def attempt(data: bytes) -> None:
    """Open and preview; anything but PackageRefused fails, and so does a payload from altered bytes."""
    original = valid_package()
    try:
        opened = open_as(data)
    except PackageRefused:
        pass
    else:
        assert data == original
        assert opened.payload == SECRET
    for trusted_map in (None, trusted(SENDER)):
        try:
            result = preview(data, trusted_senders=trusted_map)
        except PackageRefused:
            continue
        assert "payload" not in result
        if result["verified"]:
            assert data == original


@SETTINGS
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_are_refused(data):
    attempt(data)


@SETTINGS
@given(st.binary(max_size=2048))
def test_arbitrary_bytes_behind_a_valid_prefix_are_refused(tail):
    attempt(b"\x89ASP\r\n\x1a\n\x00\x01" + tail)


@st.composite
def mutated_packages(draw) -> bytes:
    data = bytearray(valid_package())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        kind = draw(st.sampled_from(["xor", "set", "insert", "delete", "truncate", "append", "splice"]))
        at = draw(st.integers(min_value=0, max_value=max(len(data) - 1, 0)))
        if kind == "xor" and data:
            data[at] ^= draw(st.integers(min_value=1, max_value=255))
        elif kind == "set" and data:
            data[at] = draw(st.integers(min_value=0, max_value=255))
        elif kind == "insert":
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
        elif kind == "delete":
            del data[at : at + draw(st.integers(min_value=1, max_value=64))]
        elif kind == "truncate":
            del data[at:]
        elif kind == "append":
            data += draw(st.binary(min_size=1, max_size=16))
        elif kind == "splice":
            # Pieces of a second genuine package: right structure, wrong content.
            other = sealed(b"another case", metadata={"fields": ["age_band"]})
            start = draw(st.integers(min_value=0, max_value=len(other) - 1))
            piece = other[start : start + draw(st.integers(min_value=1, max_value=200))]
            data[at : at + len(piece)] = piece
    return bytes(data)


@SETTINGS
@given(mutated_packages())
def test_mutations_of_a_valid_package_never_yield_a_payload(data):
    attempt(data)


@SETTINGS
@given(st.lists(st.tuples(st.integers(min_value=0), st.integers(min_value=0, max_value=255)), min_size=1, max_size=3))
def test_in_place_changes_never_yield_a_payload(changes):
    # Same length, so the framing stays valid and the change reaches the header, ciphertext or signature.
    data = bytearray(valid_package())
    for at, value in changes:
        data[at % len(data)] = value
    attempt(bytes(data))


def depth(value) -> int:
    if isinstance(value, dict):
        return 1 + max((depth(item) for item in value.values()), default=0)
    if isinstance(value, list):
        return 1 + max((depth(item) for item in value), default=0)
    return 0


TEXT = st.text(alphabet=st.characters(exclude_categories=("Cs",)), max_size=20)  # no lone surrogates
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(2**53) + 1, max_value=2**53 - 1) | TEXT,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(TEXT, children, max_size=4),
    max_leaves=20,
)


@SETTINGS
@given(st.dictionaries(TEXT, JSON_VALUES, max_size=5), st.binary(max_size=300))
def test_any_plain_json_metadata_round_trips(metadata, payload):
    if depth(metadata) > sp.MAX_METADATA_DEPTH:
        with pytest.raises(ValueError, match="deeper"):
            sealed(payload, metadata=metadata)
        return
    package = sealed(payload, metadata=metadata)
    opened = open_as(package)
    assert opened.metadata == metadata
    assert opened.payload == payload
    assert preview(package)["metadata"] == metadata


# Keys and identity cards

def test_passphrase_protected_private_keys_round_trip():
    original = keys(RECIPIENT)
    pem = original.to_pem(passphrase="correct horse battery staple")
    assert pem.count(b"-----BEGIN ENCRYPTED PRIVATE KEY-----") == 2
    assert original.to_raw()[:32] not in pem and original.to_raw()[32:] not in pem
    loaded = OrganisationKeys.from_pem(pem, passphrase=b"correct horse battery staple")
    assert loaded.to_raw() == original.to_raw()
    assert loaded.fingerprint_hex == original.fingerprint_hex
    assert open_package(package=valid_package(), recipient_keys=loaded, recipient_id=RECIPIENT,
                        trusted_senders=trusted(SENDER)).payload == SECRET
    with pytest.raises(InvalidKeyFile, match="passphrase"):
        OrganisationKeys.from_pem(pem, passphrase="correct horse battery stapler")
    with pytest.raises(InvalidKeyFile, match="passphrase required"):
        OrganisationKeys.from_pem(pem)


def test_unprotected_pem_and_raw_round_trip():
    original = OrganisationKeys.generate()
    pem = original.to_pem()
    assert pem.count(b"-----BEGIN PRIVATE KEY-----") == 2
    assert OrganisationKeys.from_pem(pem).to_raw() == original.to_raw()
    assert OrganisationKeys.from_raw(original.to_raw()).fingerprint_hex == original.fingerprint_hex
    with pytest.raises(InvalidKeyFile, match="not passphrase-protected"):
        OrganisationKeys.from_pem(pem, passphrase="unneeded")


def test_short_passphrases_are_refused():
    with pytest.raises(ValueError, match="at least 16"):
        OrganisationKeys.generate().to_pem(passphrase="hunter2")


def test_key_files_with_the_wrong_contents_are_refused():
    original = OrganisationKeys.generate()
    pem = original.to_pem()
    first_block = pem[: pem.index(b"-----END PRIVATE KEY-----") + len(b"-----END PRIVATE KEY-----\n")]
    two_signing_keys = first_block + first_block
    damaged = pem.replace(pem[40:60], b"A" * 20)
    for bad in (b"", first_block, two_signing_keys, damaged, pem + first_block):
        with pytest.raises(InvalidKeyFile):
            OrganisationKeys.from_pem(bad)
    with pytest.raises(InvalidKeyFile):
        OrganisationKeys.from_raw(original.to_raw()[:63])


def test_private_keys_stay_out_of_repr():
    original = keys(SENDER)
    text = repr(original)
    assert original.fingerprint_hex[:16] in text
    assert original.to_raw().hex()[:16] not in text


def test_fingerprint_is_sha256_over_both_public_keys_and_stable():
    raw = bytes(range(64))
    fixed = OrganisationKeys.from_raw(raw)
    signing_public = ed25519.Ed25519PrivateKey.from_private_bytes(raw[:32]).public_key().public_bytes_raw()
    encryption_public = x25519.X25519PrivateKey.from_private_bytes(raw[32:]).public_key().public_bytes_raw()
    expected = hashlib.sha256(b"alliance/organisation-identity/v1\x00" + signing_public + encryption_public)
    identity = fixed.public_identity(SENDER)
    assert identity.fingerprint_hex == expected.hexdigest() == fixed.fingerprint_hex
    phrase = "a long pass phrase"
    assert OrganisationKeys.from_pem(fixed.to_pem(phrase), phrase).fingerprint_hex == expected.hexdigest()
    assert PublicIdentity.from_json(identity.to_json()).fingerprint_hex == expected.hexdigest()
    # The organisation id is a claim the out-of-band check confirms, not key material.
    assert fixed.public_identity(OTHER).fingerprint == identity.fingerprint


def test_fingerprint_differs_per_key_and_changes_with_either_key():
    a, b = OrganisationKeys.generate(), OrganisationKeys.generate()
    assert a.fingerprint_hex != b.fingerprint_hex
    mixed_signing = OrganisationKeys(signing=a.signing, encryption=b.encryption)
    mixed_encryption = OrganisationKeys(signing=b.signing, encryption=a.encryption)
    assert len({a.fingerprint_hex, b.fingerprint_hex, mixed_signing.fingerprint_hex,
                mixed_encryption.fingerprint_hex}) == 4


def test_fingerprint_display_is_groups_of_four_hex_digits():
    identity = card(SENDER)
    shown = identity.fingerprint_display
    lines = shown.split("\n")
    assert len(lines) == 2
    groups = shown.split()
    assert len(groups) == 16 and all(len(group) == 4 for group in groups)
    assert "".join(groups).lower() == identity.fingerprint_hex


def test_identity_card_round_trips_and_checks_the_out_of_band_fingerprint():
    identity = card(SENDER)
    data = identity.to_json()
    assert PublicIdentity.from_json(data) == identity
    assert PublicIdentity.from_json(data, expected_fingerprint=identity.fingerprint_display) == identity
    with pytest.raises(ValueError, match="out of band"):
        PublicIdentity.from_json(data, expected_fingerprint=card(OTHER).fingerprint_hex)
    swapped = json.loads(data)
    swapped["encryption_key"] = json.loads(card(OTHER).to_json())["encryption_key"]
    with pytest.raises(ValueError, match="does not match"):
        PublicIdentity.from_json(json.dumps(swapped))
    for bad in (b"", b"[]", b'{"format": "alliance-identity-card/1"}', data.replace(b"XD:", b"XD ")):
        with pytest.raises(ValueError):
            PublicIdentity.from_json(bad)


def test_low_order_encryption_key_is_refused_on_import():
    with pytest.raises(ValueError, match="X25519"):
        PublicIdentity(organisation_id=OTHER, signing_key=card(OTHER).signing_key, encryption_key=bytes(32))


@pytest.mark.parametrize("bad", ["", " XD:x", "XD safe", "XD:\u202eevil", "XD:сafe", "a" * 129, "-XD"])
def test_organisation_ids_are_plain_ascii(bad):
    with pytest.raises(ValueError):
        keys(SENDER).public_identity(bad)
    with pytest.raises(ValueError):
        seal(payload=b"", sender_keys=keys(SENDER), sender_id=bad, recipient=card(RECIPIENT))


def test_refusal_reasons_are_a_closed_set():
    with pytest.raises(ValueError):
        PackageRefused("nope", "message")
    assert PackageRefused(sp.EXPIRED, "old").message == "old"


def test_public_keys_are_raw_32_bytes():
    identity = card(SENDER)
    raw = serialization.Encoding.Raw, serialization.PublicFormat.Raw
    assert identity.signing_public_key().public_bytes(*raw) == identity.signing_key
    assert identity.encryption_public_key().public_bytes(*raw) == identity.encryption_key


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="timezone"):
        sealed(now=datetime(2025, 3, 14, 9, 0))
    with pytest.raises(ValueError, match="timezone"):
        open_as(valid_package(), max_age=timedelta(days=1), now=datetime(2025, 3, 14, 9, 0))


def test_bytes_like_payloads_are_measured_in_bytes():
    words = array.array("I", [1, 2, 3])
    assert open_as(sealed(memoryview(words))).payload == words.tobytes()
    assert open_as(sealed(bytearray(b"abc"))).payload == b"abc"
