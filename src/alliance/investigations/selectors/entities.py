"""Reads of an investigation's entities, behind its gate; every read of their properties is audited."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from alliance.core import audit
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import NotFound
from alliance.investigations.models import Entity, EntityLink, Source
from alliance.investigations.selectors.investigations import investigation_get_for, investigation_or_none


@dataclass(frozen=True)
class EntityRow:
    id: int
    ftm_id: str
    schema: str
    caption: str
    source: str


def entity_get_for(*, actor: Actor, entity_id: object, action: str = R.INVESTIGATION_VIEW,
                   audit_read: bool = True) -> Entity:
    """One entity, through its investigation's gate: missing and forbidden are both "not found" under the
    entity's name, both audited, at the same cost."""
    found = (list(Entity.objects.select_related("source").filter(pk=entity_id, realm_id=actor.realm_id)[:1])
             if type(entity_id) is int else [])
    investigation_id = found[0].investigation_id if found else 0
    if investigation_or_none(actor=actor, investigation_id=investigation_id, action=action) is None or not found:
        audit.record(actor=actor, action="denied", object_type="investigation_entity", object_id=entity_id,
                     reason=action)
        raise NotFound("entity")
    if audit_read:
        audit.record(actor=actor, action="view", object_type="investigation_entity", object_id=entity_id,
                     fields=["caption", "properties"])
    return found[0]


def entity_list_for(*, actor: Actor, investigation_id: object, schema: str | None = None,
                    limit: int = 500) -> list[EntityRow]:
    """An investigation's entities with their captions (names: audited as one read of the list)."""
    investigation = investigation_get_for(actor=actor, investigation_id=investigation_id)
    entities = Entity.objects.filter(investigation=investigation).select_related("source").order_by("schema", "pk")
    if schema:
        entities = entities.filter(schema=schema)
    rows = [EntityRow(id=e.pk, ftm_id=e.ftm_id, schema=e.schema, caption=e.caption or "",
                      source=e.source.reference) for e in entities[:limit]]
    audit.record(actor=actor, action="list", object_type="investigation", object_id=investigation.pk,
                 fields=["entities.caption"], reason=f"{len(rows)} entities")
    return rows


def sources_of(*, actor: Actor, investigation_id: object) -> list[Source]:
    investigation = investigation_get_for(actor=actor, investigation_id=investigation_id)
    return list(Source.objects.filter(investigation=investigation).select_related("organisation").order_by("pk"))


def ftm_export_for(*, actor: Actor, investigation_id: object) -> Iterator[str]:
    """The investigation as FtM JSON lines (entities with their properties), an audited export. Each entity
    carries its source in FtM's own terms (`publisher`, `recordId`) only when the source recorded them; the
    chain of sources travels in the export pack's manifest."""
    investigation = investigation_get_for(actor=actor, investigation_id=investigation_id,
                                          action=R.INVESTIGATION_EXPORT, what="investigation.export")
    entities = list(Entity.objects.filter(investigation=investigation).order_by("pk"))
    audit.record(actor=actor, action="export", object_type="investigation", object_id=investigation.pk,
                 fields=["entities"], reason=f"FtM, {len(entities)} entities")
    for entity in entities:
        yield json.dumps({"id": entity.ftm_id, "schema": entity.schema, "properties": entity.properties or {}},
                         ensure_ascii=False, sort_keys=True) + "\n"


def links_of(*, actor: Actor, investigation_id: object) -> list[EntityLink]:
    """Who is linked to whom (ids and kinds only: no personal value), for the chart and its algorithms."""
    investigation = investigation_get_for(actor=actor, investigation_id=investigation_id)
    return list(EntityLink.objects.filter(investigation=investigation).order_by("pk"))
