"""Training programmes and their applicants.

A programme, its editions, calls and applicants are the business of the training co-ordinators of the
organisation that runs the programme, in the live realm (applicants are real people applying to a real
course; an exercise sandbox holds only the fictitious world). Nobody else, whatever their role, reads an
applicant. The public pages show published calls only, through selectors that read no personal field.
"""

from __future__ import annotations

from django.db.models import Q

from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.policy.base import ObjectPolicy, Relation, may

_RUNNING = frozenset({R.PROGRAMME_MANAGE, R.APPLICATION_REVIEW})


def _live_organisation(actor: Actor) -> int | None:
    return None if actor.realm_is_exercise else actor.organisation_id


def may_create_programme(actor: Actor) -> bool:
    """Start a programme: a training co-ordinator of a live organisation, which will run it."""
    return _live_organisation(actor) is not None and may(actor, R.PROGRAMME_MANAGE)


PROGRAMME = ObjectPolicy(
    object_type="programme",
    model_label="exercises.Programme",
    relations=(
        Relation(
            name="running_organisation",
            grants=_RUNNING,
            holds=lambda actor, programme: (_live_organisation(actor) is not None
                                            and programme.organisation_id == actor.organisation_id),
            where=lambda actor: (Q(organisation_id=_live_organisation(actor))
                                 if _live_organisation(actor) is not None else Q(pk__in=[])),
        ),
    ),
)

APPLICANT = ObjectPolicy(
    object_type="applicant",
    model_label="exercises.Applicant",
    relations=(
        Relation(
            name="running_organisation",
            grants=frozenset({R.APPLICATION_REVIEW}),
            holds=lambda actor, applicant: (_live_organisation(actor) is not None
                                            and applicant.call.edition.programme.organisation_id
                                            == actor.organisation_id),
            where=lambda actor: (Q(call__edition__programme__organisation_id=_live_organisation(actor))
                                 if _live_organisation(actor) is not None else Q(pk__in=[])),
        ),
    ),
)
