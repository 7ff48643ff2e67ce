"""The Dreamland demo gives every demo user a realistic desk: about thirty cases over every NRM stage."""

from __future__ import annotations

import datetime as dt

import pytest

from alliance.cases.domain.nrm import Stage
from alliance.cases.models import Case, CaseClock
from alliance.cases.selectors.register import case_list_for
from alliance.directory.models import Membership
from alliance.directory.selectors import actor_for, live_realm
from alliance.web.demo import load_demo


@pytest.fixture
def demo(db):
    return load_demo()


def _actor(email):
    membership = Membership.objects.select_related("user").get(user__email=email)
    return actor_for(user=membership.user, membership=membership, realm=live_realm(), address="", channel="web")


def test_demo_spreads_about_thirty_cases_over_every_stage(demo):
    live = Case.objects.filter(realm=live_realm())
    assert live.count() >= 30
    assert set(live.values_list("nrm_stage", flat=True)) == set(Stage.values)
    # Different ages: some decisions are overdue, some reflection periods end soon.
    today = dt.date.today()
    running = CaseClock.objects.filter(case__in=live, stopped_on__isnull=True)
    assert running.filter(due_on__lt=today).exists()
    assert running.filter(due_on__gte=today).exists()


@pytest.mark.parametrize("email", [
    "investigator@dreamland.example", "frontline@dreamland.example", "inspector@dreamland.example",
    "caseworker@dreamland.example", "socialworker@dreamland.example", "authority@dreamland.example",
    "prosecutor@dreamland.example",
])
def test_each_frontline_desk_has_cases(demo, email):
    assert case_list_for(actor=_actor(email)).count() >= 3


def test_demo_is_idempotent(demo):
    assert load_demo() == {"created": 0}


def test_demo_case_files_are_filled(demo):
    from alliance.cases.models import CaseShare, SupportPlan, Task

    live = Case.objects.filter(realm=live_realm())
    assert sum(1 for case in live if case.victim_context) >= 25
    shelter_inbox = CaseShare.objects.filter(organisation__name__startswith="Safe Harbour", status="pending")
    # Three from the case files, two from screenings at the reception centre.
    assert shelter_inbox.filter(case__screenings__isnull=True).count() == 3
    assert shelter_inbox.filter(case__screenings__isnull=False).count() == 2
    assert shelter_inbox.filter(respond_by__lt=dt.date.today()).count() == 1
    assert Task.objects.filter(due_on__lt=dt.date.today(), status="open").exists()
    assert SupportPlan.objects.count() == 3


def test_demo_reception_centre_has_a_month_of_screenings(demo):
    from alliance.screening.models import Screening

    screenings = Screening.objects.filter(organisation__name="Dreamhaven First Reception Centre")
    assert screenings.count() == 60
    assert {"none", "monitor", "refer"} <= set(screenings.values_list("outcome", flat=True))
    assert screenings.filter(offline=True).exists() and screenings.filter(urgent=True).count() == 1
    referred = screenings.filter(case__isnull=False)
    assert referred.count() == 2 and all(s.case.consents.exists() for s in referred)


def test_demo_investigation_is_ready_to_cross_reference_chart_and_export(demo):
    """Done-when of issue 11: the labour-exploitation ring across the police and the labour inspectorate."""
    from alliance.investigations.models import EntityCase, EntityLink
    from alliance.investigations.selectors.entities import ftm_export_for
    from alliance.investigations.selectors.investigations import investigation_list_for
    from alliance.investigations.selectors.xref import disclosure_requests_for, xref_hits_for

    police = _actor("investigator@dreamland.example")
    orchard = investigation_list_for(actor=police).get(title="Operation Orchard")
    assert EntityCase.objects.filter(entity__investigation=orchard).count() == 2
    assert EntityLink.objects.filter(investigation=orchard, kind="Payment").count() == 4  # into the funnel
    hits = xref_hits_for(actor=police, investigation_id=orchard.pk)
    assert {h.entity_caption for h in hits} >= {"Виктор Сергеевич Орлов", "Дмитрий Кузнецов", "Grace Okafor"}
    assert all(h.disclosed is None for h in hits)
    waiting = disclosure_requests_for(actor=_actor("labourinvestigator@dreamland.example"))
    assert {w.entity_caption for w in waiting} >= {"ORLOV VIKTOR", "KUZNETSOV DMITRII"}
    assert "Marta Kowalczyk" not in {w.entity_caption for w in waiting}
    assert len(list(ftm_export_for(actor=police, investigation_id=orchard.pk))) == 26 - 5  # its own entities
    prosecutor = _actor("prosecutor@dreamland.example")  # on the team: a joint investigation
    assert investigation_list_for(actor=prosecutor).filter(pk=orchard.pk).exists()
