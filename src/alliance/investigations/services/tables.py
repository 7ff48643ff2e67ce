"""Importing a spreadsheet (CSV or XLSX) through a column mapping, and saving mappings for reuse.

The file is read with the limits and checks of the HTCDS reader (size before parsing, rows, columns, cell
length, formulas, zip bombs); every mapped cell of every row is checked before anything is written, each
problem named as `row N, column C: reason`; then the rows' entities go in as one batch (entities_add), so a
file imports whole or not at all. Ids come from the mapping's key columns, prefixed by the source, so the
same account on many rows is one entity, and a second file is a second source.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _
from followthemoney.exc import InvalidData

from alliance.cases.domain.checks import clean_text
from alliance.cases.htcds.files import Limits, open_table
from alliance.core import audit
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.investigations.domain.mappings import (
    CheckedMapping,
    MappingError,
    check_mapping,
    read_mapping,
    row_problems,
)
from alliance.investigations.models import ImportMapping, Source
from alliance.investigations.selectors.investigations import investigation_get_for
from alliance.investigations.services.entities import ImportReport, entities_add

LIMITS = Limits(max_rows=200_000, max_columns=100, any_columns=True)
MAX_REPORTED_ERRORS = 200


def _mapping(mapping_text: str) -> CheckedMapping:
    try:
        return read_mapping(mapping_text)
    except MappingError as error:
        raise ValidationFailed({"mapping": [str(error)]}) from None


def table_entities(*, actor: Actor, investigation_id: int, source_id: int, data: bytes, filename: str,
                   mapping_text: str) -> list[dict]:
    """The FtM entities a spreadsheet makes under a mapping, every cell checked first (no write)."""
    investigation = investigation_get_for(actor=actor, investigation_id=investigation_id,
                                          action=R.INVESTIGATION_EDIT, what="investigation.table_import")
    source = Source.objects.filter(pk=source_id, investigation=investigation).first() if type(source_id) is int \
        else None
    if source is None:
        raise ValidationFailed({"source": [_("No such source in this investigation.")]})
    mapping = _mapping(mapping_text)
    table = open_table(data, filename=filename, limits=LIMITS)
    missing = sorted(mapping.columns - set(table.header))
    if missing:
        raise ValidationFailed({"file": [_("The file has no column %(names)s, which the mapping reads (its header: "
                                           "%(header)s).") % {"names": ", ".join(missing),
                                                             "header": ", ".join(table.header[:30])}]})
    mapper = mapping.mapper(key_prefix=f"s{source.pk}")
    errors: list[str] = []
    merged: dict[str, object] = {}
    for row_number, row in table.rows():
        for column, reason in row_problems(mapping, row):
            errors.append(_("row %(row)d, column %(column)s: %(reason)s")
                          % {"row": row_number, "column": column, "reason": reason})
        if len(errors) >= MAX_REPORTED_ERRORS:
            break
        if errors:
            continue
        cells = {k: ("" if v is None else str(v)) for k, v in row.items()}
        for proxy in mapper.map(cells).values():
            if proxy.id not in merged:
                merged[proxy.id] = proxy
                continue
            try:
                merged[proxy.id].merge(proxy)  # the same account on many rows: one entity, every value kept
            except InvalidData:
                raise ValidationFailed({"mapping": [_(
                    "Two entities of the mapping get the same id from the same key columns (a %(a)s and a "
                    "%(b)s): give one of them a key_literal.") % {"a": merged[proxy.id].schema.name,
                                                                  "b": proxy.schema.name}]}) from None
    if errors:
        raise ValidationFailed({"file": errors[:MAX_REPORTED_ERRORS]})
    return [{"id": p.id, "schema": p.schema.name, "properties": p.properties} for p in merged.values()]


def table_import(*, actor: Actor, investigation_id: int, source_id: int, data: bytes, filename: str,
                 mapping_text: str) -> ImportReport:
    """Check and import a spreadsheet whole: nothing is written when any cell or entity is refused."""
    entities = table_entities(actor=actor, investigation_id=investigation_id, source_id=source_id, data=data,
                              filename=filename, mapping_text=mapping_text)
    return entities_add(actor=actor, investigation_id=investigation_id, source_id=source_id, entities=entities)


def mapping_save(*, actor: Actor, name: str, source_kind: str, mapping_text: str) -> ImportMapping:
    """Save (or replace) one of the actor's agency's mappings under a name."""
    errors: dict[str, list[str]] = {}
    name = clean_text(name, "name", required=True, max_length=100, errors=errors)
    if source_kind not in Source.Kind.values:
        errors["source_kind"] = [_("Choose one of the listed values.")]
    if errors:
        raise ValidationFailed(errors)
    if not (actor.has_action(R.INVESTIGATION_EDIT) and actor.organisation_id):
        raise Forbidden(R.INVESTIGATION_EDIT)
    checked = check_mapping(_mapping(mapping_text).entities)
    with transaction.atomic():
        saved, _created = ImportMapping.objects.update_or_create(
            realm_id=actor.realm_id, organisation_id=actor.organisation_id, name=name,
            defaults={"source_kind": source_kind, "entities": checked.entities, "saved_by_id": actor.user_id})
        audit.record(actor=actor, action="update", object_type="import_mapping", object_id=saved.pk,
                     fields=["entities"], reason=name)
    return saved
