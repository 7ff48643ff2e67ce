"""Checking a certificate of participation from its printed code, without an account: what it certifies
and nothing more; a code never issued, or withdrawn, does not verify; the code is typed as from paper;
every check is audited and the PDF says where to check."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from alliance.core.models import AuditEvent
from alliance.exercises.domain.after_action import CERTIFICATE_CODE_ALPHABET, certificate_code_typed
from alliance.exercises.models import Certificate
from alliance.exercises.services.after_action import attendance_mark, certificates_issue
from tests.exercises import after_action_world

pytestmark = pytest.mark.django_db
VERIFY = "/exercises/certificates/verify/"


@pytest.fixture
def issued():
    world = after_action_world.build()
    world.finish()
    certificates_issue(actor=world.boss, run_id=world.run.pk)
    return world, Certificate.objects.get()


def test_anyone_with_the_code_sees_what_the_certificate_prints(client, issued):
    world, certificate = issued
    code = certificate.code
    typed = f" {code[:4].lower()}-{code[4:8]} {code[8:]} "  # as read from paper
    html = client.get(VERIFY, {"code": typed}).content.decode()
    assert 'data-testid="certificate-valid"' in html
    assert world.trainees[0][0].display_name in html and world.run.name in html
    assert world.run.teams.get(number=1).name not in html  # the team and results are not on the certificate
    event = AuditEvent.objects.get(object_type="certificate", action="view")
    assert event.object_id == str(certificate.pk) and event.user_id is None
    assert code not in (event.reason + event.object_id + str(event.fields))


@pytest.mark.parametrize("code", ["23456789ABCD", "0000-1111-2222", "x" * 500, "<script>"])
def test_a_code_never_issued_does_not_verify(client, issued, code):
    html = client.get(VERIFY, {"code": code}).content.decode()
    assert 'data-testid="certificate-unknown"' in html and 'data-testid="certificate-valid"' not in html
    assert "<script>" not in html


def test_a_withdrawn_certificate_no_longer_verifies(client, issued):
    world, certificate = issued
    attendance_mark(actor=world.controller, run_id=world.run.pk, trainee_id=certificate.trainee_id, present=False)
    assert 'data-testid="certificate-unknown"' in client.get(VERIFY, {"code": certificate.code}).content.decode()


def test_the_page_without_a_code_asks_for_one(client, db):
    answer = client.get(VERIFY)
    assert answer.status_code == 200 and b'name="code"' in answer.content
    assert b"certificate-unknown" not in answer.content
    assert not AuditEvent.objects.filter(object_type="certificate").exists()


def test_the_certificate_says_where_to_check_it(client, issued, monkeypatch):
    # The PDF's text is in embedded-font glyphs, not searchable here: what the page is asked to print is.
    from alliance.exercises.views import after_action, after_action_pdf

    printed = []
    monkeypatch.setattr(after_action, "certificates_pdf", lambda sheets, *, verify_url: printed.append(
        verify_url) or after_action_pdf.certificates_pdf(sheets, verify_url=verify_url))
    world, _certificate = issued
    client.force_login(world.trainees[0][0])
    pdf = client.get(f"/exercises/runs/{world.run.pk}/my-certificate.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert printed == ["http://testserver/exercises/certificates/verify/"]


@given(st.text(alphabet=CERTIFICATE_CODE_ALPHABET, min_size=12, max_size=12),
       st.lists(st.sampled_from([" ", "-", "\t"]), max_size=4), st.booleans())
def test_a_code_typed_with_spaces_hyphens_or_in_lower_case_reads_as_printed(code, noise, lower):
    typed = (code.lower() if lower else code)
    for i, mark in enumerate(noise):
        cut = (i * 3 + 2) % 12
        typed = typed[:cut] + mark + typed[cut:]
    assert certificate_code_typed(typed) == code


@given(st.text(max_size=40))
def test_anything_else_is_no_code_or_a_well_formed_one(text):
    code = certificate_code_typed(text)
    assert code is None or (len(code) == 12 and set(code) <= set(CERTIFICATE_CODE_ALPHABET))
