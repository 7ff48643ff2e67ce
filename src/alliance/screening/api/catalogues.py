"""/api/v1/screening: the indicator catalogues, the current interview (for collectors) and its XLSForm.

Catalogues hold no personal data: every authenticated caller may read the published versions (an old
screening is explained with the version it used, retired or not). Drafts exist only for catalogue editors;
to anyone else they are not found.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import Path, Router, Schema
from ninja.errors import HttpError

from alliance.core import policy
from alliance.core import roles as R
from alliance.core.api_schemas import with_errors
from alliance.core.errors import Forbidden
from alliance.screening.domain import languages
from alliance.screening.domain.interview import ANSWERS, SOURCES, InterviewUnavailable, current_interview
from alliance.screening.domain.tickets import ticket_issue
from alliance.screening.domain.xlsform import FORM_ID, build_xlsform, field_name
from alliance.screening.services import catalogues as service

router = Router(tags=["screening"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CatalogueOut(Schema):
    code: str
    version: str
    title: str
    kind: str
    published_at: dt.datetime | None
    retired_at: dt.datetime | None
    draft: bool  # only catalogue editors ever receive a draft
    sha256: str
    indicators: int


class CatalogueContentOut(CatalogueOut):
    content: dict


class VersionOut(Schema):
    code: str
    version: str
    sha256: str


class LanguageOut(Schema):
    code: str
    name: str
    direction: str


class QuestionOut(Schema):
    catalogue: str
    indicator: str
    field: str  # the XLSForm field name
    label: str
    observe: bool
    dimension: str | None
    text: dict[str, str]


class SectionOut(Schema):
    key: str
    title: str
    shown_when: str  # always | worked (work_type != none) | child (is_child)
    questions: list[QuestionOut]


class InterviewOut(Schema):
    catalogues: list[VersionOut]
    ticket: str  # send it back with each screening taken with this interview
    languages: list[LanguageOut]
    answers: list[str]
    sources: list[str]
    sections: list[SectionOut]


def _out(row) -> dict:
    return {"code": row.code, "version": row.version, "title": row.title, "kind": row.kind,
            "published_at": row.published_at, "retired_at": row.retired_at, "draft": row.is_draft,
            "sha256": row.sha256, "indicators": len(row.content.get("indicators", []))}


@router.get("/catalogues", response=with_errors(list[CatalogueOut]), operation_id="screening_catalogue_list")
def screening_catalogue_list(request):
    """Every catalogue version: the published ones (in use or retired), and the drafts for catalogue editors."""
    return [_out(row) for row in service.catalogues_visible(actor=request.actor)]


@router.get("/catalogues/{code}/{version}", response=with_errors(CatalogueContentOut),
            operation_id="screening_catalogue_get")
def screening_catalogue_get(request, code: str = Path(..., max_length=64),
                            version: str = Path(..., max_length=32)):
    """One version with its whole content (indicators, ratings, questions in every language)."""
    row = service.catalogue_visible(actor=request.actor, code=code, version=version)
    return {**_out(row), "content": row.content}


def _interview():
    try:
        return current_interview()
    except InterviewUnavailable:
        # Not a server fault the caller could wait out: nothing to serve until the catalogues are loaded.
        raise HttpError(404, "The interview is not available: a catalogue it needs has no published version.") \
            from None


@router.get("/interview", response=with_errors(InterviewOut),
            operation_id="screening_interview")
def screening_interview(request):
    """The interview a collector asks now: the newest published version of each catalogue it uses, its
    sections in order with their skip rule, and each question in every supported language."""
    if not policy.may(request.actor, R.SCREENING_CONDUCT):
        raise Forbidden(R.SCREENING_CONDUCT)
    interview = _interview()
    offered = languages.offered(interview.catalogues)  # the nine, and any added language all versions carry
    return {
        "catalogues": [{"code": c.code, "version": c.version, "sha256": c.sha256} for c in interview.catalogues],
        "ticket": ticket_issue(request.actor, interview.catalogues),
        "languages": [{"code": d["code"], "name": d["name"], "direction": d["dir"]}
                      for d in languages.described(offered)],
        "answers": list(ANSWERS), "sources": list(SOURCES),
        "sections": [{"key": s.key, "title": s.title, "shown_when": s.shown_when, "questions": [
            {"catalogue": q.catalogue, "indicator": q.indicator, "field": field_name(q.catalogue, q.indicator),
             "label": q.label, "observe": q.observe, "dimension": q.dimension,
             "text": {code: str(q.text.get(code, "")) for code in offered}}
            for q in s.questions]} for s in interview.sections],
    }


@router.get("/xlsform", response=with_errors({200: None}), operation_id="screening_xlsform")
def screening_xlsform(request):
    """The current interview as an XLSForm workbook (.xlsx) for ODK Collect and KoboToolbox."""
    if not policy.may_download_xlsform(request.actor):
        raise Forbidden(R.SCREENING_CONDUCT)
    response = HttpResponse(build_xlsform(_interview()), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{FORM_ID}.xlsx"'
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "no-store"
    return response
