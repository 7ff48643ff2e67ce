"""Editing and reading the HTCDS details of a case: the service (policy gate, validation, audit, the child
procedure), the case-page panel, the edit page and the API."""

from __future__ import annotations

import pytest
from django.utils import timezone

from alliance.cases.models import Case
from alliance.cases.selectors.details import case_details_for
from alliance.cases.services import case_create
from alliance.cases.services.details import case_details_update, person_details_update, victim_context_update
from alliance.core import roles as R
from alliance.core.errors import NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.directory.services import token_issue
from tests import factories

CONTEXT = {
    "exploitation_types": ["ForcedLabour"], "forced_labour_industry": ["Construction"],
    "methods_of_control": ["DebtBondage", "WithholdsDocuments"], "recruitment_method": "JobOffer",
    "route_events": [{"type": "Recruitment", "date": "2021-04-01", "place": "Eastvale", "country": "XP"},
                     {"type": "Exploitation", "date": "2021-06-01", "place": "Westharbour", "country": "XD"}],
    "perpetrators": [{"role": "Exploiter", "details": "Site foreman"}],
}
SECRETS = ("Westharbour", "Site foreman", "Eastvale", "Amani")


@pytest.fixture
def world(db):
    police = factories.organisation("Dreamland Police", sector="law_enforcement")
    shelter = factories.organisation("Safe Harbour", sector="ngo")
    authority = factories.organisation("Identification Authority", sector="border_migration")
    stranger = factories.organisation("Poorland Aid", country="XP")
    officer = factories.actor(factories.member(police, [R.INVESTIGATOR]))
    case = case_create(actor=officer, given_name="Amina", family_name="Yusuf", pseudonym="Desert Lark")
    factories.share(actor=officer, case_id=case.pk, organisation_id=shelter.pk, scope="limited", purpose="Shelter")
    factories.share(actor=officer, case_id=case.pk, organisation_id=authority.pk, scope="full", purpose="NRM")
    return {
        "case": case, "officer": officer,
        "shelter": factories.member(shelter, [R.CASE_WORKER]),
        "authority": factories.member(authority, [R.CASE_WORKER]),
        "stranger": factories.member(stranger, [R.CASE_WORKER]),
    }


def _last_audit(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-seq").first()


def test_update_writes_both_documents_and_audits_the_changed_keys(world):
    case = world["case"]
    case_details_update(actor=world["officer"], case_id=case.pk, names={"middle_name": "Amani"},
                        details={"gender": "Feminine", "citizenships": ["XP"]}, victim_context=CONTEXT)
    case.refresh_from_db()
    assert case.person.middle_name == "Amani"
    assert case.person.details == {"gender": "Feminine", "citizenships": ["XP"]}
    assert case.victim_context["methods_of_control"] == ["DebtBondage", "WithholdsDocuments"]
    event = _last_audit("update")
    assert set(event.fields) == {"middle_name", "details.gender", "details.citizenships",
                                 "victim_context.exploitation_types", "victim_context.forced_labour_industry",
                                 "victim_context.methods_of_control", "victim_context.recruitment_method",
                                 "victim_context.route_events", "victim_context.perpetrators"}
    assert not any(secret in str(event.fields) + event.reason for secret in SECRETS)

    victim_context_update(actor=world["officer"], case_id=case.pk,
                          victim_context={**CONTEXT, "methods_of_control": ["Threats"]})
    assert _last_audit("update").fields == ["victim_context.methods_of_control"]


def test_nothing_changed_writes_nothing(world):
    case_details_update(actor=world["officer"], case_id=world["case"].pk, details={"gender": "Feminine"})
    before = AuditEvent.objects.filter(action="update").count()
    case_details_update(actor=world["officer"], case_id=world["case"].pk, details={"gender": "feminine"})
    assert AuditEvent.objects.filter(action="update").count() == before


def test_one_error_anywhere_writes_nothing(world):
    case = world["case"]
    bad = {**CONTEXT, "route_events": [{"type": "Recruitment", "date": "2099-01-01"}]}
    with pytest.raises(ValidationFailed) as caught:
        case_details_update(actor=world["officer"], case_id=case.pk, names={"given_name": " "},
                            details={"gender": "Feminine"}, victim_context=bad)
    assert set(caught.value.errors) == {"given_name", "victim_context.route_events.0.date"}
    case.refresh_from_db()
    assert case.person.details is None and case.victim_context is None and case.person.given_name == "Amina"


def test_a_birth_date_under_18_starts_the_child_procedure(world):
    today = timezone.localdate()
    person_details_update(actor=world["officer"], case_id=world["case"].pk,
                          birth_date=today.replace(year=today.year - 16).isoformat())
    assert Case.objects.get(pk=world["case"].pk).is_child
    assert "is_child" in _last_audit("update").fields


def test_an_estimated_age_under_18_presumes_a_child(world):
    person_details_update(actor=world["officer"], case_id=world["case"].pk,
                          details={"estimated_age": 15, "age_basis": "appearance"})
    assert Case.objects.get(pk=world["case"].pk).is_child


def test_names_are_searchable_after_a_change(world):
    from alliance.cases.selectors.register import case_search_for

    person_details_update(actor=world["officer"], case_id=world["case"].pk, family_name="Haddad")
    assert [r["id"] for r in case_search_for(actor=world["officer"], name="Amina Haddad")] == [world["case"].pk]


def test_a_full_share_may_edit(world):
    receiver = factories.actor(world["authority"])
    victim_context_update(actor=receiver, case_id=world["case"].pk, victim_context=CONTEXT)
    assert case_details_for(actor=receiver, case_id=world["case"].pk).victim_context["recruitment_method"] == "JobOffer"


@pytest.mark.parametrize("who", ["shelter", "stranger"])
def test_a_limited_share_or_a_stranger_neither_edits_nor_reads(world, who):
    actor = factories.actor(world[who])
    with pytest.raises(NotFound):
        victim_context_update(actor=actor, case_id=world["case"].pk, victim_context=CONTEXT)
    assert _last_audit("denied").reason == "case.edit"
    with pytest.raises(NotFound):
        case_details_for(actor=actor, case_id=world["case"].pk)
    assert Case.objects.get(pk=world["case"].pk).victim_context is None


def test_reading_the_details_is_audited_with_field_names(world):
    case_details_update(actor=world["officer"], case_id=world["case"].pk, details={"gender": "Feminine"},
                        victim_context=CONTEXT)
    case_details_for(actor=world["officer"], case_id=world["case"].pk)
    event = _last_audit("view")
    assert "details.gender" in event.fields and "victim_context.route_events" in event.fields


# --- Pages ----------------------------------------------------------------------------------------

def test_the_panel_shows_labels_to_the_full_file_and_nothing_to_a_limited_share(client, world):
    case_details_update(actor=world["officer"], case_id=world["case"].pk, details={"gender": "Feminine"},
                        victim_context=CONTEXT)
    owner = factories.member(world["case"].owner_organisation, [R.INVESTIGATOR])
    client.force_login(owner.user)
    page = client.get(f"/cases/{world['case'].pk}/").content.decode()
    assert 'data-testid="details-panel"' in page
    for shown in ("Debt bondage", "Withholds documents", "Construction", "Westharbour", "Site foreman"):
        assert shown in page
    assert f"/cases/{world['case'].pk}/details/" in page

    client.force_login(world["shelter"].user)
    page = client.get(f"/cases/{world['case'].pk}/").content.decode()
    assert 'data-testid="limited-scope"' in page and 'data-testid="details-panel"' not in page
    assert not any(secret in page for secret in (*SECRETS, "Debt bondage"))
    assert client.get(f"/cases/{world['case'].pk}/details/").status_code == 404


def _form(**changes) -> dict:
    data = {"given_name": "Amina", "family_name": "Yusuf", "d_gender": "Feminine", "d_citizenships": ["XP", "XM"],
            "v_methods_of_control": ["DebtBondage", "Threats"], "v_recruitment_websites": "JobsBoard\nChatApp",
            "event0_type": "", "event1_type": "Recruitment", "event1_date": "2021-04-01",
            "event2_type": "Exploitation", "event2_date": "2021-06-01", "event2_place": "Westharbour",
            "perpetrator0_role": "Exploiter", "perpetrator0_details": "Site foreman"}
    return {**data, **changes}


def test_the_edit_page_saves_checkbox_groups_and_rows(client, world):
    client.force_login(factories.member(world["case"].owner_organisation, [R.CASE_WORKER]).user)
    url = f"/cases/{world['case'].pk}/details/"
    assert 'name="v_methods_of_control"' in client.get(url).content.decode()
    response = client.post(url, _form())
    assert response.status_code == 302
    case = Case.objects.get(pk=world["case"].pk)
    assert case.person.details == {"gender": "Feminine", "citizenships": ["XP", "XM"]}
    assert case.victim_context["recruitment_websites"] == ["JobsBoard", "ChatApp"]
    assert [e["type"] for e in case.victim_context["route_events"]] == ["Recruitment", "Exploitation"]
    initial = client.get(url).context["form"].initial
    assert initial["v_methods_of_control"] == ["DebtBondage", "Threats"]
    assert initial["event1_date"] == "2021-06-01" and initial["perpetrator0_details"] == "Site foreman"


def test_the_edit_page_shows_errors_on_the_row_they_belong_to(client, world):
    client.force_login(factories.member(world["case"].owner_organisation, [R.CASE_WORKER]).user)
    response = client.post(f"/cases/{world['case'].pk}/details/", _form(event1_date="2022-01-01"))
    assert response.status_code == 200
    form = response.context["form"]
    assert "event1_date" in form.errors  # entry 0 of the route came from row 1 of the form
    assert Case.objects.get(pk=world["case"].pk).victim_context is None


# --- API ------------------------------------------------------------------------------------------

def _bearer(membership) -> dict:
    _t, raw = token_issue(actor=factories.actor(membership), name="t", days=1)
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_api_get_and_put(client, world):
    owner = _bearer(factories.member(world["case"].owner_organisation, [R.CASE_WORKER]))
    url = f"/api/v1/cases/{world['case'].pk}/details"
    body = {"names": {"middle_name": "Amani"}, "details": {"gender": "Feminine", "estimated_age": 16},
            "victim_context": CONTEXT}
    response = client.put(url, body, content_type="application/json", **owner)
    assert response.status_code == 200, response.content
    got = client.get(url, **owner).json()
    assert got["names"]["middle_name"] == "Amani" and got["is_child"] is True
    assert got["details"]["gender"] == "Feminine"
    assert got["victim_context"]["route_events"][1]["place"] == "Westharbour"


@pytest.mark.parametrize(("body", "field"), [
    ({"details": {"gender": "Fluid"}}, "details.gender"),
    ({"details": {"shoe_size": 42}}, "details.shoe_size"),
    ({"victim_context": {"methods_of_control": ["Kindness"]}}, "victim_context.methods_of_control.0"),
    ({"victim_context": {"route_events": [{"type": "Recruitment", "date": "2099-01-01"}]}},
     "victim_context.route_events.0.date"),
])
def test_api_refuses_values_outside_the_vocabularies(client, world, body, field):
    owner = _bearer(factories.member(world["case"].owner_organisation, [R.CASE_WORKER]))
    response = client.put(f"/api/v1/cases/{world['case'].pk}/details", body, content_type="application/json",
                          **owner)
    assert response.status_code == 422
    assert field in response.json()["error"]["details"]


def test_api_limited_share_gets_not_found(client, world):
    assert client.get(f"/api/v1/cases/{world['case'].pk}/details", **_bearer(world["shelter"])).status_code == 404


def test_openapi_lists_the_allowed_codes(client, db):
    schemas = client.get("/api/v1/openapi.json").json()["components"]["schemas"]
    text = str(schemas["VictimContext"]) + str(schemas["PersonDetails"]) + str(schemas["RouteEvent"])
    for code in ("DebtBondage", "ThreatOfLawEnforcement", "SexualExploitation", "Recruitment", "Feminine", "XD"):
        assert code in text
