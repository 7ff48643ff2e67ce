"""Opening an investigation, naming its team, closing it."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain.checks import clean_text
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, ValidationFailed
from alliance.investigations.models import Investigation, InvestigationMember
from alliance.investigations.selectors.investigations import investigation_get_for


def investigation_open(*, actor: Actor, title: str, purpose: str, legal_basis: str) -> Investigation:
    """A new investigation of the actor's agency, with the actor as its lead."""
    if not policy.may_open_investigation(actor):
        audit.record(actor=actor, action="denied", object_type="investigation", reason=R.INVESTIGATION_OPEN)
        raise Forbidden(R.INVESTIGATION_OPEN)
    errors: dict[str, list[str]] = {}
    title = clean_text(title, "title", required=True, max_length=200, errors=errors)
    purpose = clean_text(purpose, "purpose", required=True, max_length=4000, errors=errors)
    legal_basis = clean_text(legal_basis, "legal_basis", required=True, max_length=300, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        investigation = Investigation.objects.create(
            realm_id=actor.realm_id, organisation_id=actor.organisation_id, number=f"pending-{timezone.now():%f}",
            title=title, purpose=purpose, legal_basis=legal_basis, opened_by_id=actor.user_id)
        # The number from the row's own id: unique without a counter to lock, and it says the year opened.
        investigation.number = f"INV-{timezone.localdate():%Y}-{investigation.pk:05d}"
        investigation.save(update_fields=["number"])
        InvestigationMember.objects.create(investigation=investigation, user_id=actor.user_id,
                                           role=InvestigationMember.Role.LEAD, added_by_id=actor.user_id)
        audit.record(actor=actor, action="create", object_type="investigation", object_id=investigation.pk,
                     fields=["title", "purpose", "legal_basis"])
    return investigation


def investigation_member_add(*, actor: Actor, investigation_id: int, user_id: int,
                             role: str = InvestigationMember.Role.MEMBER) -> InvestigationMember:
    """The lead puts someone on the team: a colleague, or another agency's officer (a joint team). Only an
    active member of an agency with a role that works investigations can be added."""
    from alliance.directory.models import Membership

    with transaction.atomic():
        investigation = investigation_get_for(actor=actor, investigation_id=investigation_id,
                                              action=R.INVESTIGATION_EDIT, lead=True, what="investigation.team")
        if role not in InvestigationMember.Role.values:
            raise ValidationFailed({"role": [_("Choose one of the listed values.")]})
        memberships = Membership.objects.filter(user_id=user_id, is_active=True, user__is_active=True)
        # A trainer's or trainee's role works investigations only inside a sandbox (Actor drops it elsewhere).
        dropped = frozenset() if actor.realm_is_exercise else R.EXERCISE_ONLY_ROLES
        if type(user_id) is not int or not any(R.INVESTIGATION_VIEW in R.actions_for(set(m.roles) - dropped)
                                               for m in memberships):
            raise ValidationFailed({"user": [_("Only someone whose role works investigations can join the team.")]})
        member, _created = InvestigationMember.objects.update_or_create(
            investigation=investigation, user_id=user_id, defaults={"role": role, "added_by_id": actor.user_id})
        audit.record(actor=actor, action="update", object_type="investigation", object_id=investigation.pk,
                     fields=["team"], reason=f"user {user_id} as {role}")
    return member


def investigation_close(*, actor: Actor, investigation_id: int) -> Investigation:
    with transaction.atomic():
        investigation = investigation_get_for(actor=actor, investigation_id=investigation_id,
                                              action=R.INVESTIGATION_EDIT, lead=True, what="investigation.close")
        investigation.status, investigation.closed_at = Investigation.Status.CLOSED, timezone.now()
        investigation.save(update_fields=["status", "closed_at"])
        audit.record(actor=actor, action="update", object_type="investigation", object_id=investigation.pk,
                     fields=["status"])
    return investigation
