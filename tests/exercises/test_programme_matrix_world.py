"""Programmes under each relation of the permission matrix (tests/test_permission_matrix.py); no tests of
its own.

own: a programme of the matrix member's organisation in the live realm; shared: programmes are never
shared, so another organisation's stands in (and must be refused); other_org: another organisation's;
other_realm: one of the member's organisation's recorded in an exercise realm (never reachable from the live
realm). Each has a closed call with one confirmed applicant, so selection and notification have work.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from alliance.core import roles as R
from alliance.exercises.models import Applicant, Call, Edition, Programme

MATRIX_WEB = {
    "exercises:programmes": ("GET", "/exercises/programmes/"),
    "exercises:programme": ("GET", "/exercises/programmes/{programme}/"),
    "exercises:programme_new": ("GET", "/exercises/programmes/new/"),
    "exercises:edition_new": ("GET", "/exercises/programmes/{programme}/editions/new/"),
    "exercises:call_edit": ("GET", "/exercises/programmes/editions/{edition}/call/"),
    "exercises:call_publish": ("POST", "/exercises/programmes/calls/{call}/publish/"),
    "exercises:report": ("GET", "/exercises/programmes/{programme}/report/"),
    "exercises:report_pdf": ("GET", "/exercises/programmes/{programme}/report.pdf"),
    "exercises:report_csv": ("GET", "/exercises/programmes/{programme}/report.csv"),
    "exercises:applicants": ("GET", "/exercises/programmes/calls/{call}/applicants/"),
    "exercises:select": ("POST", "/exercises/programmes/calls/{call}/select/"),
    "exercises:notify": ("POST", "/exercises/programmes/calls/{call}/notify/"),
    "exercises:applicant": ("GET", "/exercises/programmes/applicants/{applicant}/"),
}
MATRIX_API = {"programme_report": ("GET", "/api/v1/exercises/programmes/{programme}/report"),
              "programme_create": ("POST", "/api/v1/exercises/programmes"),
              "edition_create": ("POST", "/api/v1/exercises/programmes/{programme}/editions"),
              "call_save": ("POST", "/api/v1/exercises/editions/{edition}/call"),
              "call_publish": ("POST", "/api/v1/exercises/calls/{call}/publish")}


def api_bodies() -> dict:
    """Valid bodies, so that a granted request is answered 201/200; programme titles differ per request."""
    starts = (timezone.localdate() + dt.timedelta(days=40)).isoformat()
    return {"programme_create": {"title": f"Matrix API programme {next(_titles)}"},
            "edition_create": {"title": "API edition", "starts_on": starts, "ends_on": starts, "country": "IT",
                               "language": "en", "capacity": 20},
            "call_save": {"deadline": f"{starts}T12:00:00Z", "profiles": ["police"],
                          "criteria": [{"code": "experience", "label": "E", "weight": 1, "kind": "years"}]},
            "call_publish": {"published": True}}


_titles = iter(range(1, 10**9))
COORDINATORS = {R.TRAINING_COORDINATOR}


def is_matrix_endpoint(name: str, api: bool) -> bool:
    return name in (MATRIX_API if api else MATRIX_WEB)


def _programme(world, relation: str) -> dict:
    made = world.setdefault("programmes", {})
    if relation in made:
        return made[relation]
    from alliance.directory.selectors import live_realm

    if relation in ("shared", "other_org"):
        organisation = world["cases"]["other_org"].owner_organisation
    else:
        organisation = world["mine"]
    realm = world["cases"]["other_realm"].realm if relation == "other_realm" else live_realm()
    programme = Programme.objects.create(realm=realm, organisation=organisation, title=f"Matrix {relation}")
    starts = timezone.localdate() + dt.timedelta(days=30)
    edition = Edition.objects.create(programme=programme, title="Edition", starts_on=starts, ends_on=starts,
                                     venue="Vicenza", country="IT", capacity=2)
    call = Call.objects.create(edition=edition, published=True, profiles=["police"], deadline=timezone.now(),
                               criteria=[{"code": "experience", "label": "E", "weight": 1, "kind": "years"}])
    applicant = Applicant.objects.create(
        realm=realm, call=call, given_name="Mat", family_name="Rix", email=f"{relation}@matrix.test",
        profession="police", country="KZ", gender="female", languages=["en"], years_experience=4,
        submitted_at=timezone.now(), confirmed_at=timezone.now())
    made[relation] = {"programme": programme.pk, "edition": edition.pk, "call": call.pk, "applicant": applicant.pk}
    return made[relation]


def matrix_request(client, name: str, *, api: bool, relation: str, world, token: str | None):
    ids = _programme(world, "own" if relation == "anonymous" else relation)
    method, template = (MATRIX_API if api else MATRIX_WEB)[name]
    path = template.format(**ids)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if api and token else {}
    if method == "GET":
        return client.get(path, **headers)
    if api:
        return client.post(path, api_bodies()[name], content_type="application/json", **headers)
    return client.post(path, {}, **headers)



