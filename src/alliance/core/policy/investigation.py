"""Investigations: need-to-know, by team.

An investigation is read and worked by the people on its team, whatever their agency (a joint investigation
team brings in a prosecutor or another agency's analyst), and by nobody else: an investigator's role alone
does not open every investigation of the agency. The lead (who opened it, or whom the lead named) manages
the team. Opening one is for an investigating role of a live or sandbox agency, which then owns it.
Everything inside (sources, entities, links, keys) is reached through its investigation's gate.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.base import ObjectPolicy, Relation, may

_WORK = frozenset({R.INVESTIGATION_VIEW, R.INVESTIGATION_EDIT, R.INVESTIGATION_EXPORT})
LEAD = "lead"


def may_open_investigation(actor: Actor) -> bool:
    return actor.organisation_id is not None and may(actor, R.INVESTIGATION_OPEN)


def _members():
    from django.apps import apps

    return apps.get_model("investigations.InvestigationMember").objects


def _on_team(actor: Actor, investigation, role: str | None = None) -> bool:
    if investigation.pk is None:
        return False
    members = _members().filter(investigation_id=investigation.pk, user_id=actor.user_id)
    return (members.filter(role=role) if role else members).exists()


def _team_where(actor: Actor, role: str | None = None) -> Q:
    members = _members().filter(investigation_id=OuterRef("pk"), user_id=actor.user_id)
    return Q(Exists(members.filter(role=role) if role else members))


INVESTIGATION = ObjectPolicy(
    object_type="investigation",
    model_label="investigations.Investigation",
    relations=(
        Relation(
            name="team",
            grants=_WORK,
            holds=lambda actor, investigation: _on_team(actor, investigation),
            where=lambda actor: _team_where(actor),
        ),
    ),
)

# Who manages the team: the leads, for the same actions (a lead adds a member as an edit of the workspace).
INVESTIGATION_LEAD = ObjectPolicy(
    object_type="investigation_lead",
    model_label="investigations.Investigation",
    relations=(
        Relation(
            name="lead",
            grants=frozenset({R.INVESTIGATION_EDIT}),
            holds=lambda actor, investigation: _on_team(actor, investigation, LEAD),
            where=lambda actor: _team_where(actor, LEAD),
        ),
    ),
)


# A hit of a cross-reference is seen by two sides: the requesting team (that a match exists, who holds it)
# and the leads of the investigation that holds the other entity, who decide on disclosure.
def _on_requesting_team(actor: Actor, hit) -> bool:
    from django.apps import apps

    if hit.pk is None:
        return False
    return apps.get_model("investigations.XrefHit").objects.filter(
        pk=hit.pk, request__realm_id=actor.realm_id, request__investigation__members__user_id=actor.user_id).exists()


def _holding_lead(actor: Actor, hit) -> bool:
    return hit.pk is not None and _members().filter(investigation_id=hit.other_investigation_id,
                                                    investigation__realm_id=actor.realm_id,
                                                    user_id=actor.user_id, role=LEAD).exists()


XREF_HIT = ObjectPolicy(
    object_type="xref_hit",
    model_label="investigations.XrefHit",
    realm_bound=False,  # a hit has no realm column: each relation asks for its request's (or holder's) realm
    relations=(
        Relation(
            name="requesting_team",
            grants=frozenset({R.INVESTIGATION_VIEW}),
            holds=_on_requesting_team,
            where=lambda actor: Q(request__realm_id=actor.realm_id,
                                  request__investigation__members__user_id=actor.user_id),
        ),
        Relation(
            name="holding_lead",
            grants=frozenset({R.INVESTIGATION_EDIT}),
            holds=_holding_lead,
            where=lambda actor: Q(Exists(_members().filter(investigation_id=OuterRef("other_investigation_id"),
                                                          investigation__realm_id=actor.realm_id,
                                                          user_id=actor.user_id, role=LEAD))),
        ),
    ),
)


def may_see_disclosed(actor: Actor, hit) -> bool:
    """The other entity itself: for the requesting team, once its holder approved."""
    return hit.disclosure == "approved" and may(actor, R.INVESTIGATION_VIEW) and _on_requesting_team(actor, hit)


def may_judge_hit(actor: Actor, hit) -> bool:
    """Whether a hit is the same person or thing: the requesting team's judgement (never the holder's
    disclosure decision, which stays with the holding lead)."""
    return may(actor, R.INVESTIGATION_EDIT) and _on_requesting_team(actor, hit)
