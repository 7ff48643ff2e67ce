"""Column mappings: how the rows of an agency's spreadsheet become FtM entities.

A mapping is FollowTheMoney's own mapping format (the `entities` part of an `ftm map` YAML file): named
entities, each with a schema, the columns whose values make its id (`keys`), and its properties, each from a
`column`, a list of `columns`, a `literal`, or another entity of the same row (`entity`). One row can make
several entities: a bank statement's row is a payer account, a beneficiary account and the payment between
them. FtM's mapper builds the entities; before it does, every mapped cell is checked here as the entity
checks check an FtM file (an IBAN's checksum, a phone in E.164, an ISO date), so a wrong cell is reported as
`row N, column C: reason` rather than silently dropped.

Presets for the common sources ship in `investigations/mappings/*.yml` (docs/investigations.md describes
their columns); an agency saves its own per source kind.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources

import yaml
from django.utils.translation import gettext as _
from followthemoney import model
from followthemoney.exc import InvalidMapping

from alliance.investigations.domain.entities import SCHEMATA, clean_value

MAX_MAPPING_ENTITIES = 12


class MappingError(ValueError):
    pass


@dataclass(frozen=True)
class CheckedMapping:
    entities: dict  # the FtM mapping's `entities`, as written
    columns: frozenset[str]  # every column it reads

    def mapper(self, key_prefix: str):
        # FtM needs a source to accept a mapping; the rows are given to map() one by one, never fetched.
        return model.make_mapping({"csv_url": "upload", "entities": self.entities}, key_prefix=key_prefix)


def _columns_of(spec: dict) -> list[str]:
    columns = list(spec.get("keys") or [])
    for prop in (spec.get("properties") or {}).values():
        if isinstance(prop, dict):
            columns += [prop["column"]] if isinstance(prop.get("column"), str) else []
            columns += [c for c in prop.get("columns") or [] if isinstance(c, str)]
    return columns


def check_mapping(entities: object) -> CheckedMapping:
    """A mapping an import can use, or MappingError saying what is wrong with it."""
    if not isinstance(entities, dict) or not entities:
        raise MappingError(_("A mapping names at least one entity, each with a schema, keys and properties."))
    if len(entities) > MAX_MAPPING_ENTITIES:
        raise MappingError(_("At most %(n)d entities per row.") % {"n": MAX_MAPPING_ENTITIES})
    for name, spec in entities.items():
        if not isinstance(spec, dict) or spec.get("schema") not in SCHEMATA:
            raise MappingError(_("Entity %(name)s: the schema must be one of %(list)s.")
                               % {"name": name, "list": ", ".join(SCHEMATA)})
        schema = model.get(spec["schema"])
        if not spec.get("keys"):
            raise MappingError(_("Entity %(name)s: name the columns that identify it (keys).") % {"name": name})
        for prop in spec.get("properties") or {}:
            if schema.get(prop) is None:
                raise MappingError(_("Entity %(name)s: %(schema)s has no property %(prop)s.")
                                   % {"name": name, "schema": schema.name, "prop": prop})
    try:
        model.make_mapping({"csv_url": "upload", "entities": entities}, key_prefix="check")
    except (InvalidMapping, KeyError, TypeError, AttributeError) as error:
        raise MappingError(_("The mapping is not valid: %(reason)s") % {"reason": str(error)[:200]}) from None
    return CheckedMapping(entities=entities, columns=frozenset(c for s in entities.values() for c in _columns_of(s)))


def read_mapping(text: str) -> CheckedMapping:
    """A mapping written as YAML (or JSON, which YAML reads): plain data only, through the safe loader."""
    if len(text) > 50_000:
        raise MappingError(_("The mapping is longer than 50,000 characters."))
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = _("line %(n)d: ") % {"n": mark.line + 1} if mark else ""
        raise MappingError(_("%(where)sthe mapping is not YAML.") % {"where": where}) from None
    if isinstance(data, dict) and "entities" in data:
        data = data["entities"]
    return check_mapping(data)


def row_problems(mapping: CheckedMapping, row: dict[str, object]) -> list[tuple[str, str]]:
    """(column, reason) for every mapped cell of a row whose value its property refuses."""
    problems = []
    for spec in mapping.entities.values():
        schema = model.get(spec["schema"])
        for prop_name, prop in (spec.get("properties") or {}).items():
            if not isinstance(prop, dict):
                continue
            columns = [prop["column"]] if isinstance(prop.get("column"), str) else list(prop.get("columns") or [])
            for column in columns:
                value = row.get(column)
                text = "" if value is None else str(value).strip()
                if not text:
                    continue
                clean, reason = clean_value(schema.get(prop_name), text, None)
                if clean is None:
                    problems.append((column, reason))
    return problems


@functools.cache
def presets() -> dict[str, str]:
    """The shipped mappings, by source kind: their YAML text (shown in the import step, editable)."""
    folder = resources.files("alliance.investigations") / "mappings"
    return {path.name.removesuffix(".yml"): path.read_text(encoding="utf-8")
            for path in folder.iterdir() if path.name.endswith(".yml")}
