"""/api/v1/exercises/scenarios: scenario packages for training co-ordinators, the same services as the pages.

A refused import answers 422 with every problem under details.package as `file:line: reason`, and nothing
is stored; the download is the zip of the files exactly as imported.
"""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from ninja import File, Path, Router, Schema, Status
from ninja.files import UploadedFile

from alliance.core.api_schemas import with_errors
from alliance.exercises.domain.scenario_package import vocabulary as V
from alliance.exercises.selectors.scenarios import scenario_get_for, scenario_list_for
from alliance.exercises.services.scenarios import scenario_export, scenario_import

router = Router(tags=["exercises"])


class ScenarioOut(Schema):
    slug: str
    version: str
    format_version: int
    title: dict[str, str]
    languages: list[str]
    sha256: str
    imported_at: dt.datetime


class ScenarioContentOut(ScenarioOut):
    content: dict
    evidence: list[dict]


def _out(row) -> dict:
    return {key: getattr(row, key) for key in ScenarioOut.model_fields}


@router.get("/scenarios", response=with_errors(list[ScenarioOut]), operation_id="scenario_list")
def scenario_list_op(request):
    return [_out(row) for row in scenario_list_for(actor=request.actor)]


@router.post("/scenarios", response=with_errors({201: ScenarioOut}), operation_id="scenario_import")
def scenario_import_op(request, file: File[UploadedFile]):
    """A zip of a package, at most 20 MB; refused whole (422) on any problem."""
    data = file.read(V.MAX_TOTAL_BYTES + 1)
    row = scenario_import(actor=request.actor, data=data)
    return Status(201, _out(row))


@router.get("/scenarios/{slug}/{version}", response=with_errors(ScenarioContentOut), operation_id="scenario_get")
def scenario_get_op(request, slug: str = Path(..., max_length=63), version: str = Path(..., max_length=16)):
    row = scenario_get_for(actor=request.actor, slug=slug, version=version)
    evidence = [{"path": e.path, "media_type": e.media_type, "size": e.size, "sha256": e.sha256}
                for e in row.evidence.defer("data")]
    return {**_out(row), "content": row.content, "evidence": evidence}


@router.get("/scenarios/{slug}/{version}/package.zip", response=with_errors({200: None}),
            operation_id="scenario_download")
def scenario_download_op(request, slug: str = Path(..., max_length=63), version: str = Path(..., max_length=16)):
    exported = scenario_export(actor=request.actor, slug=slug, version=version)
    response = HttpResponse(exported.zip(), content_type="application/zip")
    response["Content-Disposition"] = f'attachment; filename="{exported.name}.zip"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
