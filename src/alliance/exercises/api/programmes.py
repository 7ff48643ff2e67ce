"""/api/v1/exercises/programmes/...: the programme report as JSON (counts only), and the public submission of
an application. The same selectors, services, policy and audit as the pages."""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from ninja import Router, Schema, Status
from pydantic import Field

from alliance.core.api_schemas import StrictIn, id_path, with_errors
from alliance.core.middleware import client_address
from alliance.directory.selectors import live_realm
from alliance.exercises.selectors.programmes import programme_report_for
from alliance.exercises.services.applications import application_submit, public_actor

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



