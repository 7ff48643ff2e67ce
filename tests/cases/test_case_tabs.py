"""The case page's tabs: each shows the case's fields and its own sections only, HTMX loads a tab from
the same URL (so through the same gate and audit), the page opens on the overview and "whole case" shows all.
The empty forms on the page are rendered once (core/blank_forms.py) with the same markup."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string

from alliance.cases.services import case_create
from alliance.core import roles as R
from alliance.core.audit import AuditEvent
from tests import factories

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def desk(db):
    police = factories.organisation("Police", sector="law_enforcement")
    stranger_org = factories.organisation("Elsewhere", sector="ngo")
    officer = factories.member(police, [R.INVESTIGATOR])
    stranger = factories.member(stranger_org, [R.CASE_WORKER])
    case = case_create(actor=factories.actor(officer), given_name="Lea", family_name="Marn")
    return {"case": case, "officer": officer, "stranger": stranger}


def test_whole_page_and_each_tab(client, desk):
    client.force_login(desk["officer"].user)
    case = desk["case"].pk
    whole = client.get(f"/cases/{case}/?tab=all").content.decode()
    assert 'data-testid="tab-all" aria-current="page"' in whole
    for testid in ("case-fields", "nrm-panel", "details-panel", "referrals-panel", "casefile", "consents"):
        assert f'data-testid="{testid}"' in whole, testid
    overview = client.get(f"/cases/{case}/").content.decode()
    asked = client.get(f"/cases/{case}/?tab=overview").content.decode()
    assert 'data-testid="tab-overview" aria-current="page"' in asked
    assert 'data-testid="details-panel"' in overview and "Lea" in overview
    assert 'data-testid="nrm-panel"' not in overview and 'data-testid="casefile"' not in overview
    assert 'data-testid="tab-overview" aria-current="page"' in overview
    nrm = client.get(f"/cases/{case}/?tab=nrm").content.decode()
    assert 'data-testid="nrm-panel"' in nrm and 'data-testid="referrals-panel"' not in nrm
    referrals = client.get(f"/cases/{case}/?tab=referrals").content.decode()
    assert 'data-testid="referrals-panel"' in referrals and 'data-testid="consents"' in referrals
    assert 'data-testid="casefile"' not in referrals
    assert 'data-testid="casefile"' in client.get(f"/cases/{case}/?tab=casefile").content.decode()
    # An unknown tab is the overview.
    unknown = client.get(f"/cases/{case}/?tab=nonsense").content.decode()
    assert 'data-testid="tab-overview" aria-current="page"' in unknown and 'data-testid="casefile"' not in unknown


def test_htmx_tab_is_a_fragment_of_the_same_page_gate_and_audit(client, desk):
    client.force_login(desk["officer"].user)
    case = desk["case"].pk
    before = AuditEvent.objects.filter(action="view", object_type="case", object_id=case).count()
    response = client.get(f"/cases/{case}/?tab=nrm", **HX)
    body = response.content.decode()
    assert response.status_code == 200 and "<html" not in body and 'id="case-body"' in body
    assert 'data-testid="nrm-panel"' in body and 'data-testid="tab-nrm" aria-current="page"' in body
    assert "HX-Request" in response["Vary"]
    assert AuditEvent.objects.filter(action="view", object_type="case", object_id=case).count() == before + 1
    whole = client.get(f"/cases/{case}/?tab=all", **HX).content.decode()
    assert 'data-testid="casefile"' in whole and "<html" not in whole
    # A history restore (the back button) asks for the whole page.
    restored = client.get(f"/cases/{case}/?tab=nrm", HTTP_HX_HISTORY_RESTORE_REQUEST="true", **HX)
    assert "<html" in restored.content.decode()


def test_a_stranger_gets_404_for_every_tab_like_for_the_page(client, desk):
    client.force_login(desk["stranger"].user)
    case = desk["case"].pk
    assert client.get(f"/cases/{case}/").status_code == 404
    for tab in ("overview", "nrm", "referrals", "casefile", "transnational", "data_protection"):
        assert client.get(f"/cases/{case}/?tab={tab}").status_code == 404, tab
        assert client.get(f"/cases/{case}/?tab={tab}", **HX).status_code == 404, tab
    assert client.get("/cases/999999/?tab=nrm", **HX).status_code == 404


def test_cached_form_markup_is_the_rendered_markup(db):
    from alliance.cases.forms.register import CaseShareForm, ConsentForm
    from alliance.core.blank_forms import form_html
    from alliance.directory.selectors import live_realm

    live = live_realm().pk  # the forms list the organisations of the page's realm (none without one)
    factories.organisation("First <org>")
    for make in (lambda: ConsentForm(auto_id="consent_%s", realm_id=live),
                 lambda: CaseShareForm(auto_id="share_%s", realm_id=live)):
        direct = render_to_string("web/_form.html", {"form": make()})
        assert "First &lt;org&gt;" in direct
        assert str(form_html(make())) == direct == str(form_html(make()))
    # A new organisation changes the choices, so the markup is rendered again.
    factories.organisation("Second org")
    assert "Second org" in str(form_html(CaseShareForm(auto_id="share_%s", realm_id=live)))
    # A bound form (with its errors) is never taken from the cache.
    bound = CaseShareForm({"purpose": ""}, auto_id="share_%s")
    bound.is_valid()
    assert str(form_html(bound)) == render_to_string("web/_form.html", {"form": bound})
    assert "errorlist" in str(form_html(bound))
