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

NAME, PHONE, EMAIL, IBAN, DOCUMENT, ADDRESS = "name", "phone", "email", "iban", "document", "address"
_SPACES = re.compile(r"\s+")


def _address(value: str) -> str:
    text = anyascii(unicodedata.normalize("NFKC", value)).casefold()
    return _SPACES.sub(" ", re.sub(r"[^0-9a-z ]", " ", text)).strip()


def name_forms(name: str) -> set[str]:
    """The normalised forms a name is keyed under: one per Latin rendering (investigations/domain/names.py
    when it knows the script), each as sorted tokens, so word order does not matter."""
    return {form for form in (normalise_name(name),) if form}


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
                    found.setdefault(f"{NAME}:{form}", NAME)
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
