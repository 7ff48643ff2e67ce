"""The programme report: the demo programme's figures (the seed deck's), the page with its charts, the
PDF, the CSV and the API, under the same policy and audit."""

from __future__ import annotations

import csv
import io

import pytest

from alliance.core import roles as R
from alliance.core.models import AuditEvent
from alliance.directory.models import Membership
from alliance.exercises.demo import COORDINATOR_EMAIL, load_programme_demo
from alliance.exercises.domain.report_charts import UnsafeSvg, bars, render_svg, safe_svg
from alliance.exercises.models import Applicant, Programme
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    assert load_programme_demo() == COORDINATOR_EMAIL
    assert load_programme_demo() == COORDINATOR_EMAIL, "idempotent"
    membership = Membership.objects.select_related("user").get(user__email=COORDINATOR_EMAIL)
    return membership, Programme.objects.get()


def test_the_demo_programme_has_the_deck_figures(client, demo):
    membership, programme = demo
    _token, raw = __import__("alliance.directory.services", fromlist=["token_issue"]).token_issue(
        actor=factories.actor(membership), name="report", days=1)
    response = client.get(f"/api/v1/exercises/programmes/{programme.pk}/report", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["participants"], body["states"], body["groups"]) == (251, 51, 10)
    past = body["editions"][:4]
    assert [e["selected"] for e in past] == [55, 66, 60, 70]
    assert sum(e["groups"] for e in past) == 10
    assert all(e["applications"] > e["selected"] for e in past)
    assert [e["countries"] for e in past] == [31, 33, 30, 13]
    assert set(body["by_gender"]) == {"female", "male", "other"} and len(body["by_profession"]) == 9
    assert AuditEvent.objects.filter(object_type="programme", action="view", reason="report api").exists()
    # Every decided applicant carries a reason matching the decision.
    for decision, reason in Applicant.objects.exclude(decision="").values_list("decision", "reason"):
        assert reason.startswith({"selected": "selected: rank", "waiting": "waiting list position",
                                  "refused": "refused: "}[decision])


def test_the_report_page_shows_the_charts_as_safe_svg(client, demo):
    membership, programme = demo
    client.force_login(membership.user)
    response = client.get(f"/exercises/programmes/{programme.pk}/report/")
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count('data-testid="chart"') == 5 and page.count("<svg") >= 5
    assert "251 participants from 51 States" in page
    assert "<script>" not in page.split("<main", 1)[1]
    assert ' style="' not in page


def test_pdf_and_csv(client, demo):
    membership, programme = demo
    client.force_login(membership.user)
    pdf = client.get(f"/exercises/programmes/{programme.pk}/report.pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf["Content-Disposition"].startswith("attachment")
    response = client.get(f"/exercises/programmes/{programme.pk}/report.csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][0] == "kind"
    total = rows[-1]
    assert total[0] == "total" and total[4] == "251" and total[5] == "51"
    assert sum(1 for row in rows if row[0] == "edition") == 5


def test_nobody_else_reads_the_report(client, demo):
    _membership, programme = demo
    for roles in ([R.TRAINING_COORDINATOR], [R.CASE_WORKER], [R.NATIONAL_COORDINATOR]):
        other = factories.member(factories.organisation(), roles)
        client.force_login(other.user)
        assert client.get(f"/exercises/programmes/{programme.pk}/report/").status_code in (403, 404)
        assert client.get(f"/api/v1/exercises/programmes/{programme.pk}/report").status_code in (403, 404)
    client.logout()
    assert client.get(f"/api/v1/exercises/programmes/{programme.pk}/report").status_code == 401


def test_chart_labels_stay_text_and_cyrillic_survives():
    svg = render_svg(bars("Участники", [{"category": "<script>alert(1)</script>", "count": 3},
                                         {"category": "Астана", "count": 5}]))
    assert "Астана" in svg and "<script>" not in svg and "&lt;script&gt;" in svg
    with pytest.raises(UnsafeSvg):
        safe_svg('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    with pytest.raises(UnsafeSvg):
        safe_svg('<svg xmlns="http://www.w3.org/2000/svg"><rect onload="x()"/></svg>')
    with pytest.raises(UnsafeSvg):
        safe_svg('<svg xmlns="http://www.w3.org/2000/svg"><rect style="fill:red"/></svg>')
