"""The identifying values of an entity, as the blind-indexed keys xref and search look up without
decrypting: `kind:normalised value`. Shared identifiers are the strong evidence of a match (the same phone in
E.164, the same IBAN, the same document number); names are keyed under each Latin rendering, so a Cyrillic
raid report and a Latin work permit meet on the same key when a transliteration scheme agrees.
"""

from __future__ import annotations

import re
import unicodedata

from anyascii import anyascii
from followthemoney import model, registry

from alliance.core.encryption import normalise_document_number, normalise_name
from alliance.investigations.domain.names import consonants, name_parts
from alliance.investigations.domain.transliteration import has_arabic, latin_forms

NAME, PART, CONSONANTS = "name", "part", "consonants"
PHONE, EMAIL, IBAN, DOCUMENT, ADDRESS = "phone", "email", "iban", "document", "address"
_SPACES = re.compile(r"\s+")


def _address(value: str) -> str:
    text = anyascii(unicodedata.normalize("NFKC", value)).casefold()
    return _SPACES.sub(" ", re.sub(r"[^0-9a-z ]", " ", text)).strip()


def name_forms(name: str) -> set[str]:
    """The forms a name is keyed under, for each of its Latin renderings (transliteration.py): the whole name
    as sorted spelling keys without the patronymic ("name:"), so word order, the scheme and a left-out
    patronymic do not matter; each part alone ("part:"), so a surname-only fragment meets the full name; and
    the consonants ("consonants:"), which is all an Arabic-script name writes. Keys find candidates; whether
    they are the same person is the matcher's decision (matching.py)."""
    forms: set[str] = set()
    plain = normalise_name(name)
    if plain:
        forms.add(f"{NAME}:{plain}")
    for latin in set(latin_forms(name).values()):
        parts = name_parts(latin, consonantal=has_arabic(name))
        keys = sorted(k for k in parts.keys if k)
        if not keys:
            continue
        forms.add(f"{NAME}:{' '.join(keys)}")
        forms.update(f"{PART}:{k}" for k in keys if len(k) >= 3)
        skeleton = sorted(c for c in (consonants(p) for p in parts.parts) if c)
        if skeleton:
            forms.add(f"{CONSONANTS}:{' '.join(skeleton)}")
    return forms


def entity_keys(schema: str, properties: dict[str, list[str]]) -> list[tuple[str, str]]:
    """(kind, "kind:value") for every identifying value, without repeats."""
    found: dict[str, str] = {}
    props = model.get(schema).properties
    for name, values in properties.items():
        prop = props.get(name)
        if prop is None:
            continue
        for value in values:
            if prop.type == registry.name:
                for form in name_forms(value):
                    found.setdefault(form, form.split(":", 1)[0])
            elif name == "iban":
                found.setdefault(f"{IBAN}:{value}", IBAN)
            elif prop.type == registry.phone:
                found.setdefault(f"{PHONE}:{value}", PHONE)
            elif prop.type == registry.email:
                found.setdefault(f"{EMAIL}:{value.casefold()}", EMAIL)
            elif prop.type == registry.identifier:
                number = normalise_document_number(value)
                if len(number) >= 4:  # a "12" is not evidence of anything
                    found.setdefault(f"{DOCUMENT}:{number}", DOCUMENT)
            elif prop.type == registry.address:
                address = _address(value)
                if address:
                    found.setdefault(f"{ADDRESS}:{address}", ADDRESS)
    return [(kind, key) for key, kind in found.items()]
