"""The entity checks on any input: a value is kept cleaned or refused with its property named, never
passed through raw, and no input makes the checker or the file reader fail in another way."""

from __future__ import annotations

import io

from hypothesis import given, settings
from hypothesis import strategies as st

from alliance.core.errors import ValidationFailed
from alliance.investigations.domain.entities import SCHEMATA, EntityError, clean_entity
from alliance.investigations.domain.ftm_files import ftm_file_entities

PROPERTIES = ["name", "phone", "iban", "birthDate", "nationality", "email", "passportNumber", "employer", "notes",
              "holder", "amount", "bogus"]
values = st.lists(st.one_of(st.text(max_size=40), st.sampled_from(
    ["+44 7700 900123", "DE89 3704 0044 0532 0130 00", "1988-03-14", "kz", "a@dreamland.example", "p-1"])),
    max_size=4)
entities = st.fixed_dictionaries({
    "id": st.one_of(st.from_regex(r"[a-z][a-z0-9-]{0,20}", fullmatch=True), st.text(max_size=5)),
    "schema": st.one_of(st.sampled_from(SCHEMATA), st.text(max_size=8)),
    "properties": st.dictionaries(st.sampled_from(PROPERTIES), values, max_size=5),
})


@settings(max_examples=300, deadline=None)
@given(data=entities)
def test_an_entity_is_cleaned_or_refused_by_name(data):
    try:
        clean = clean_entity(data)
    except EntityError as error:
        assert error.problems and all(where and reason for where, reason in error.problems)
        return
    assert clean.schema in SCHEMATA and clean.ftm_id == data["id"]
    for name, kept in clean.properties.items():
        assert name in data["properties"] and kept
        assert len(set(kept)) == len(kept)
    if "phone" in clean.properties:
        assert all(v.startswith("+") and v[1:].isdigit() for v in clean.properties["phone"])
    if "iban" in clean.properties:
        assert all(" " not in v for v in clean.properties["iban"])


@settings(max_examples=200, deadline=None)
@given(raw=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)))
def test_any_file_is_read_or_refused_with_a_reason(raw):
    try:
        read = ftm_file_entities(io.BytesIO(raw))
    except ValidationFailed as error:
        assert error.errors
        return
    assert isinstance(read, list)  # of whatever the lines hold: entities_add then checks each one
