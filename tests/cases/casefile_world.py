"""Fictitious Dreamland agencies around one case, and files to upload, for the case-file tests.

Dreamland Police owns the case; Safe Harbour (a shelter) holds an accepted full share; Green Clinic holds a
limited share; Poorland Aid has nothing to do with it.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image

from alliance.cases.models import Case
from alliance.cases.services import case_create
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.directory.models import Membership
from alliance.directory.services import token_issue
from tests import factories

SECRET = b"Statement of 3 May: debt bondage, passport taken"
PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% " + SECRET + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def png(size=(32, 24), colour="blue") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def jpeg_with_gps() -> bytes:
    """A phone photo: the camera's make and the GPS position in EXIF, an XMP packet."""
    image = Image.new("RGB", (64, 48), "green")
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "DreamPhone"
    exif[ExifTags.Base.Model] = "DP-7 Secret Model"
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (52.0, 31.0, 12.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (13.0, 24.0, 0.0)
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=b"<x:xmpmeta>Safe house, Dream Street 7</x:xmpmeta>")
    return out.getvalue()


def docx(*, macros: bool = False) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
        if macros:
            archive.writestr("word/vbaProject.bin", b"\x00macro")
    return out.getvalue()


def upload(content: bytes, name: str, content_type: str = "application/octet-stream") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


@dataclass
class Desk:
    case: Case
    police: Membership  # the owner's case worker, who writes most things
    colleague: Membership  # another case worker of the owner
    shelter: Membership  # full share
    clinic: Membership  # limited share
    stranger: Membership  # another organisation, nothing shared
    authority: Membership  # the owner's competent authority: reads, never edits

    def actor(self, who: str) -> Actor:
        return factories.actor(getattr(self, who))

    def api(self, client, who: str):
        _t, raw = token_issue(actor=self.actor(who), name=f"t-{who}", days=1)
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


@pytest.fixture(name="desk")
def desk_fixture(db) -> Desk:
    police = factories.organisation("Dreamland Police", sector="law_enforcement")
    shelter = factories.organisation("Safe Harbour", sector="ngo")
    clinic = factories.organisation("Green Clinic", sector="health")
    poorland = factories.organisation("Poorland Aid", sector="ngo", country="XP")
    worker = factories.member(police, [R.INVESTIGATOR])
    case = case_create(actor=factories.actor(worker), given_name="Lea", family_name="Marn", pseudonym="Birch")
    factories.share(actor=factories.actor(worker), case_id=case.pk, organisation_id=shelter.pk, scope="full",
                    purpose="Shelter and support")
    factories.share(actor=factories.actor(worker), case_id=case.pk, organisation_id=clinic.pk, scope="limited",
                    purpose="Health check")
    return Desk(case=case, police=worker, colleague=factories.member(police, [R.CASE_WORKER]),
                shelter=factories.member(shelter, [R.CASE_WORKER]), clinic=factories.member(clinic, [R.CASE_WORKER]),
                stranger=factories.member(poorland, [R.CASE_WORKER]),
                authority=factories.member(police, [R.COMPETENT_AUTHORITY]))


# --- The permission matrix (tests/test_permission_matrix.py) -------------------------------------------
# name -> (method, path template). Paths name the case, or the relation's task, document or service.
MATRIX_WEB = {
    "cases:timeline": ("GET", "/cases/{case}/timeline/"),
    "cases:task_add": ("POST", "/cases/{case}/tasks/"),
    "cases:task_edit": ("GET", "/cases/tasks/{task}/"),
    "cases:task_complete": ("POST", "/cases/tasks/{task}/complete/"),
    "cases:note_add": ("POST", "/cases/{case}/notes/"),
    "cases:document_upload": ("POST", "/cases/{case}/documents/"),
    "cases:document_download": ("GET", "/cases/documents/{document}/"),
    "cases:support_plan": ("POST", "/cases/{case}/support-plan/"),
    "cases:service_add": ("POST", "/cases/{case}/support-plan/services/"),
    "cases:service_edit": ("POST", "/cases/support-services/{service}/"),
    "cases:my_tasks": ("GET", "/cases/tasks/mine/"),
}
MATRIX_API = {
    "case_timeline": ("GET", "/api/v1/cases/{case}/timeline"),
    "task_list": ("GET", "/api/v1/cases/{case}/tasks"),
    "task_create": ("POST", "/api/v1/cases/{case}/tasks"),
    "task_update": ("PATCH", "/api/v1/cases/tasks/{task}"),
    "task_complete": ("POST", "/api/v1/cases/tasks/{task}/complete"),
    "note_list": ("GET", "/api/v1/cases/{case}/notes"),
    "note_add": ("POST", "/api/v1/cases/{case}/notes"),
    "document_list": ("GET", "/api/v1/cases/{case}/documents"),
    "document_upload": ("POST", "/api/v1/cases/{case}/documents"),
    "document_download": ("GET", "/api/v1/cases/documents/{document}/content"),
    "support_plan_get": ("GET", "/api/v1/cases/{case}/support-plan"),
    "support_plan_save": ("PUT", "/api/v1/cases/{case}/support-plan"),
    "support_service_add": ("POST", "/api/v1/cases/{case}/support-plan/services"),
    "support_service_update": ("PATCH", "/api/v1/cases/support-services/{service}"),
    "my_tasks": ("GET", "/api/v1/cases/tasks/mine"),
}
MATRIX_BODIES = {
    "cases:task_add": {"title": "Matrix task"}, "task_create": {"title": "Matrix task"},
    "task_update": {"title": "Matrix task, renamed"},
    "cases:note_add": {"body": "Matrix note", "sensitivity": "standard"}, "note_add": {"body": "Matrix note"},
    "cases:support_plan": {"objectives": "Matrix"}, "support_plan_save": {"objectives": "Matrix"},
    "cases:service_add": {"support_type": "Legal", "provider_name": "Matrix Law", "status": "planned"},
    "support_service_add": {"support_type": "Legal", "provider_name": "Matrix Law"},
    "cases:service_edit": {"status": "in_progress"}, "support_service_update": {"status": "in_progress"},
}


def is_matrix_endpoint(name: str, api: bool) -> bool:
    return name in (MATRIX_API if api else MATRIX_WEB)


def _file_of(world, relation: str, membership: Membership) -> dict:
    """A task, a document and a support service on the relation's case, written by its owner; and a task on it
    given to the matrix's member (directly: the owner may have no right to give them one)."""
    from alliance.cases.models import Task
    from alliance.cases.services.casefile import document_upload, support_plan_save, support_service_add, task_create

    files = world.setdefault("casefile", {})
    if relation not in files:
        case = world["cases"][relation]
        realm = case.realm if case.realm_id != world["live"].pk else None
        owner = factories.member(case.owner_organisation, [R.TRAINER] if realm else [R.CASE_WORKER])
        if realm:
            realm.participants.add(owner.user)
        actor = factories.actor(owner, realm)
        support_plan_save(actor=actor, case_id=case.pk)
        files[relation] = {
            "case": case.pk,
            "task": task_create(actor=actor, case_id=case.pk, title="Matrix").pk,
            "document": document_upload(actor=actor, case_id=case.pk, file=upload(PDF, "m.pdf")).pk,
            "service": support_service_add(actor=actor, case_id=case.pk, support_type="Health",
                                           provider_name="Matrix Clinic").pk,
        }
        Task.objects.create(case=case, organisation=case.owner_organisation, title="Matrix, mine",
                            assignee=membership.user)
    return files[relation]


def matrix_request(client, name: str, *, api: bool, relation: str, world, membership: Membership,
                   token: str | None):
    ids = _file_of(world, "own" if relation == "anonymous" else relation, membership)
    method, template = (MATRIX_API if api else MATRIX_WEB)[name]
    path = template.format(**ids)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if api and token else {}
    body = MATRIX_BODIES.get(name, {})
    if method == "GET":
        return client.get(path, **headers)
    if name in ("cases:document_upload", "document_upload"):
        return client.post(path, {"file": upload(PDF, "matrix.pdf"), "sensitivity": "standard"}, **headers)
    if not api:
        return client.post(path, body)
    send = {"POST": client.post, "PUT": client.put, "PATCH": client.patch}[method]
    return send(path, body, content_type="application/json", **headers)
