"""One team's record: the facts of its sandbox realm, gathered through the owning apps' read modules
(cases/selectors/exercise_record.py, screening/selectors/exercise_record.py), which refuse the live realm
and decide who may look (core/policy/evaluation.py). The agencies' names come from the directory, for the
reasons ("accepted by New Start house (ngo)"): agencies are not personal data."""

from __future__ import annotations

from alliance.cases.selectors.exercise_record import exercise_case_record_for
from alliance.core.actor import Actor
from alliance.directory.models import Organisation
from alliance.exercises.domain.evaluation import TeamRecord
from alliance.screening.selectors.exercise_record import exercise_screening_record_for


def team_record_for(*, actor: Actor, realm_id: int) -> TeamRecord:
    cases = exercise_case_record_for(actor=actor, realm_id=realm_id)
    screenings = exercise_screening_record_for(actor=actor, realm_id=realm_id)
    organisation_ids = {s.organisation_id for s in cases.shares}
    names = dict(Organisation.objects.filter(pk__in=organisation_ids).values_list("pk", "name"))
    return TeamRecord(realm_id=realm_id, screenings=screenings.screenings, cases=cases.cases,
                      consents=cases.consents, shares=cases.shares, nrm_events=cases.nrm_events,
                      methods_of_control=screenings.methods_of_control, organisations=names)
