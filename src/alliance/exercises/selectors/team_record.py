"""One team's record: the facts of its sandbox realm, gathered through the owning apps' read modules
(cases/selectors/exercise_record.py, screening/selectors/exercise_record.py), which refuse the live realm
and decide who may look (core/policy/evaluation.py). The agencies' names come from the directory, for the
reasons ("accepted by New Start house (ngo)"): agencies are not personal data.

For expected actions with `by_role`, the record also says which account did each fact (the account the
owning service recorded beside its audit event: who opened the case, submitted the screening, sent the share,
took the NRM step) and which roles of roles.yaml each account plays in the team (exercises.TeamSeat). Ids
only, read after the owning apps' gate has let the evaluator into this sandbox.
"""

from __future__ import annotations

from alliance.cases.models import Case, CaseShare, NrmEvent
from alliance.cases.selectors.exercise_record import exercise_case_record_for
from alliance.core.actor import Actor
from alliance.directory.models import Organisation
from alliance.exercises.domain.evaluation import TeamRecord
from alliance.exercises.models import TeamSeat
from alliance.screening.models import Screening
from alliance.screening.selectors.exercise_record import exercise_screening_record_for


def team_record_for(*, actor: Actor, realm_id: int, role_names: dict[str, str] | None = None) -> TeamRecord:
    cases = exercise_case_record_for(actor=actor, realm_id=realm_id)
    screenings = exercise_screening_record_for(actor=actor, realm_id=realm_id)
    organisation_ids = {s.organisation_id for s in cases.shares}
    names = dict(Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name"))
    roles_of: dict[int, set[str]] = {}
    for user_id, role in TeamSeat.objects.filter(team__realm_id=realm_id).values_list("user_id", "played_by"):
        if user_id is not None:
            roles_of.setdefault(user_id, set()).add(role)
    return TeamRecord(realm_id=realm_id, screenings=screenings.screenings, cases=cases.cases,
                      consents=cases.consents, shares=cases.shares, nrm_events=cases.nrm_events,
                      methods_of_control=screenings.methods_of_control, organisations=names,
                      done_by=_done_by(realm_id) if roles_of else {},
                      roles_of={u: frozenset(r) for u, r in roles_of.items()}, role_names=role_names or {})


def _done_by(realm_id: int) -> dict[tuple, int]:
    done: dict[tuple, int] = {}
    for pk, user_id in Screening.objects.filter(realm_id=realm_id).values_list("pk", "created_by_id"):
        done[("screening", pk)] = user_id
    for pk, user_id in Case.objects.filter(realm_id=realm_id).values_list("pk", "created_by_id"):
        done[("case", pk)] = user_id
    for pk, user_id in CaseShare.objects.filter(case__realm_id=realm_id).values_list("pk", "granted_by_id"):
        done[("share", pk)] = user_id
    for case_id, transition, at, user_id in NrmEvent.objects.filter(case__realm_id=realm_id).values_list(
            "case_id", "transition", "at", "actor_id"):
        done[("nrm", case_id, transition, at)] = user_id
    return done
