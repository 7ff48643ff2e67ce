"""/api/v1/cases: transnational referral: organisation keys, partners, sending and receiving sealed packages."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from ninja import File, Router, Schema, Status, UploadedFile
from pydantic import Field

from alliance.cases.selectors import transnational as selectors
from alliance.cases.services import transnational as services
from alliance.core.api_schemas import MAX_ID, StrictIn, id_path, with_errors
from alliance.core.errors import Forbidden
from alliance.core.sealed_package import format_fingerprint

router = Router(tags=["cases"])


class KeysIn(StrictIn):
    package_id: str = Field(default="", max_length=80)


class KeysOut(Schema):
    id: int
    package_id: str
    fingerprint: str
    fingerprint_display: str
    public_card: str
    created_at: datetime
    retired_at: datetime | None


class KeysList(Schema):
    items: list[KeysOut]


class PartnerIn(StrictIn):
    name: str = Field(min_length=1, max_length=200)
    country: str = Field(min_length=2, max_length=2)
    card: str = Field(min_length=1, max_length=services.MAX_CARD_CHARS)
    fingerprint: str = Field(min_length=1, max_length=200)


class PartnerOut(Schema):
    id: int
    name: str
    country: str
    package_id: str
    fingerprint: str
    added_at: datetime


class PartnerList(Schema):
    items: list[PartnerOut]


class SendIn(StrictIn):
    partner_id: int = Field(ge=1, le=MAX_ID)
    legal_basis: str = Field(default="", max_length=500)


class PackageOut(Schema):
    id: int
    package_id: str
    direction: str
    status: str
    partner: str | None
    sender_id: str | None
    case_id: int | None
    fields: list[str]
    refusal_reason: str
    created_at: datetime
    handled_at: datetime | None


class PackageList(Schema):
    items: list[PackageOut]
    count: int


class ReceivedOut(PackageOut):
    verified: bool
    sender_fingerprint: str
    sealed_at: datetime | None


class RefuseIn(StrictIn):
    reason: str = Field(min_length=1, max_length=300)


class AcceptOut(Schema):
    package: PackageOut
    case_id: int
    number: str


PACKAGE_FILE = {"responses": {200: {
    "description": "The sealed package, to hand to the partner over a confidential channel",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}}}


def _keys_row(pair) -> dict:
    return {"id": pair.pk, "package_id": pair.package_id, "fingerprint": pair.fingerprint,
            "fingerprint_display": format_fingerprint(pair.fingerprint), "public_card": pair.public_card,
            "created_at": pair.created_at, "retired_at": pair.retired_at}


def _package_row(record) -> dict:
    partner = record.partner
    return {"id": record.pk, "package_id": record.package_id, "direction": record.direction,
            "status": record.status, "partner": partner.name if partner else None,
            "sender_id": partner.package_id if partner else None, "case_id": record.case_id,
            "fields": list(record.fields), "refusal_reason": record.refusal_reason,
            "created_at": record.created_at, "handled_at": record.handled_at}


@router.get("/keys", response=with_errors(KeysList), operation_id="transnational_keys_list")
def transnational_keys_list(request):
    return {"items": [_keys_row(pair) for pair in selectors.keys_for(actor=request.actor)]}


@router.post("/keys", response=with_errors({201: KeysOut}), operation_id="transnational_keys_create")
def transnational_keys_create(request, payload: KeysIn):
    pair = services.organisation_keys_create(actor=request.actor, package_id=payload.package_id)
    return Status(201, _keys_row(pair))


@router.get("/partners", response=with_errors(PartnerList), operation_id="transnational_partner_list")
def transnational_partner_list(request):
    return {"items": list(selectors.partners_for(actor=request.actor))}


@router.post("/partners", response=with_errors({201: PartnerOut}), operation_id="transnational_partner_add")
def transnational_partner_add(request, payload: PartnerIn):
    partner = services.partner_add(actor=request.actor, name=payload.name, country=payload.country,
                                   card=payload.card, fingerprint=payload.fingerprint)
    return Status(201, partner)


@router.delete("/partners/{partner_id}", response=with_errors({204: None}),
               operation_id="transnational_partner_remove")
def transnational_partner_remove(request, partner_id: int = id_path()):
    services.partner_remove(actor=request.actor, partner_id=partner_id)
    return Status(204, None)


@router.post("/{case_id}/packages", response=with_errors({200: None}), operation_id="transnational_send",
             openapi_extra=PACKAGE_FILE)
def transnational_send(request, payload: SendIn, case_id: int = id_path()):
    record, sealed = services.package_send(actor=request.actor, case_id=case_id, partner_id=payload.partner_id,
                                           legal_basis=payload.legal_basis)
    response = HttpResponse(sealed, content_type="application/octet-stream")
    response["Content-Disposition"] = f'attachment; filename="{record.package_id}.alliance-package"'
    return response


@router.post("/packages/receive", response=with_errors({201: ReceivedOut}), operation_id="transnational_receive")
def transnational_receive(request, package: File[UploadedFile]):
    if not services.may_receive(request.actor):
        raise Forbidden("case.import")
    data = package.read(services.MAX_PACKAGE_BYTES + 1)
    record = services.package_receive(actor=request.actor, data=data)
    return Status(201, _received(request, record.pk))


def _received(request, package_id: int) -> dict:
    preview = selectors.package_preview_for(actor=request.actor, package_id=package_id)
    return {**_package_row(preview.record), "verified": preview.verified,
            "sender_fingerprint": preview.sender_fingerprint, "sealed_at": preview.created_at}


@router.get("/packages", response=with_errors(PackageList), operation_id="transnational_package_list")
def transnational_package_list(request):
    rows = selectors.packages_for(actor=request.actor)
    items = [_package_row(record) for record in rows[:200]]
    return {"items": items, "count": rows.count()}


@router.get("/packages/{package_id}", response=with_errors(ReceivedOut), operation_id="transnational_package_get")
def transnational_package_get(request, package_id: int = id_path()):
    return _received(request, package_id)


@router.post("/packages/{package_id}/accept", response=with_errors(AcceptOut),
             operation_id="transnational_accept")
def transnational_accept(request, package_id: int = id_path()):
    case = services.package_accept(actor=request.actor, package_id=package_id)
    record = selectors.package_preview_for(actor=request.actor, package_id=package_id).record
    return {"package": _package_row(record), "case_id": case.pk, "number": case.number}


@router.post("/packages/{package_id}/refuse", response=with_errors(PackageOut),
             operation_id="transnational_refuse")
def transnational_refuse(request, payload: RefuseIn, package_id: int = id_path()):
    record = services.package_refuse(actor=request.actor, package_id=package_id, reason=payload.reason)
    return _package_row(record)
