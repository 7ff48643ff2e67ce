"""The cases a scenario opens before the start (world.yaml `initial_cases`), and the purge of what trainees
uploaded to sandbox cases."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection

from alliance.cases.models import Case, Document
from alliance.cases.services.casefile.documents import document_get_content, document_upload
from alliance.core import audit
from alliance.core.models import AuditEvent
from alliance.directory.models import Organisation
from alliance.exercises.domain.scenario_package import PackageRefused, archive, validate
from alliance.exercises.services.runs import run_finish, run_purge
from alliance.exercises.services.sandboxes import sandbox_rows
from tests.exercises.test_run_world import SHIPPED, make_run, trainee_actor

pytestmark = pytest.mark.django_db
CHILDREN = "dreamland-children-of-the-station"


def test_each_sandbox_starts_with_the_scenarios_open_cases_held_by_their_agency():
    run, _boss, _controller, _trainees = make_run(teams=2, slug=CHILDREN)
    for team in run.teams.all():
        cases = list(Case.objects.filter(realm_id=team.realm_id))
        assert len(cases) == 1
        case = cases[0]
        police = Organisation.objects.get(sandbox=team.realm, sector="law_enforcement")
        assert case.owner_organisation_id == police.pk and case.is_child and case.nrm_stage == "detected"
        assert case.number.startswith(f"X{team.realm_id}-")
        assert case.person.given_name == "Mirel" and case.victim_context["exploitation_types"] == ["ForcedBegging"]
        assert AuditEvent.objects.filter(realm_id=team.realm_id, object_type="case", action="create",
                                         object_id=str(case.pk)).exists()
    # encrypted at rest: the stored name is not the plain text
    with connection.cursor() as cursor:
        cursor.execute("SELECT given_name FROM cases_person WHERE id = %s", [case.person_id])
        assert "Mirel" not in str(cursor.fetchone()[0])


def test_the_initial_case_is_in_the_runs_language():
    run = make_run(teams=1, slug=CHILDREN, language="ru")[0]
    assert Case.objects.get(realm_id=run.teams.get().realm_id).person.given_name == "Мирел"


def _files(**replace: bytes) -> dict[str, bytes]:
    files, problems = archive.read_folder(SHIPPED / CHILDREN)
    assert not problems
    return {**files, **replace}


@pytest.mark.parametrize("change, broken, reason", [
    ("agency: xd-police-juvenile\n    given_name", "agency: nobody\n    given_name", "unknown agency 'nobody'"),
    ("exploitation_types: [ForcedBegging]", "exploitation_types: [Juggling]", "unknown exploitation type 'Juggling'"),
    ("stage: detected", "stage: convicted", "stage"),
    ("given_name: {en: Mirel, ru: Мирел}", "given_name: {en: Mirel}", "no ru text"),
])
def test_a_bad_initial_case_is_refused_with_file_and_line(change, broken, reason):
    world = (SHIPPED / CHILDREN / "world.yaml").read_text(encoding="utf-8")
    assert change in world
    text = world.replace(change, broken)
    first = broken.splitlines()[0]
    line = next(n for n, row in enumerate(text.splitlines(), 1) if row.strip() == first.strip())
    with pytest.raises(PackageRefused) as refused:
        validate(_files(**{"world.yaml": text.encode()}))
    problems = [p for p in refused.value.problems if p.file == "world.yaml"]
    assert any(reason in p.reason and p.line == line for p in problems), problems


def test_purge_deletes_the_documents_trainees_uploaded_and_the_audit_chain_still_verifies():
    run, boss, _controller, trainees = make_run(teams=1, slug=CHILDREN)
    team = run.teams.get()
    case = Case.objects.get(realm_id=team.realm_id)
    officer = trainee_actor(trainees[0][0], team)
    assert officer.organisation_id == case.owner_organisation_id  # the police seat holds the initial case
    pdf = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% Platform 4, 19:40\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    document = document_upload(actor=officer, case_id=case.pk, title="Patrol note",
                               file=SimpleUploadedFile("patrol.pdf", pdf, content_type="application/pdf"))
    assert document_get_content(actor=officer, document_id=document.pk)[1] == pdf
    run_finish(actor=boss, run_id=run.pk)
    run_purge(actor=boss, run_id=run.pk)
    assert not Document.objects.filter(pk=document.pk).exists() and not Case.objects.filter(pk=case.pk).exists()
    assert sandbox_rows(realm_ids=[team.realm_id]) == {}
    assert audit.verify().ok
    assert AuditEvent.objects.filter(object_type="document", object_id=str(document.pk), action="create").exists()
