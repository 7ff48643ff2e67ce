"""Two organisations that trust each other's package keys, for the transnational tests and the permission
matrix. In one database they stand for two installations: each has its own keys and its own partner list,
and nothing but the public cards passes between them."""

from __future__ import annotations

from dataclasses import dataclass

from alliance.cases.models import PartnerOrganisation
from alliance.cases.services import case_create, consent_record
from alliance.cases.services import transnational as tn
from alliance.core import roles as R
from alliance.core import sealed_package as sp
from alliance.core.actor import Actor
from alliance.directory.models import Membership, Organisation
from tests import factories


@dataclass
class Side:
    organisation: Organisation
    admin: Actor
    worker: Actor
    package_id: str


def side(name: str, country: str, package_id: str) -> Side:
    org = factories.organisation(name, country=country)
    admin = factories.actor(factories.member(org, [R.CASE_WORKER], org_admin=True))
    worker = factories.actor(factories.member(org, [R.CASE_WORKER]))
    tn.organisation_keys_create(actor=admin, package_id=package_id)
    return Side(org, admin, worker, package_id)


def trust(who: Side, partner: Side) -> PartnerOrganisation:
    """`who` adds `partner` after comparing the fingerprint read out (here: taken from the partner's side)."""
    keys = tn.active_keys(organisation_id=partner.organisation.pk)
    return tn.partner_add(actor=who.admin, name=partner.organisation.name, country=partner.organisation.country,
                          card=keys.public_card, fingerprint=sp.format_fingerprint(keys.fingerprint))


def consented_case(sender: Side, country: str, **person):
    values = {"given_name": "Olena", "family_name": "Kovalenko", "birth_date": "1990-04-02",
              "identity_number": "DL-778812", "summary": "Met at the bus station; afraid of the landlord."}
    case = case_create(actor=sender.worker, **(values | person))
    consent_record(actor=sender.worker, case_id=case.pk, purpose="transnational", country=country, language="uk",
                   interpreter=True)
    return case


def _admin_of(organisation: Organisation) -> Actor:
    membership = (Membership.objects.filter(organisation=organisation, is_organisation_admin=True).first()
                  or factories.member(organisation, [R.CASE_WORKER], org_admin=True))
    return factories.actor(membership)


def abroad_for(organisation: Organisation) -> Side:
    """A partner abroad that `organisation` trusts and that trusts it back (keys created where missing)."""
    admin = _admin_of(organisation)
    if tn.active_keys(organisation_id=organisation.pk) is None:
        tn.organisation_keys_create(actor=admin, package_id=f"{organisation.country}:org-{organisation.pk}")
    other = Organisation.objects.filter(name=f"Abroad {organisation.pk}").first()
    if other is not None:
        other_admin = _admin_of(other)
        return Side(other, other_admin, other_admin, tn.active_keys(organisation_id=other.pk).package_id)
    abroad = side(f"Abroad {organisation.pk}", "XP", f"XP:abroad-{organisation.pk}")
    here = Side(organisation, admin, admin, tn.active_keys(organisation_id=organisation.pk).package_id)
    trust(abroad, here)
    trust(here, abroad)
    return abroad


def package_for(organisation: Organisation) -> bytes:
    """A fresh genuine package from the partner abroad, addressed to `organisation`."""
    other = abroad_for(organisation)
    ours = tn.active_keys(organisation_id=organisation.pk).package_id
    here = tn.trusted_partners(actor=other.admin).get(package_id=ours)
    case = consented_case(other, organisation.country)
    _record, sealed = tn.package_send(actor=other.worker, case_id=case.pk, partner_id=here.pk)
    return sealed


def pending_package(organisation: Organisation):
    """A received package waiting for review in `organisation`."""
    return tn.package_receive(actor=_admin_of(organisation), data=package_for(organisation))


def fresh_card() -> tuple[str, str]:
    """Another installation's identity card and its fingerprint, as read out."""
    identity = sp.OrganisationKeys.generate()
    card = identity.public_identity(f"XM:elsewhere-{identity.fingerprint_hex[:8]}")
    return card.to_json().decode(), card.fingerprint_display


# --- The permission matrix (tests/test_permission_matrix.py) -------------------------------------------
# Each call gets what it needs afresh (a new package to accept, a new card to add, a new partner to
# remove), so that every role that may use an endpoint finds it usable, however many called it before.

WEB = {"transnational_keys", "transnational_card", "transnational_partners", "transnational_partner_remove",
       "transnational_packages", "transnational_package", "transnational_accept", "transnational_refuse",
       "transnational_send"}
API = {"transnational_keys_list", "transnational_keys_create", "transnational_partner_list",
       "transnational_partner_add", "transnational_partner_remove", "transnational_send", "transnational_receive",
       "transnational_package_list", "transnational_package_get", "transnational_accept", "transnational_refuse"}


def is_matrix_endpoint(name: str, api: bool) -> bool:
    return name in API if api else name.removeprefix("cases:") in WEB


def _partner_to_remove(organisation: Organisation) -> int:
    card, fingerprint = fresh_card()
    return tn.partner_add(actor=_admin_of(organisation), name="To remove", country="XM", card=card,
                          fingerprint=fingerprint).pk


def _sendable(organisation: Organisation, case, live_realm_id: int) -> int:
    """The partner to send to; the own case gets the person's consent to a transfer to its country."""
    abroad = abroad_for(organisation)
    admin = _admin_of(organisation)
    partner = tn.trusted_partners(actor=admin).get(package_id=abroad.package_id)
    if (case.owner_organisation_id == organisation.pk and case.realm_id == live_realm_id
            and tn.transnational_consent(case=case, country=partner.country) is None):
        consent_record(actor=admin, case_id=case.pk, purpose="transnational", country=partner.country,
                       language="en")
    return partner.pk


def matrix_request(client, name: str, *, api: bool, organisation: Organisation, case, live_realm_id: int,
                   token: str | None):
    abroad_for(organisation)
    if not api:
        from django.urls import reverse

        short = name.removeprefix("cases:")
        kwargs, body = {}, {}
        if short == "transnational_partner_remove":
            kwargs = {"partner_id": _partner_to_remove(organisation)}
        elif short in ("transnational_package", "transnational_accept", "transnational_refuse"):
            kwargs = {"package_id": pending_package(organisation).pk}
            body = {"reason": "Outside our mandate"}
        elif short == "transnational_send":
            kwargs, body = {"case_id": case.pk}, {"partner": _sendable(organisation, case, live_realm_id)}
        url = reverse(name, kwargs=kwargs)
        if short in ("transnational_keys", "transnational_card", "transnational_partners",
                     "transnational_packages", "transnational_package"):
            return client.get(url)
        return client.post(url, body)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    base = "/api/v1/cases"
    if name in ("transnational_keys_list", "transnational_partner_list", "transnational_package_list"):
        path = {"transnational_keys_list": "/keys", "transnational_partner_list": "/partners",
                "transnational_package_list": "/packages"}[name]
        return client.get(base + path, **headers)
    if name == "transnational_keys_create":
        return client.post(f"{base}/keys", {}, content_type="application/json", **headers)
    if name == "transnational_partner_add":
        card, fingerprint = fresh_card()
        return client.post(f"{base}/partners", {"name": "Added", "country": "XM", "card": card,
                                                "fingerprint": fingerprint}, content_type="application/json",
                           **headers)
    if name == "transnational_partner_remove":
        return client.delete(f"{base}/partners/{_partner_to_remove(organisation)}", **headers)
    if name == "transnational_send":
        return client.post(f"{base}/{case.pk}/packages",
                           {"partner_id": _sendable(organisation, case, live_realm_id)},
                           content_type="application/json", **headers)
    if name == "transnational_receive":
        from django.core.files.uploadedfile import SimpleUploadedFile

        upload = SimpleUploadedFile("p.alliance-package", package_for(organisation))
        return client.post(f"{base}/packages/receive", {"package": upload}, **headers)
    package_id = pending_package(organisation).pk
    if name == "transnational_package_get":
        return client.get(f"{base}/packages/{package_id}", **headers)
    if name == "transnational_accept":
        return client.post(f"{base}/packages/{package_id}/accept", **headers)
    return client.post(f"{base}/packages/{package_id}/refuse", {"reason": "Outside our mandate"},
                       content_type="application/json", **headers)
