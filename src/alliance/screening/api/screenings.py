"""/api/v1/screenings: submit a screening (from the page, a phone's offline queue or another collector), list,
read and score them, and make the one-step referral. The same selectors and services as the web pages."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime
from typing import Annotated, Any, Literal

from django.urls import reverse
from ninja import Query, Router, Schema, Status
from pydantic import ConfigDict, Field

from alliance.core.api_schemas import ISO_DATE, MAX_ID, PAGE, PAGE_SIZE, ErrorOut, StrictIn, id_path, with_errors
from alliance.core.pagination import paginate
from alliance.screening import services
from alliance.screening.domain import explain, languages
from alliance.screening.domain.interview import ANSWERS, SOURCES
from alliance.screening.models import Screening
from alliance.screening.selectors import screenings as selectors

router = Router(tags=["screening"])

# The nine built-in languages or one an administrator added (two or three lowercase letters): the service
# decides whether the catalogue versions named are offered in it.
LanguageCode = Annotated[str, Field(pattern=languages.CODE.pattern, min_length=2, max_length=3,
                                    description="ISO 639 code of an interview language, e.g. en, ar or ur")]


class StrictTypes(StrictIn):
    """Unknown fields refused, and no silent conversions ("true" is not true, 1 is not an age of true)."""

    model_config = ConfigDict(extra="forbid", strict=True)


class CatalogueRef(StrictTypes):
    code: str = Field(min_length=1, max_length=64)
    version: str = Field(min_length=1, max_length=32)


class AnswerIn(StrictTypes):
    catalogue: str = Field(min_length=1, max_length=64)
    indicator: str = Field(min_length=1, max_length=64)
    answer: Literal[ANSWERS]  # type: ignore[valid-type]
    source: Literal[SOURCES] | None = None  # type: ignore[valid-type]  # by default: self-reported or observed


class TakenBy(StrictTypes):
    user_id: int = Field(ge=1, le=MAX_ID)
    organisation_id: int = Field(ge=1, le=MAX_ID)
    realm_id: int = Field(ge=1, le=MAX_ID)


class SubmitIn(StrictTypes):
    """One finished interview. The catalogue versions, the answers and the person's age are checked by the
    service against the catalogues (unknown indicators, retired versions, skipped sections, a child recorded
    as an adult); the score is always computed on the server."""

    client_uuid: str = Field(min_length=1, max_length=64, description="UUID chosen when the interview started",
                             json_schema_extra={"format": "uuid"})
    started_at: str = Field(min_length=1, max_length=64, description="ISO 8601 with offset",
                            json_schema_extra={"format": "date-time"})
    finished_at: str = Field(min_length=1, max_length=64, description="ISO 8601 with offset",
                             json_schema_extra={"format": "date-time"})
    offline: bool = False
    interviewer_language: LanguageCode
    interviewee_language: LanguageCode
    interpreter: bool = False
    catalogues: list[CatalogueRef] = Field(max_length=10)
    sex: Literal[tuple(Screening.Sex.values)] = "unknown"  # type: ignore[valid-type]
    age: int | None = None
    age_group: Literal[tuple(Screening.AgeGroup.values)] | None = None  # type: ignore[valid-type]
    is_child: bool = False
    citizenship: str = Field(default="", max_length=2)
    work_type: Literal[tuple(Screening.WorkType.values)]  # type: ignore[valid-type]
    urgent: bool = False
    answers: list[AnswerIn] = Field(max_length=500)
    ticket: str | None = Field(default=None, max_length=1000, description=(
        "The ticket GET /screening/interview returned with the interview. Needed only when a catalogue version "
        "was retired after the interview was handed out: then the screening is received if the ticket shows "
        "the server issued that version to this account before the retirement, and the interview began before "
        "the retirement or was taken offline."))
    taken_by: TakenBy | None = Field(default=None, description=(
        "Who took the interview, in which organisation and realm (the phone's offline queue sends it): "
        "a screening taken by another account, organisation or realm is refused with 409, never stored here."))


class SubmitOut(Schema):
    id: int
    client_uuid: str
    outcome: str
    url: str


class ScreeningRow(Schema):
    id: int
    client_uuid: uuid.UUID
    finished_at: datetime
    received_at: datetime
    offline: bool
    outcome: str
    urgent: bool
    is_child: bool
    age_group: str
    sex: str
    citizenship: str
    work_type: str
    indicators_present: int
    interviewee_language: str
    case_id: int | None
    referred_at: datetime | None
    created_by_id: int


class ScreeningPage(Schema):
    items: list[ScreeningRow]
    count: int
    page: int
    page_size: int


class ListFilter(Schema):
    page: int = PAGE
    page_size: int = PAGE_SIZE


class DimensionOut(Schema):
    dimension: str
    present: bool
    text: str
    indicators: list[str]


class ElementOut(Schema):
    element: str
    state: str


class ListOut(Schema):
    list: str
    title: str
    indicated: bool
    verdict: str
    dimensions: list[DimensionOut]
    elements: list[ElementOut]


class ChecklistItem(Schema):
    id: str
    label: str


class ChecklistOut(Schema):
    code: str
    present: list[ChecklistItem]


class ExplainedOut(Schema):
    """The explanation worded in the reader's language (Accept-Language)."""

    band: str
    band_label: str
    advice: str
    urgent: bool
    indicators_present: int
    lists: list[ListOut]
    checklists: list[ChecklistOut]
    catalogues: list[dict[str, str]]
    rule: str


class ObservationOut(Schema):
    catalogue: str
    indicator: str
    label: str
    answer: str
    source: str


class ScreeningDetail(ScreeningRow):
    started_at: datetime
    interviewer_language: str
    interpreter: bool
    age: int | None
    case_number: str | None
    url: str
    catalogues: list[dict[str, str]]
    explanation: ExplainedOut
    observations: list[ObservationOut]


class ScoreOut(Schema):
    id: int
    outcome: str
    explanation: dict[str, Any]  # as stored: codes, ids and counts (screening/domain/scoring.py)
    worded: ExplainedOut


class ReferIn(StrictIn):
    given_name: str = Field(min_length=1, max_length=200)
    family_name: str = Field(min_length=1, max_length=200)
    birth_date: str | None = Field(default=None, pattern=ISO_DATE)
    organisation_id: int = Field(ge=1, le=MAX_ID)
    scope: Literal["full", "limited"] = "limited"
    purpose: str = Field(default="", max_length=300)
    consent: bool = False
    interpreter: bool | None = None


class ReferOut(Schema):
    case_id: int
    case_number: str
    referral_id: int


def _url(screening_id: int) -> str:
    return reverse("screening:detail", args=[screening_id])


def _worded(explanation: dict) -> dict:
    worded = explain.explain(explanation)
    for entry in worded["lists"]:
        entry["dimensions"] = [dataclasses.asdict(line) for line in entry["dimensions"]]
        entry["elements"] = [{"element": element, "state": state} for element, state in entry["elements"]]
    return worded


def _observations(screening: Screening) -> list[dict]:
    labels = {(c.code, i["id"]): i["label"] for c in screening.catalogues.all() for i in c.content["indicators"]}
    return [{**o, "label": labels.get((o["catalogue"], o["indicator"]), o["indicator"])}
            for o in (screening.answers or {}).get("observations", [])]


@router.post("", response=with_errors({201: SubmitOut, 200: SubmitOut, 409: ErrorOut}),
             operation_id="screening_submit")
def screening_submit(request, payload: SubmitIn):
    """201 when stored now; 200 with the same body when this client_uuid was already received with the same
    content (counted once); 409 when it was received with other content."""
    screening, created = services.screening_submit(actor=request.actor, payload=payload.model_dump(exclude_unset=True))
    body = {"id": screening.pk, "client_uuid": str(screening.client_uuid), "outcome": screening.outcome,
            "url": _url(screening.pk)}
    return Status(201 if created else 200, body)


@router.get("", response=with_errors(ScreeningPage), operation_id="screening_list")
def screening_list(request, filters: Query[ListFilter]):
    rows, count = paginate(selectors.screenings_recent(actor=request.actor), page=filters.page,
                           page_size=filters.page_size)
    selectors.screening_list_audit(actor=request.actor, ids=[row["id"] for row in rows])
    return {"items": rows, "count": count, "page": filters.page, "page_size": filters.page_size}


@router.get("/{screening_id}", response=with_errors(ScreeningDetail), operation_id="screening_get")
def screening_get(request, screening_id: int = id_path()):
    screening = selectors.screening_get_for(actor=request.actor, screening_id=screening_id, purpose="api")
    row = {column: getattr(screening, column) for column in selectors.LIST_COLUMNS}
    return {
        **row, "started_at": screening.started_at, "interviewer_language": screening.interviewer_language,
        "interpreter": screening.interpreter, "age": (screening.answers or {}).get("age"),
        "case_number": screening.case.number if screening.case_id else None, "url": _url(screening.pk),
        "catalogues": screening.explanation.get("catalogues", []), "explanation": _worded(screening.explanation),
        "observations": _observations(screening),
    }


@router.get("/{screening_id}/score", response=with_errors(ScoreOut), operation_id="screening_score")
def screening_score(request, screening_id: int = id_path()):
    screening = selectors.screening_get_for(actor=request.actor, screening_id=screening_id, purpose="score")
    return {"id": screening.pk, "outcome": screening.outcome, "explanation": screening.explanation,
            "worded": _worded(screening.explanation)}


@router.post("/{screening_id}/referral", response=with_errors({201: ReferOut}), operation_id="screening_refer")
def screening_refer(request, payload: ReferIn, screening_id: int = id_path()):
    case, share = services.screening_refer(
        actor=request.actor, screening_id=screening_id, given_name=payload.given_name,
        family_name=payload.family_name, organisation_id=payload.organisation_id, scope=payload.scope,
        purpose=payload.purpose, birth_date=payload.birth_date or "", consent=payload.consent,
        interpreter=payload.interpreter,
    )
    return Status(201, {"case_id": case.pk, "case_number": case.number, "referral_id": share.pk})
