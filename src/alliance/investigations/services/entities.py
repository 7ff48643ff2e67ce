"""Sources and the entities they bring, FtM files in and out, links to victims' cases.

Entities arrive in batches (one source's import): every entity is checked and every reference resolved
before the first row is written, and the batch is one transaction, so a bad line leaves nothing behind and
the error names the line, the property and the reason.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from alliance.cases.domain.checks import clean_text
from alliance.core import audit
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import ValidationFailed
from alliance.investigations.domain.entities import CleanEntity, EntityError, clean_entity, edge_ends, link_dates
from alliance.investigations.domain.ftm_files import MAX_ENTITIES
from alliance.investigations.domain.keys import entity_keys
from alliance.investigations.models import Entity, EntityCase, EntityKey, EntityLink, Investigation, Source
from alliance.investigations.selectors.investigations import investigation_get_for

MAX_REPORTED_ERRORS = 200


@dataclass
class ImportReport:
    created: int = 0
    errors: list[dict] = field(default_factory=list)  # {line, property, reason}


def _open_for_work(actor: Actor, investigation_id: int, what: str) -> Investigation:
    investigation = investigation_get_for(actor=actor, investigation_id=investigation_id,
                                          action=R.INVESTIGATION_EDIT, what=what)
    if investigation.status != Investigation.Status.OPEN:
        raise ValidationFailed(_("This investigation is closed; reopen it to add to it."))
    return investigation


def source_register(*, actor: Actor, investigation_id: int, kind: str, reference: str, legal_basis: str,
                    document_date: dt.date | None = None) -> Source:
    """Record where data comes from before any of it is added: the actor's agency holds it."""
    with transaction.atomic():
        investigation = _open_for_work(actor, investigation_id, "investigation.source")
        errors: dict[str, list[str]] = {}
        if kind not in Source.Kind.values:
            errors["kind"] = [_("Choose one of the listed values.")]
        reference = clean_text(reference, "reference", required=True, max_length=200, errors=errors)
        legal_basis = clean_text(legal_basis, "legal_basis", required=True, max_length=300, errors=errors)
        if errors:
            raise ValidationFailed(errors)
        source = Source.objects.create(realm_id=actor.realm_id, investigation=investigation,
                                       organisation_id=actor.organisation_id, kind=kind, reference=reference,
                                       document_date=document_date, legal_basis=legal_basis,
                                       created_by_id=actor.user_id)
        audit.record(actor=actor, action="create", object_type="investigation_source", object_id=source.pk,
                     fields=["kind", "reference", "legal_basis"], reason=f"investigation {investigation.pk}")
    return source


def _source_of(investigation: Investigation, source_id: object) -> Source:
    source = (Source.objects.filter(pk=source_id, investigation=investigation).first()
              if type(source_id) is int else None)
    if source is None:
        raise ValidationFailed({"source": [_("No such source in this investigation.")]})
    return source


def _date(value: str | None) -> dt.date | None:
    """An FtM date may be a prefix (a year, a month): the chart filters on its first day."""
    if not value:
        return None
    parts = [*value[:10].split("-"), "01", "01"][:3]
    try:
        return dt.date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def entities_add(*, actor: Actor, investigation_id: int, source_id: int, entities: list[object]) -> ImportReport:
    """Add a batch of FtM entities from one source, all or nothing. Every entity is checked, and every
    reference must point at an entity of the batch or of the investigation; an id already in the
    investigation is refused (an update is a new source's statement, not a silent overwrite)."""
    if len(entities) > MAX_ENTITIES:
        raise ValidationFailed(_("At most %(n)d entities in one import.") % {"n": MAX_ENTITIES})
    with transaction.atomic():
        investigation = _open_for_work(actor, investigation_id, "investigation.entities")
        source = _source_of(investigation, source_id)
        report, clean = ImportReport(), []
        for line, data in enumerate(entities, start=1):
            try:
                clean.append((line, clean_entity(data)))
            except EntityError as error:
                report.errors.extend({"line": line, "property": where, "reason": reason}
                                     for where, reason in error.problems)
        # An entity refused above is still named in the file: what refers to it is not reported missing too.
        refused = {d.get("id") for d in entities if isinstance(d, dict) and isinstance(d.get("id"), str)}
        _check_ids(investigation, clean, report, also_named=refused)
        if report.errors:
            raise ValidationFailed({"entities": [_format(e) for e in report.errors[:MAX_REPORTED_ERRORS]]})
        rows = Entity.objects.bulk_create([
            Entity(realm_id=actor.realm_id, investigation=investigation, source=source, ftm_id=e.ftm_id,
                   schema=e.schema, caption=e.caption, properties=e.properties, created_by_id=actor.user_id)
            for _line, e in clean])
        # bulk_create sets primary keys on SQLite and PostgreSQL; look them up by FtM id to be sure of both.
        by_ftm = dict(Entity.objects.filter(investigation=investigation).values_list("ftm_id", "pk"))
        EntityKey.objects.bulk_create([
            EntityKey(entity_id=by_ftm[e.ftm_id], investigation=investigation, realm_id=actor.realm_id, kind=kind,
                      value=value)
            for _line, e in clean for kind, value in entity_keys(e.schema, e.properties)], batch_size=2000)
        EntityLink.objects.bulk_create(_links(investigation, clean, by_ftm), batch_size=2000)
        report.created = len(rows)
        audit.record(actor=actor, action="create", object_type="investigation_source", object_id=source.pk,
                     fields=["entities"], reason=f"{len(rows)} entities into investigation {investigation.pk}")
    return report


def _format(error: dict) -> str:
    return _("line %(line)s, %(property)s: %(reason)s") % error


def _check_ids(investigation: Investigation, clean: list[tuple[int, CleanEntity]], report: ImportReport, *,
               also_named: set) -> None:
    existing = set(Entity.objects.filter(investigation=investigation).values_list("ftm_id", flat=True))
    seen: dict[str, int] = {}
    for line, entity in clean:
        if entity.ftm_id in existing:
            report.errors.append({"line": line, "property": "id",
                                  "reason": _("an entity with this id is already in the investigation")})
        elif entity.ftm_id in seen:
            report.errors.append({"line": line, "property": "id",
                                  "reason": _("the same id as line %(n)d") % {"n": seen[entity.ftm_id]}})
        seen.setdefault(entity.ftm_id, line)
    known = existing | set(seen) | also_named
    for line, entity in clean:
        for prop, target in entity.references:
            if target not in known:
                report.errors.append({"line": line, "property": prop,
                                      "reason": _("refers to %(id)r, which is neither in this file nor in the "
                                                  "investigation") % {"id": target[:60]}})


def _links(investigation: Investigation, clean: list[tuple[int, CleanEntity]], by_ftm: dict[str, int]):
    for _line, entity in clean:
        start, end = (_date(d) for d in link_dates(entity))
        me = by_ftm[entity.ftm_id]
        ends = edge_ends(entity)
        for source, target in ends:
            yield EntityLink(investigation=investigation, realm_id=investigation.realm_id, kind=entity.schema,
                             source_entity_id=by_ftm[source], target_entity_id=by_ftm[target], edge_id=me,
                             start_date=start, end_date=end)
        drawn = {p for p in _edge_props(entity)} if ends else set()
        for prop, target in entity.references:
            if prop not in drawn:
                yield EntityLink(investigation=investigation, realm_id=investigation.realm_id, kind=prop,
                                 source_entity_id=me, target_entity_id=by_ftm[target], start_date=start,
                                 end_date=end)


def _edge_props(entity: CleanEntity) -> tuple[str, str]:
    from followthemoney import model

    schema = model.get(entity.schema)
    return schema.source_prop.name, schema.target_prop.name


def entity_case_link(*, actor: Actor, entity_id: int, case_id: int, reason: str) -> EntityCase:
    """Link an entity to a victim's case. The actor must be able to open the case (the case's own gate
    decides), and the link never lets anyone else see the case."""
    from alliance.cases.selectors.register import case_get_for
    from alliance.investigations.selectors.entities import entity_get_for

    errors: dict[str, list[str]] = {}
    reason = clean_text(reason, "reason", required=True, max_length=300, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        entity = entity_get_for(actor=actor, entity_id=entity_id, action=R.INVESTIGATION_EDIT, audit_read=False)
        case = case_get_for(actor=actor, case_id=case_id, action=R.CASE_VIEW, what="investigation.case_link")
        link, _created = EntityCase.objects.get_or_create(entity=entity, case=case,
                                                          defaults={"reason": reason, "linked_by_id": actor.user_id})
        audit.record(actor=actor, action="update", object_type="investigation_entity", object_id=entity.pk,
                     fields=["cases"], reason=f"case {case.pk}")
    return link
