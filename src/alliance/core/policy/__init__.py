"""The one access policy: who may do what to which object, split by type.

base.py holds the machinery (a relation answers `can` on one object and `scope` on a queryset from one
definition; tests/core/test_policy_properties.py checks they agree); each other module holds the rules of
one kind of object. Anything not listed is denied. Callers import `alliance.core.policy` and use the names
re-exported here.
"""

from __future__ import annotations

from alliance.core.actor import Actor
from alliance.core.policy.after_action import (
    is_trainee_of,
    may_give_feedback,
    may_keep_improvement_plan,
    may_verify_certificate,
    may_view_after_action,
    trainee_team_of,
)
from alliance.core.policy.base import (
    CASE_LIMITED_FIELDS,
    FULL,
    LIMITED,
    ObjectPolicy,
    Relation,
    fields_of_scope,
    may,
)
from alliance.core.policy.case import CASE
from alliance.core.policy.casefile import may_read_part, readable_parts
from alliance.core.policy.evaluation import (
    evaluation_run_scope,
    may_evaluate_exercises,
    may_evaluate_run,
    may_open_evaluation,
    may_rate_exercises,
    may_rate_on_run,
    may_read_exercise_realm,
)
from alliance.core.policy.home import reads_statistics, takes_part_in_exercises
from alliance.core.policy.investigation import (
    INVESTIGATION,
    INVESTIGATION_LEAD,
    XREF_HIT,
    may_judge_hit,
    may_open_investigation,
    may_see_disclosed,
)
from alliance.core.policy.programme import APPLICANT, PROGRAMME, may_create_programme
from alliance.core.policy.referral import (
    RECEIVER,
    SENDER,
    may_act_for_side,
    may_answer,
    may_take_referral_step,
    referral_side,
)
from alliance.core.policy.run import (
    INBOX_TICKET_SECONDS,
    RUN_CARD,
    RUN_CONTROL,
    RUN_VIEW,
    inbox_ticket_admits,
    may_manage_runs,
    may_on_run,
    may_read_team_inbox,
    run_scope,
    team_inbox_scope,
)
from alliance.core.policy.scenario import may_edit_scenarios, may_view_scenarios
from alliance.core.policy.screening import (
    SCREENING,
    SCREENING_AGGREGATES_REALM_WIDE,
    may_download_xlsform,
    may_edit_catalogues,
    screening_aggregate_scope,
    screening_aggregates_realm_wide,
)
from alliance.core.policy.session import second_factor_required
from alliance.core.policy.staff import AUDIT_EVENT, JOB, MEMBERSHIP
from alliance.core.policy.transnational import may_administer_transnational, may_receive_from_abroad

POLICIES: dict[str, ObjectPolicy] = {p.object_type: p for p in (CASE, AUDIT_EVENT, MEMBERSHIP, JOB, SCREENING,
                                                                    PROGRAMME, APPLICANT, INVESTIGATION,
                                                                    INVESTIGATION_LEAD, XREF_HIT)}


def policy_for(object_type: str) -> ObjectPolicy:
    return POLICIES[object_type]


def can(actor: Actor, action: str, object_type: str, obj) -> bool:
    policy = POLICIES.get(object_type)
    return policy is not None and policy.can(actor, action, obj)


__all__ = [
    "APPLICANT",
    "AUDIT_EVENT",
    "CASE",
    "CASE_LIMITED_FIELDS",
    "FULL",
    "INBOX_TICKET_SECONDS",
    "INVESTIGATION",
    "INVESTIGATION_LEAD",
    "JOB",
    "LIMITED",
    "MEMBERSHIP",
    "POLICIES",
    "PROGRAMME",
    "RECEIVER",
    "RUN_CARD",
    "RUN_CONTROL",
    "RUN_VIEW",
    "SCREENING",
    "SCREENING_AGGREGATES_REALM_WIDE",
    "SENDER",
    "XREF_HIT",
    "ObjectPolicy",
    "Relation",
    "can",
    "evaluation_run_scope",
    "fields_of_scope",
    "inbox_ticket_admits",
    "is_trainee_of",
    "may",
    "may_act_for_side",
    "may_administer_transnational",
    "may_answer",
    "may_create_programme",
    "may_download_xlsform",
    "may_edit_catalogues",
    "may_edit_scenarios",
    "may_evaluate_exercises",
    "may_evaluate_run",
    "may_give_feedback",
    "may_judge_hit",
    "may_keep_improvement_plan",
    "may_manage_runs",
    "may_on_run",
    "may_open_evaluation",
    "may_open_investigation",
    "may_rate_exercises",
    "may_rate_on_run",
    "may_read_exercise_realm",
    "may_read_part",
    "may_read_team_inbox",
    "may_receive_from_abroad",
    "may_see_disclosed",
    "may_take_referral_step",
    "may_verify_certificate",
    "may_view_after_action",
    "may_view_scenarios",
    "policy_for",
    "readable_parts",
    "reads_statistics",
    "referral_side",
    "run_scope",
    "screening_aggregate_scope",
    "screening_aggregates_realm_wide",
    "second_factor_required",
    "takes_part_in_exercises",
    "team_inbox_scope",
    "trainee_team_of",
]
