"""Reads of investigations, through the one gate of the type."""

from __future__ import annotations

from django.db.models import QuerySet

from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound
from alliance.investigations.models import Investigation, InvestigationMember


def investigation_or_none(*, actor: Actor, investigation_id: object, action: str,
                          lead: bool = False) -> Investigation | None:
    """The gate's decision without the refusal: the same queries for a missing and a forbidden id (the
    missing one is asked the policy's question on a stand-in)."""
    if type(investigation_id) is not int:
        return None
    found = list(Investigation.objects.select_related("organisation")
                 .filter(pk=investigation_id, realm_id=actor.realm_id)[:1])
    investigation = found[0] if found else Investigation(pk=investigation_id, realm_id=actor.realm_id)
    rule = policy.INVESTIGATION_LEAD if lead else policy.INVESTIGATION
    return investigation if rule.can(actor, action, investigation) and found else None


def investigation_get_for(*, actor: Actor, investigation_id: object, action: str = R.INVESTIGATION_VIEW,
                          lead: bool = False, what: str = "") -> Investigation:
    """The one gate of the Investigation type, for every read and write of one investigation and of what it
    holds. Missing, in another realm and not on the team are all "not found", and every refusal is audited.
    lead=True: the action is the lead's (managing the team)."""
    investigation = investigation_or_none(actor=actor, investigation_id=investigation_id, action=action, lead=lead)
    if investigation is None:
        audit.record(actor=actor, action="denied", object_type="investigation", object_id=investigation_id,
                     reason=(what or action)[:200])
        raise NotFound("investigation")
    return investigation


def investigation_list_for(*, actor: Actor, status: str | None = None) -> QuerySet:
    """The investigations whose team the actor is on, newest first. A role that works no investigation is
    refused outright (the page and the API answer 403), rather than shown an empty list."""
    if not policy.may(actor, R.INVESTIGATION_VIEW):
        raise Forbidden(R.INVESTIGATION_VIEW)
    investigations = policy.INVESTIGATION.scope(actor, R.INVESTIGATION_VIEW,
                                                Investigation.objects.select_related("organisation"))
    if status in Investigation.Status.values:
        investigations = investigations.filter(status=status)
    return investigations.order_by("-opened_at", "-pk")


def team_of(*, investigation: Investigation) -> list[InvestigationMember]:
    """The team of an investigation the caller has already passed the gate for."""
    return list(investigation.members.select_related("user").order_by("role", "added_at"))


def is_lead(*, actor: Actor, investigation: Investigation) -> bool:
    return policy.INVESTIGATION_LEAD.can(actor, R.INVESTIGATION_EDIT, investigation)


def account_of(*, actor: Actor, email: str) -> int:
    """The account id behind a colleague's e-mail (for a lead naming the team), 0 when there is none: the
    service then refuses it as it refuses someone who may not join, so the form does not tell which addresses
    exist. Whether the actor may add anyone is the service's gate, not this lookup's."""
    from alliance.directory.models import User

    return User.objects.filter(email__iexact=email.strip()).values_list("pk", flat=True).first() or 0
