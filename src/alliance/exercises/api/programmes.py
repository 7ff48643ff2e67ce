"""/api/v1/exercises/programmes/...: programmes, their editions and calls created (and calls published) by
the training co-ordinators, the programme report as JSON (counts only), and the public submission of an
application. The same selectors, services, policy and audit as the pages (services/programmes.py,
core/policy/programme.py); bad input is a 422 naming each field and changes nothing."""

from __future__ import annotations

import datetime as dt
from datetime import date
from typing import Any, Literal

from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from alliance.core.api_schemas import ISO_DATE, StrictIn, calendar_date, id_path, with_errors
from alliance.core.errors import ValidationFailed
from alliance.core.middleware import client_address
from alliance.directory.selectors import live_realm
from alliance.exercises.selectors.programmes import programme_report_for
from alliance.exercises.services.applications import application_submit, public_actor
from alliance.exercises.services.programmes import call_publish, call_save, edition_create, programme_create

router = Router(tags=["exercises"])


class EditionFigures(Schema):
    id: int
    title: str
    starts_on: date
    ends_on: date
    venue: str
    language: str
    groups: int
    capacity: int
    applications: int = Field(description="Confirmed applications")
    selected: int
    countries: int = Field(description="States the selected participants came from")


class ProgrammeRef(Schema):
    id: int
    title: str


class ProgrammeReport(Schema):
    programme: ProgrammeRef
    participants: int = Field(description="Selected participants over every edition")
    states: int = Field(description="Distinct States of the participants over every edition")
    groups: int
    editions: list[EditionFigures]
    by_profession: dict[str, int]
    by_gender: dict[str, int]
    by_country: dict[str, int] = Field(description="ISO 3166-1 alpha-2 code -> participants")


@router.get("/programmes/{programme_id}/report", response=with_errors(ProgrammeReport),
            operation_id="programme_report")
def programme_report(request, programme_id: int = id_path()):
    return programme_report_for(actor=request.actor, programme_id=programme_id, channel_reason="report api")


class ApplicationIn(StrictIn):
    given_name: str = Field("", max_length=100)
    family_name: str = Field("", max_length=100)
    email: str = Field("", max_length=254)
    profession: str = Field("", max_length=32)
    agency: str = Field("", max_length=200)
    country: str = Field("", max_length=2)
    gender: str = Field("", max_length=8)
    languages: list[str] = Field(default_factory=list, max_length=30)
    years_experience: int | None = Field(None, ge=0, le=60)
    motivation: str = Field("", max_length=4000)
    nominated: bool = False
    nominating_authority: str = Field("", max_length=200)
    answers: dict[str, str] = Field(default_factory=dict, max_length=10)
    language: str = Field("en", max_length=8, description="The applicant's language for every message")


class SubmissionOut(Schema):
    message: str = Field(description="The same for a new application and a repeat: nothing tells who applied")


@router.post("/calls/{call_id}/applications", auth=None, response=with_errors({202: SubmissionOut}),
             operation_id="application_submit")
def application_submit_api(request, payload: ApplicationIn, call_id: int = id_path()):
    data = payload.dict()
    language = data.pop("language")
    confirm = request.build_absolute_uri(reverse("exercises:apply_confirm", kwargs={"token": "TOKEN"}))
    actor = public_actor(realm_id=live_realm().pk, address=client_address(request))
    submitted = application_submit(actor=actor, call_id=call_id, data=data, language=language,
                                   confirm_url=confirm.replace("TOKEN", "{token}"))
    return Status(202, {"message": submitted.message})


# -- programmes, editions, calls: the co-ordinator's pages as JSON ----------------------------------------------

ISO_DATETIME = r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})?$"


class ProgrammeIn(StrictIn):
    title: str = Field(max_length=200)
    summary: str = Field("", max_length=4000)


class ProgrammeOut(Schema):
    id: int
    title: str
    summary: str


@router.post("/programmes", response=with_errors({201: ProgrammeOut}), operation_id="programme_create")
def programme_create_api(request, body: ProgrammeIn):
    programme = programme_create(actor=request.actor, title=body.title, summary=body.summary)
    return Status(201, {"id": programme.pk, "title": programme.title, "summary": programme.summary})


class EditionIn(StrictIn):
    title: str = Field(max_length=200)
    starts_on: str = Field(pattern=ISO_DATE)
    ends_on: str = Field(pattern=ISO_DATE)
    venue: str = Field("", max_length=200)
    country: str = Field(max_length=2, description="ISO 3166-1 alpha-2")
    language: Literal["en", "ru"] = Field(description="The language of instruction")
    capacity: int = Field(description="Places, 1 to 1000")
    groups: int = Field(1, description="Groups of trainees, 1 to 100")
    donors: str = Field("", max_length=500)
    staff: str = Field("", max_length=2000)


class EditionOut(Schema):
    id: int
    programme_id: int
    title: str
    starts_on: date
    ends_on: date
    venue: str
    country: str
    language: str
    capacity: int
    groups: int


def _edition_out(edition) -> dict:
    return {name: getattr(edition, name) for name in EditionOut.model_fields}


@router.post("/programmes/{programme_id}/editions", response=with_errors({201: EditionOut}),
             operation_id="edition_create")
def edition_create_api(request, body: EditionIn, programme_id: int = id_path()):
    data = body.dict()
    starts_on = calendar_date(data.pop("starts_on"), "starts_on")
    ends_on = calendar_date(data.pop("ends_on"), "ends_on")
    edition = edition_create(actor=request.actor, programme_id=programme_id, starts_on=starts_on, ends_on=ends_on,
                             **data)
    return Status(201, _edition_out(edition))


class CriterionIn(StrictIn):
    code: str = Field(max_length=40)
    label: str = Field(max_length=200)
    weight: float = Field(description="Above 0, at most 100")
    kind: str = Field(max_length=20)


class CustomFieldIn(StrictIn):
    name: str = Field(max_length=40)
    label: str = Field(max_length=200)
    required: bool = False


class CallIn(StrictIn):
    deadline: str = Field(pattern=ISO_DATETIME, description="UTC when no offset is given")
    profiles: list[str] = Field(max_length=20, description="Professions invited")
    criteria: list[CriterionIn] = Field(max_length=20)
    quotas: dict[str, Any] = Field(default_factory=dict, description="As on the page: max_per_country, "
                                   "min_share_gender, min_per_profession, max_per_profession")
    custom_fields: list[CustomFieldIn] = Field(default_factory=list, max_length=10)
    min_years: int = 0
    nomination_required: bool = False
    notification_date: str | None = Field(None, pattern=ISO_DATE)
    about: str = Field("", max_length=4000)
    roles: str = Field("", max_length=4000)
    storylines: str = Field("", max_length=4000)
    learning_objectives: str = Field("", max_length=4000)
    requirements: str = Field("", max_length=4000)


class CallOut(Schema):
    id: int
    edition_id: int
    published: bool
    deadline: dt.datetime
    profiles: list[str]


def _deadline(value: str) -> dt.datetime:
    try:
        when = dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationFailed({"deadline": ["Give the deadline as an ISO date and time."]}) from None
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


@router.post("/editions/{edition_id}/call", response=with_errors({201: CallOut}), operation_id="call_save")
def call_save_api(request, body: CallIn, edition_id: int = id_path()):
    """Create or replace the edition's call (unpublished until published)."""
    data = body.dict()
    data["deadline"] = _deadline(data["deadline"])
    data["notification_date"] = calendar_date(data["notification_date"], "notification_date")
    criteria = [{**c, "weight": int(c["weight"]) if float(c["weight"]).is_integer() else c["weight"]}
                for c in data.pop("criteria")]
    call = call_save(actor=request.actor, edition_id=edition_id, criteria=criteria, **data)
    return Status(201, {"id": call.pk, "edition_id": call.edition_id, "published": call.published,
                        "deadline": call.deadline, "profiles": call.profiles})


class PublishIn(StrictIn):
    published: bool = True


@router.post("/calls/{call_id}/publish", response=with_errors(CallOut), operation_id="call_publish")
def call_publish_api(request, body: PublishIn, call_id: int = id_path()):
    call = call_publish(actor=request.actor, call_id=call_id, published=body.published)
    return {"id": call.pk, "edition_id": call.edition_id, "published": call.published, "deadline": call.deadline,
            "profiles": call.profiles}

