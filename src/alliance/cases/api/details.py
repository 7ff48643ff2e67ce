"""/api/v1/cases/{case_id}/details: the HTCDS person details and victim context.

The schemas are built from the specs in cases/htcds/vocabulary.py, so the OpenAPI document lists every allowed code
and stays in step with the validation (which the service still runs: dates in the future, route order)."""

from __future__ import annotations

from typing import Annotated, Literal

from ninja import Router, Schema
from pydantic import Field, StrictInt, StringConstraints, create_model

from alliance.cases.htcds import vocabulary as htcds
from alliance.cases.selectors.details import case_details_for
from alliance.cases.services.details import case_details_update
from alliance.core.api_schemas import ISO_DATE, StrictIn, id_path, with_errors
from alliance.core.countries import COUNTRY_CODES

router = Router(tags=["cases"])

_COUNTRY = Literal[tuple(sorted(COUNTRY_CODES))]


def _one_of(spec: htcds.Spec):
    return _COUNTRY if spec.kind in (htcds.COUNTRY, htcds.COUNTRIES) else Literal[tuple(spec.vocabulary.values)]


def _annotation(spec: htcds.Spec, records: dict[str, type]) -> tuple[object, object]:
    kind = spec.kind
    if kind in (htcds.CHOICE, htcds.COUNTRY):
        return _one_of(spec) | None, None
    if kind in (htcds.CHOICES, htcds.COUNTRIES):
        most = len(spec.vocabulary.values) if spec.vocabulary else spec.max_length
        return list[_one_of(spec)], Field(default_factory=list, max_length=most)
    if kind == htcds.INT:
        # Strict: the lax mode would read false as 0.
        return StrictInt | None, Field(None, ge=0, le=spec.maximum)
    if kind == htcds.LANGUAGE:
        return str | None, Field(None, pattern=r"^[a-z]{3}$")
    if kind == htcds.DATE:
        return str | None, Field(None, pattern=ISO_DATE)
    if kind == htcds.TEXTS:
        item = Annotated[str, StringConstraints(max_length=htcds.WEBSITE_MAX_LENGTH)]
        return list[item], Field(default_factory=list, max_length=spec.max_length)
    if kind == htcds.RECORDS:
        return list[records[spec.key]], Field(default_factory=list, max_length=spec.max_length)
    return str | None, Field(None, max_length=spec.max_length)


def _schema(name: str, specs: tuple[htcds.Spec, ...], records: dict[str, type] | None = None,
            required: str = "") -> type:
    fields = {spec.key: _annotation(spec, records or {}) for spec in specs}
    if required:
        fields[required] = (_one_of(specs[0]), ...)
    return create_model(name, __base__=StrictIn, **fields)


# An entry of the route says which stage it was; a perpetrator's entry, which role they played.
RouteEvent = _schema("RouteEvent", htcds.ROUTE_EVENT_FIELDS, required="type")
Perpetrator = _schema("Perpetrator", htcds.PERPETRATOR_FIELDS, required="role")
PersonDetails = _schema("PersonDetails", htcds.PERSON_FIELDS)
VictimContext = _schema("VictimContext", htcds.VICTIM_FIELDS,
                        {"route_events": RouteEvent, "perpetrators": Perpetrator})


class NamesIn(StrictIn):
    """Each name given replaces the stored one; "" clears an optional one; left out, it stays."""

    given_name: str | None = Field(None, min_length=1, max_length=200)
    middle_name: str | None = Field(None, max_length=200)
    family_name: str | None = Field(None, min_length=1, max_length=200)
    identity_number: str | None = Field(None, max_length=64)
    birth_date: str | None = Field(None, pattern=rf"{ISO_DATE}|^$")


class NamesOut(Schema):
    given_name: str | None
    middle_name: str | None
    family_name: str | None
    identity_number: str | None
    birth_date: str | None


class DetailsIn(StrictIn):
    """Each document given replaces the stored one whole; a document left out stays as it is."""

    names: NamesIn | None = None
    details: PersonDetails | None = None
    victim_context: VictimContext | None = None


class DetailsOut(Schema):
    case_id: int
    number: str
    is_child: bool
    names: NamesOut
    details: PersonDetails
    victim_context: VictimContext


def _out(view) -> dict:
    return {"case_id": view.case.pk, "number": view.case.number, "is_child": view.case.is_child,
            "names": view.names, "details": view.details, "victim_context": view.victim_context}


def _document(schema) -> dict | None:
    if schema is None:
        return None
    return {k: v for k, v in schema.model_dump(exclude_none=True).items() if v != []}


@router.get("/{case_id}/details", response=with_errors(DetailsOut), operation_id="details_get")
def details_get(request, case_id: int = id_path()):
    return _out(case_details_for(actor=request.actor, case_id=case_id))


@router.put("/{case_id}/details", response=with_errors(DetailsOut), operation_id="details_update")
def details_update(request, payload: DetailsIn, case_id: int = id_path()):
    names = payload.names.model_dump(exclude_none=True) if payload.names else None
    case_details_update(actor=request.actor, case_id=case_id, names=names, details=_document(payload.details),
                        victim_context=_document(payload.victim_context))
    return _out(case_details_for(actor=request.actor, case_id=case_id))
