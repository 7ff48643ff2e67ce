"""Reads for transnational referral: our keys (public parts), partners, packages and their previews.

Nothing here holds a victim's personal data: packages are listed by case id, partner and field names,
and a preview reads only the package header, which travels in clear by design.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from alliance.cases.models import Case, OrganisationKeyPair, TransnationalPackage
from alliance.cases.services import transnational as svc
from alliance.core import policy
from alliance.core import roles as R
from alliance.core import sealed_package as sp
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound


def keys_for(*, actor: Actor) -> QuerySet:
    """The organisation's key pairs, newest first, without their private part."""
    if not svc.may_administer(actor):
        raise Forbidden("transnational.admin")
    return (OrganisationKeyPair.objects.filter(organisation_id=actor.organisation_id).defer("private_keys")
            .order_by("-created_at", "-id"))


def partners_for(*, actor: Actor) -> QuerySet:
    if not svc.may_administer(actor):
        raise Forbidden("transnational.admin")
    return svc.trusted_partners(actor=actor)


def packages_for(*, actor: Actor) -> QuerySet:
    """Packages the organisation sent and received, newest first (the sealed bytes are not loaded)."""
    if not svc.may_receive(actor):
        raise Forbidden(R.CASE_IMPORT)
    return (TransnationalPackage.objects.filter(organisation_id=actor.organisation_id, realm_id=actor.realm_id)
            .select_related("partner", "case").defer("sealed").order_by("-created_at", "-id"))


@dataclass(frozen=True)
class Preview:
    record: TransnationalPackage
    verified: bool
    problem: str  # why the signature could not be checked now (e.g. the partner was removed since)
    sender_id: str
    sender_fingerprint: str
    created_at: datetime | None
    fields: list[str]

    @property
    def sender_fingerprint_display(self) -> str:
        return sp.format_fingerprint(self.sender_fingerprint) if self.sender_fingerprint else ""


def package_preview_for(*, actor: Actor, package_id: int) -> Preview:
    """The header of a received package, its signature checked again against today's partners."""
    if not svc.may_receive(actor):
        raise Forbidden(R.CASE_IMPORT)
    record = (TransnationalPackage.objects.select_related("partner", "case")
              .filter(pk=package_id, organisation_id=actor.organisation_id, realm_id=actor.realm_id,
                      direction="received").first())
    if record is None:
        raise NotFound("package")
    if not record.sealed:  # accepted or refused: the sealed bytes are gone, the record stays
        return Preview(record, False, "", record.partner.package_id if record.partner else "",
                       record.partner.fingerprint if record.partner else "", None, list(record.fields))
    header = sp.preview(bytes(record.sealed), max_size=svc.MAX_PACKAGE_BYTES)
    verified, problem = True, ""
    try:
        sp.preview(bytes(record.sealed), trusted_senders=svc.trusted_senders(actor=actor),
                   max_size=svc.MAX_PACKAGE_BYTES)
    except sp.PackageRefused as refused:
        verified, problem = False, str(svc.REFUSAL_LABELS[refused.reason_code])
    return Preview(record, verified, problem, header["sender_id"], header["sender_fingerprint"],
                   header["created_at"], list(header["metadata"].get("fields", [])))


def sending_options_for(*, actor: Actor, case: Case) -> dict | None:
    """What the case page offers for sending abroad, or None when the actor may not send this case.

    Partners whose country the person consented to come first; the others only for a role that may state
    a legal basis instead (an override, audited)."""
    if not policy.CASE.can(actor, R.CASE_SEND_ABROAD, case):
        return None
    partners = list(svc.trusted_partners(actor=actor))
    if not partners:
        return None
    consented = set(case.consents.filter(purpose="transnational", withdrawn_on__isnull=True)
                    .values_list("country", flat=True))
    may_override = policy.may(actor, R.CASE_OVERRIDE)
    choices = [(p, p.country in consented) for p in partners if p.country in consented or may_override]
    sent = list(TransnationalPackage.objects.filter(case=case, direction="sent").select_related("partner")
                .defer("sealed").order_by("-created_at"))
    return {"choices": choices, "may_override": may_override, "sent": sent}

