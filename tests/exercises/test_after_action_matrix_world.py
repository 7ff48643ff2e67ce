"""The after-action endpoints in the permission matrix (tests/test_permission_matrix.py; no test here).

One finished one-team run per test, made by a co-ordinator of another agency, whose trainee acted in the
sandbox and holds a certificate; a fresh improvement item per request. The matrix's actor holds no staff
row and is no trainee of the run: only training co-ordinators (run.manage, programme.manage) read and keep
the report; the trainee's pages answer nobody here; the trainee's own list answers everyone (empty).
"""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from alliance.exercises.services.after_action import certificates_issue, improvement_item_create
from tests import factories
from tests.exercises import after_action_world
from tests.exercises.test_run_matrix_world import client_world, endpoints_of

UI = {"exercises:aar": ("GET", "coord"), "exercises:aar_pdf": ("GET", "coord"),
      "exercises:aar_improvement_add": ("POST", "coord"), "exercises:aar_improvement_edit": ("GET", "coord"),
      "exercises:aar_improvement_csv": ("GET", "coord"), "exercises:aar_attendance": ("POST", "coord"),
      "exercises:aar_certificates_issue": ("POST", "coord"), "exercises:aar_certificates_pdf": ("GET", "coord"),
      "exercises:aar_certificate_pdf": ("GET", "coord"), "exercises:aar_feedback": ("GET", "none"),
      "exercises:aar_my_certificate": ("GET", "none"), "exercises:aar_mine": ("GET", "every")}
API = {"after_action_get": ("GET", "coord"), "after_action_feedback_submit": ("PUT", "none"),
       "after_action_feedback_get": ("GET", "none"), "after_action_improvement_create": ("POST", "coord"),
       "after_action_improvement_list": ("GET", "coord"), "after_action_improvement_update": ("PATCH", "coord"),
       "after_action_improvement_delete": ("DELETE", "coord"), "after_action_certificates_issue": ("POST", "coord"),
       "after_action_certificate_get": ("GET", "coord"), "after_action_my_certificate": ("GET", "none")}


def endpoints() -> list[tuple[str, str, set[str], bool]]:
    return endpoints_of(UI, API)


def is_matrix_endpoint(name: str, api: bool) -> bool:
    return name in (API if api else UI)


def _world(client):
    from alliance.exercises.models import ExerciseRun

    cache = client_world(client)
    # The cache is keyed by the client's id, which a later test's client may reuse after the rollback.
    if "aar" not in cache or not ExerciseRun.objects.filter(
            pk=cache["aar"].run.pk, created_at=cache["aar"].run.created_at).exists():
        world = after_action_world.build(teams=1, trainees_per_team=1)
        world.finish()
        certificates_issue(actor=world.boss, run_id=world.run.pk)
        cache["aar"] = world
        cache["aar_agency"] = factories.organisation("Matrix academy")
    return cache["aar"], cache["aar_agency"]


def matrix_request(client, name: str, *, api: bool, token: str | None):
    world, agency = _world(client)
    run, trainee = world.run, world.trainees[0][0]
    due = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
    item = improvement_item_create(actor=world.boss, run_id=run.pk, data={
        "finding": "Late referral", "corrective_action": "Drill it", "organisation_id": agency.pk,
        "due_on": timezone.localdate() + dt.timedelta(days=20)})
    if not api:
        method, _who = UI[name]
        kwargs = {"exercises:aar_improvement_edit": {"run_id": run.pk, "item_id": item.pk},
                  "exercises:aar_certificate_pdf": {"run_id": run.pk, "trainee_id": trainee.pk},
                  "exercises:aar_mine": {}}
        url = reverse(name, kwargs=kwargs.get(name, {"run_id": run.pk}))
        bodies = {"exercises:aar_improvement_add": {"finding": "F", "corrective_action": "A", "due_on": due,
                                                    "organisation": str(agency.pk), "status": "open"},
                  "exercises:aar_attendance": {"trainee": str(trainee.pk), "present": "yes"}}
        return client.get(url) if method == "GET" else client.post(url, bodies.get(name, {}))
    method, _who = API[name]
    base = f"/api/v1/exercises/runs/{run.pk}"
    paths = {"after_action_get": f"{base}/after-action", "after_action_feedback_submit": f"{base}/feedback",
             "after_action_feedback_get": f"{base}/feedback", "after_action_improvement_create": f"{base}/improvements",
             "after_action_improvement_list": f"{base}/improvements",
             "after_action_improvement_update": f"/api/v1/exercises/improvements/{item.pk}",
             "after_action_improvement_delete": f"/api/v1/exercises/improvements/{item.pk}",
             "after_action_certificates_issue": f"{base}/certificates",
             "after_action_certificate_get": f"{base}/certificates/{trainee.pk}.pdf",
             "after_action_my_certificate": f"{base}/my-certificate.pdf"}
    bodies = {"after_action_feedback_submit": {"realism": 4, "relevance": 4, "organisation": 4, "debrief": 4},
              "after_action_improvement_create": {"finding": "F", "corrective_action": "A", "due_on": due,
                                                  "organisation_id": agency.pk},
              "after_action_improvement_update": {"status": "done"}}
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    path = paths[name]
    if method == "GET":
        return client.get(path, **headers)
    if method == "DELETE":
        return client.delete(path, **headers)
    send = {"POST": client.post, "PUT": client.put, "PATCH": client.patch}[method]
    return send(path, bodies.get(name, {}), content_type="application/json", **headers)
