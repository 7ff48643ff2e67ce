"""Organisation administrators manage their own staff, and nobody else's; every change is audited."""

from __future__ import annotations

import pytest

from alliance.core import roles as R
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.core.models import AuditEvent
from alliance.directory.models import Membership
from alliance.directory.services import membership_update, staff_add
from tests import factories


@pytest.fixture
def orgs(db):
    shelter, police = factories.organisation("Shelter"), factories.organisation("Police")
    return {
        "shelter": shelter, "police": police,
        "admin": factories.member(shelter, [R.CASE_WORKER], org_admin=True),
        "police_member": factories.member(police, [R.INVESTIGATOR]),
    }


def _add(actor, org, email="new@dreamland.test", roles=(R.CASE_WORKER,), password="a long passphrase 2026"):
    return staff_add(actor=actor, organisation_id=org.pk, email=email, display_name="New Colleague",
                     password=password, roles=list(roles))


def test_admin_adds_staff_to_own_organisation(orgs):
    membership = _add(factories.actor(orgs["admin"]), orgs["shelter"])
    assert membership.roles == [R.CASE_WORKER]
    assert AuditEvent.objects.filter(action="create", object_type="membership", object_id=str(membership.pk)).exists()


def test_admin_cannot_add_staff_elsewhere(orgs):
    with pytest.raises(Forbidden):
        _add(factories.actor(orgs["admin"]), orgs["police"])
    assert not Membership.objects.filter(user__email="new@dreamland.test").exists()


def test_admin_cannot_grant_system_administration(orgs):
    with pytest.raises(ValidationFailed) as error:
        _add(factories.actor(orgs["admin"]), orgs["shelter"], roles=[R.SYSTEM_ADMINISTRATOR])
    assert "roles" in error.value.errors


def test_bad_input_names_each_field_and_writes_nothing(orgs):
    with pytest.raises(ValidationFailed) as error:
        staff_add(actor=factories.actor(orgs["admin"]), organisation_id=orgs["shelter"].pk, email="not-an-address",
                  display_name="", password="short", roles=["wizard"])
    assert {"email", "display_name", "roles"} <= set(error.value.errors)
    assert Membership.objects.count() == 2


def test_weak_password_is_refused(orgs):
    with pytest.raises(ValidationFailed) as error:
        _add(factories.actor(orgs["admin"]), orgs["shelter"], password="password1234")
    assert "password" in error.value.errors


def test_admin_cannot_touch_other_organisations_members(orgs):
    with pytest.raises(NotFound):
        membership_update(actor=factories.actor(orgs["admin"]), membership_id=orgs["police_member"].pk,
                          roles=[R.TRAINEE], is_organisation_admin=False, is_active=True)


def test_staff_page_lists_only_own_organisation(client, orgs):
    client.force_login(orgs["admin"].user)
    page = client.get("/directory/staff/").content.decode()
    assert orgs["admin"].user.email in page and orgs["police_member"].user.email not in page
    assert client.get(f"/directory/staff/{orgs['police_member'].pk}/").status_code == 404


def test_staff_form_shows_field_errors(client, orgs):
    client.force_login(orgs["admin"].user)
    page = client.post("/directory/staff/new/", {"organisation": orgs["shelter"].pk, "email": "x@dreamland.test",
                                                 "display_name": "X", "password": "short",
                                                 "roles": [R.CASE_WORKER]})
    assert page.status_code == 200 and "errorlist" in page.content.decode()
    assert not Membership.objects.filter(user__email="x@dreamland.test").exists()


def test_admin_cannot_raise_their_own_rights(orgs):
    """An NGO admin giving themselves investigator (with its override) would read other agencies' cases."""
    admin = orgs["admin"]
    with pytest.raises(ValidationFailed) as error:
        membership_update(actor=factories.actor(admin), membership_id=admin.pk,
                          roles=[R.CASE_WORKER, R.INVESTIGATOR], is_organisation_admin=True, is_active=True)
    assert "own roles" in error.value.errors["roles"][0]
    admin.refresh_from_db()
    assert admin.roles == [R.CASE_WORKER]


def test_roles_follow_the_organisations_sector(orgs):
    actor = factories.actor(orgs["admin"])  # an NGO ("Shelter" is created with the default sector ngo)
    with pytest.raises(ValidationFailed) as error:
        _add(actor, orgs["shelter"], roles=[R.INVESTIGATOR])
    assert "sector" in error.value.errors["roles"][0]
    assert _add(actor, orgs["shelter"], email="ok@dreamland.test", roles=[R.FRONTLINE_RESPONDER, R.TRAINEE])


def test_only_a_system_administrator_makes_a_competent_authority(orgs):
    authority = factories.organisation("Authority", sector="border_migration")
    admin = factories.actor(factories.member(authority, [R.FRONTLINE_RESPONDER], org_admin=True))
    with pytest.raises(ValidationFailed):
        _add(admin, authority, roles=[R.COMPETENT_AUTHORITY])
    system = factories.actor(factories.member(factories.organisation("Ops", sector="coordinator_rapporteur"),
                                              [R.SYSTEM_ADMINISTRATOR]))
    assert _add(system, authority, roles=[R.COMPETENT_AUTHORITY]).roles == [R.COMPETENT_AUTHORITY]


def test_an_existing_account_is_not_attached_by_an_organisation_admin(orgs):
    with pytest.raises(ValidationFailed) as error:
        _add(factories.actor(orgs["admin"]), orgs["shelter"], email=orgs["police_member"].user.email)
    assert "system administrator" in error.value.errors["email"][0]
    assert not Membership.objects.filter(user=orgs["police_member"].user, organisation=orgs["shelter"]).exists()
