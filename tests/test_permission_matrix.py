"""The permission matrix, as data: every role x every protected endpoint (UI and API) x every relation.

Relations: own (the actor's organisation owns the case), shared (shared with it), other_org (owned by
another organisation, not shared), other_realm (owned by the actor's organisation but in an exercise
realm while the actor works in the live realm), anonymous (nobody logged in).
A new endpoint that this table does not list fails test_every_endpoint_is_in_the_matrix.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from alliance.cases.services import case_create, consent_record
from alliance.config.api import api
from alliance.core import roles as R
from alliance.core.models import JobRun
from alliance.directory.services import token_issue
from tests import factories
from tests.cases import casefile_world, htcds_world, transnational_world
from tests.exercises import test_after_action_matrix_world as after_action_world
from tests.exercises import test_evaluation_world as evaluation_world
from tests.exercises import test_programme_matrix_world as programme_world
from tests.exercises import test_run_matrix_world as run_world
from tests.exercises import test_run_setup_matrix_world as run_setup_world
from tests.exercises import test_scenario_matrix as scenario_world
from tests.investigations import matrix_world as investigations_world
from tests.screening import matrix_world as screening_world

ROLES = sorted(R.ALL_ROLES)
RELATIONS = ["own", "shared", "other_org", "other_realm", "anonymous"]
OBJECT_RELATIONS = {"own", "shared", "other_org", "other_realm"}

CASE_READERS = {R.CASE_WORKER, R.FRONTLINE_RESPONDER, R.INVESTIGATOR, R.PROSECUTOR, R.COMPETENT_AUTHORITY}
CASE_SEARCHERS = {R.CASE_WORKER, R.INVESTIGATOR, R.PROSECUTOR, R.COMPETENT_AUTHORITY}
CASE_EXPORTERS = {R.CASE_WORKER, R.INVESTIGATOR, R.PROSECUTOR}
CASE_CREATORS = {R.CASE_WORKER, R.FRONTLINE_RESPONDER, R.INVESTIGATOR}
OVERRIDERS = {R.CASE_WORKER, R.INVESTIGATOR, R.PROSECUTOR, R.COMPETENT_AUTHORITY}
DECIDERS = {R.COMPETENT_AUTHORITY}  # the matrix step is a reasonable-grounds decision
CASE_EDITORS = {R.CASE_WORKER, R.FRONTLINE_RESPONDER, R.INVESTIGATOR, R.PROSECUTOR}  # the case file: case.edit
# Referrals are answered by roles that work cases (case.view with case.edit or case.decide).
ANSWERERS = {R.CASE_WORKER, R.FRONTLINE_RESPONDER, R.INVESTIGATOR, R.PROSECUTOR, R.COMPETENT_AUTHORITY}
JOB_VIEWERS = {R.SYSTEM_ADMINISTRATOR, R.NATIONAL_COORDINATOR, R.CASE_WORKER, R.INVESTIGATOR, R.ANALYST, R.AUDITOR,
               R.TRAINING_COORDINATOR}
EVERY_ROLE = set(R.ALL_ROLES)
# Package keys and partners: organisation admins (none in this matrix) and system administrators.
PACKAGE_ADMINS = {R.SYSTEM_ADMINISTRATOR}
PACKAGE_IMPORTERS = {R.CASE_WORKER, R.INVESTIGATOR}
ACCESS_LOGGERS = {R.CASE_WORKER, R.INVESTIGATOR, R.PROSECUTOR, R.AUDITOR}
DATA_PROTECTORS = {R.CASE_WORKER, R.INVESTIGATOR, R.PROSECUTOR}
HTCDS_IMPORTERS = {R.CASE_WORKER, R.INVESTIGATOR}  # case.import (trainers only in exercise realms)
# Screening at reception (tests/screening/matrix_world.py): screenings belong to the organisation that made
# them and are never shared; the dashboard is aggregated (organisation admins too, none in this matrix).
SCREENERS = {R.CASE_WORKER, R.FRONTLINE_RESPONDER, R.INVESTIGATOR}
SCREENING_DASHBOARD = {R.NATIONAL_COORDINATOR, R.ANALYST}
CATALOGUE_EDITORS = {R.SYSTEM_ADMINISTRATOR}
# Training programmes (tests/exercises/test_programme_matrix_world.py): the running organisation's
# co-ordinators; "own" is its programme in the live realm, nothing is ever shared.
PROGRAMME_RUNNERS = {R.TRAINING_COORDINATOR}
# Scenario packages (tests/exercises/test_scenario_matrix.py): the installation's, read and changed by
# training co-ordinators only; every relation alike.
SCENARIO_EDITORS = {R.TRAINING_COORDINATOR}
# Exercise evaluation (core/policy/evaluation.py, tests/exercises/test_evaluation_world.py): training
# co-ordinators by role; a run's controllers and observers by their staff rows, which no matrix actor holds
# (tests/exercises/test_evaluation_observers.py covers that relation).
EVALUATORS = {R.TRAINING_COORDINATOR}
# Investigations (core/policy/investigation.py, tests/investigations/matrix_world.py): the team, by role.
# own: the member leads it; shared: on another agency's team (a joint team); the lead's endpoints: own only.
INVESTIGATORS = {R.INVESTIGATOR, R.PROSECUTOR, R.ANALYST}
INVESTIGATION_OPENERS = {R.INVESTIGATOR, R.PROSECUTOR}


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    kind: str  # "object": one case; "collection": the case must appear; "plain": no case involved
    roles: set[str]
    relations: set[str] = field(default_factory=lambda: {"own", "shared", "other_org", "other_realm"})
    api: bool = False


OWN_OR_SHARED = {"own", "shared"}
MATRIX: list[Endpoint] = [
    # --- web pages ---
    Endpoint("web:home", "GET", "plain", EVERY_ROLE),
    Endpoint("web:switch_context", "POST", "plain", EVERY_ROLE),
    Endpoint("cases:list", "GET", "collection", CASE_READERS, OWN_OR_SHARED),
    Endpoint("cases:detail", "GET", "object", CASE_READERS, OWN_OR_SHARED),
    Endpoint("cases:search", "POST", "collection", CASE_SEARCHERS, OWN_OR_SHARED),
    Endpoint("cases:export", "GET", "collection", CASE_EXPORTERS, OWN_OR_SHARED),
    Endpoint("cases:create", "POST", "plain", CASE_CREATORS),
    Endpoint("cases:share", "POST", "object", CASE_CREATORS, {"own"}),
    Endpoint("cases:override", "POST", "object", OVERRIDERS, {"own", "shared", "other_org"}),
    Endpoint("cases:step", "POST", "object", DECIDERS, OWN_OR_SHARED),
    Endpoint("cases:consent", "POST", "object", CASE_CREATORS, {"own"}),
    Endpoint("cases:consent_withdraw", "POST", "object", CASE_CREATORS, {"own"}),
    Endpoint("cases:deadlines", "GET", "collection", CASE_READERS, OWN_OR_SHARED),
    # Referral steps: "own" is a referral the actor's organisation sent, "shared" one it received,
    # "other_org" one between two others, "other_realm" one in an exercise realm (_referral_for).
    Endpoint("cases:refer", "POST", "object", CASE_CREATORS, {"own"}),
    Endpoint("cases:referrals", "GET", "plain", CASE_READERS),
    Endpoint("cases:referral_accept", "POST", "object", ANSWERERS, {"shared"}),
    Endpoint("cases:referral_decline", "POST", "object", ANSWERERS, {"shared"}),
    Endpoint("cases:referral_done", "POST", "object", ANSWERERS, {"shared"}),
    Endpoint("cases:referral_revoke", "POST", "object", CASE_CREATORS, {"own"}),
    Endpoint("cases:notifications", "GET", "plain", EVERY_ROLE),
    Endpoint("cases:notification_read", "POST", "plain", EVERY_ROLE),
    Endpoint("cases:notifications_read_all", "POST", "plain", EVERY_ROLE),
    Endpoint("cases:access_log", "GET", "object", ACCESS_LOGGERS, {"own"}),
    Endpoint("cases:subject_access", "GET", "object", DATA_PROTECTORS, {"own"}),
    Endpoint("cases:legal_hold", "POST", "object", DATA_PROTECTORS, {"own"}),
    Endpoint("cases:delete", "POST", "object", DATA_PROTECTORS, {"own"}),
    Endpoint("cases:duty_notify", "POST", "object", DATA_PROTECTORS, {"own"}),
    Endpoint("cases:transnational_keys", "GET", "plain", PACKAGE_ADMINS),
    Endpoint("cases:transnational_card", "GET", "plain", PACKAGE_ADMINS),
    Endpoint("cases:transnational_partners", "GET", "plain", PACKAGE_ADMINS),
    Endpoint("cases:transnational_partner_remove", "POST", "plain", PACKAGE_ADMINS),
    Endpoint("cases:transnational_packages", "GET", "plain", PACKAGE_IMPORTERS),
    Endpoint("cases:transnational_package", "GET", "plain", PACKAGE_IMPORTERS),
    Endpoint("cases:transnational_accept", "POST", "plain", PACKAGE_IMPORTERS),
    Endpoint("cases:transnational_refuse", "POST", "plain", PACKAGE_IMPORTERS),
    Endpoint("cases:transnational_send", "POST", "object", CASE_CREATORS, {"own"}),
    # The case file (tests/cases/casefile_world.py builds a task, a document and a service per relation).
    Endpoint("cases:timeline", "GET", "object", CASE_READERS, OWN_OR_SHARED),
    Endpoint("cases:task_add", "POST", "object", CASE_EDITORS, OWN_OR_SHARED),
    Endpoint("cases:task_edit", "GET", "object", CASE_EDITORS, OWN_OR_SHARED),
    Endpoint("cases:task_complete", "POST", "object", CASE_EDITORS, OWN_OR_SHARED),
    Endpoint("cases:note_add", "POST", "object", CASE_EDITORS, OWN_OR_SHARED),
    Endpoint("cases:document_upload", "POST", "object", CASE_EDITORS, OWN_OR_SHARED),
    Endpoint("cases:document_download", "GET", "object", CASE_READERS, OWN_OR_SHARED),
    Endpoint("cases:support_plan", "POST", "object", CASE_EDITORS, OWN_OR_SHARED),
    Endpoint("cases:service_add", "POST", "object", CASE_EDITORS, OWN_OR_SHARED),
    Endpoint("cases:service_edit", "POST", "object", CASE_EDITORS, OWN_OR_SHARED),
    Endpoint("cases:my_tasks", "GET", "collection", CASE_READERS, OWN_OR_SHARED),
    # HTCDS: the details need the full scope (a full share counts); import and export work on many cases.
    Endpoint("cases:details_edit", "GET", "object", CASE_EDITORS, OWN_OR_SHARED),
    Endpoint("cases:htcds_export", "GET", "collection", CASE_EXPORTERS, OWN_OR_SHARED),
    Endpoint("cases:htcds_import", "POST", "plain", HTCDS_IMPORTERS),
    Endpoint("investigations:list", "GET", "plain", INVESTIGATORS),
    Endpoint("investigations:new", "GET", "plain", INVESTIGATION_OPENERS),
    Endpoint("investigations:detail", "GET", "object", INVESTIGATORS, OWN_OR_SHARED),
    Endpoint("investigations:source_add", "POST", "object", INVESTIGATORS, OWN_OR_SHARED),
    Endpoint("investigations:import", "POST", "object", INVESTIGATORS, OWN_OR_SHARED),
    Endpoint("investigations:export", "GET", "object", INVESTIGATORS, OWN_OR_SHARED),
    Endpoint("investigations:spreadsheet", "POST", "object", INVESTIGATORS, OWN_OR_SHARED),
    Endpoint("investigations:member_add", "POST", "object", INVESTIGATORS, {"own"}),
    Endpoint("investigations:xref", "POST", "object", INVESTIGATORS, OWN_OR_SHARED),
    Endpoint("investigations:disclosures", "GET", "plain", INVESTIGATORS),
    Endpoint("investigations:decide", "POST", "object", INVESTIGATORS, {"own"}),
    Endpoint("investigations:judge", "POST", "object", INVESTIGATORS, OWN_OR_SHARED),
    Endpoint("investigation_list", "GET", "plain", INVESTIGATORS, api=True),
    Endpoint("investigation_open", "POST", "plain", INVESTIGATION_OPENERS, api=True),
    Endpoint("disclosure_list", "GET", "plain", INVESTIGATORS, api=True),
    Endpoint("investigation_get", "GET", "object", INVESTIGATORS, OWN_OR_SHARED, api=True),
    Endpoint("member_add", "POST", "object", INVESTIGATORS, {"own"}, api=True),
    Endpoint("source_create", "POST", "object", INVESTIGATORS, OWN_OR_SHARED, api=True),
    Endpoint("entities_add", "POST", "object", INVESTIGATORS, OWN_OR_SHARED, api=True),
    Endpoint("entity_list", "GET", "object", INVESTIGATORS, OWN_OR_SHARED, api=True),
    Endpoint("table_import", "POST", "object", INVESTIGATORS, OWN_OR_SHARED, api=True),
    Endpoint("investigation_export", "GET", "object", INVESTIGATORS, OWN_OR_SHARED, api=True),
    Endpoint("investigation_xref", "POST", "object", INVESTIGATORS, OWN_OR_SHARED, api=True),
    Endpoint("investigation_hits", "GET", "object", INVESTIGATORS, OWN_OR_SHARED, api=True),
    Endpoint("disclosure_decide", "POST", "object", INVESTIGATORS, {"own"}, api=True),
    Endpoint("pair_judge", "POST", "object", INVESTIGATORS, OWN_OR_SHARED, api=True),
    Endpoint("screening:home", "GET", "plain", SCREENERS),
    Endpoint("screening:interview", "GET", "plain", SCREENERS),
    Endpoint("screening:submit", "POST", "plain", SCREENERS),
    Endpoint("screening:detail", "GET", "object", SCREENERS, {"own"}),
    Endpoint("screening:refer", "POST", "object", SCREENERS, {"own"}),
    Endpoint("screening:dashboard", "GET", "plain", SCREENING_DASHBOARD),
    Endpoint("screening:catalogues", "GET", "plain", CATALOGUE_EDITORS),
    Endpoint("screening:catalogue", "GET", "plain", CATALOGUE_EDITORS),
    Endpoint("screening:catalogue_draft", "POST", "plain", CATALOGUE_EDITORS),
    Endpoint("screening:catalogue_edit", "GET", "plain", CATALOGUE_EDITORS),
    Endpoint("screening:catalogue_publish", "POST", "plain", CATALOGUE_EDITORS),
    Endpoint("screening:xlsform", "GET", "plain", SCREENERS | CATALOGUE_EDITORS),
    Endpoint("screening:languages", "GET", "plain", CATALOGUE_EDITORS),
    Endpoint("screening:language_add", "POST", "plain", CATALOGUE_EDITORS),
    Endpoint("screening:language", "GET", "plain", CATALOGUE_EDITORS),
    Endpoint("screening:language_publish", "POST", "plain", CATALOGUE_EDITORS),
    *[Endpoint(name, method, "plain", SCENARIO_EDITORS) for name, (method, _path) in scenario_world.MATRIX_WEB.items()],
    Endpoint("core:audit", "GET", "plain", {R.AUDITOR}),
    Endpoint("core:audit_verify", "POST", "plain", {R.AUDITOR, R.SYSTEM_ADMINISTRATOR}),
    Endpoint("core:job", "GET", "plain", JOB_VIEWERS),
    Endpoint("exercises:evaluation_board", "GET", "plain", EVALUATORS),
    Endpoint("exercises:evaluation_board_rows", "GET", "plain", EVALUATORS),
    Endpoint("exercises:evaluation_rate", "POST", "plain", EVALUATORS),
    Endpoint("exercises:evaluation_log", "POST", "plain", EVALUATORS),
    Endpoint("exercises:evaluation_debrief", "GET", "plain", EVALUATORS),
    Endpoint("exercises:evaluation_debrief_pdf", "GET", "plain", EVALUATORS),
    Endpoint("directory:staff", "GET", "plain", {R.SYSTEM_ADMINISTRATOR}),
    Endpoint("directory:staff_add", "GET", "plain", {R.SYSTEM_ADMINISTRATOR}),
    Endpoint("directory:staff_edit", "GET", "plain", {R.SYSTEM_ADMINISTRATOR}),
    Endpoint("directory:staff_unlock", "POST", "plain", {R.SYSTEM_ADMINISTRATOR}),
    Endpoint("directory:tokens", "GET", "plain", EVERY_ROLE),
    Endpoint("directory:token_revoke", "POST", "plain", EVERY_ROLE),
    # --- API operations ---
    Endpoint("me", "GET", "plain", EVERY_ROLE, api=True),
    Endpoint("token_list", "GET", "plain", EVERY_ROLE, api=True),
    Endpoint("token_issue", "POST", "plain", EVERY_ROLE, api=True),
    Endpoint("token_revoke", "DELETE", "plain", EVERY_ROLE, api=True),
    Endpoint("case_list", "GET", "collection", CASE_READERS, OWN_OR_SHARED, api=True),
    Endpoint("case_get", "GET", "object", CASE_READERS, OWN_OR_SHARED, api=True),
    Endpoint("case_search", "POST", "collection", CASE_SEARCHERS, OWN_OR_SHARED, api=True),
    Endpoint("case_export", "GET", "collection", CASE_EXPORTERS, OWN_OR_SHARED, api=True),
    Endpoint("case_create", "POST", "plain", CASE_CREATORS, api=True),
    Endpoint("case_share", "POST", "object", CASE_CREATORS, {"own"}, api=True),
    Endpoint("case_override", "POST", "object", OVERRIDERS, {"own", "shared", "other_org"}, api=True),
    Endpoint("case_transition", "POST", "object", DECIDERS, OWN_OR_SHARED, api=True),
    Endpoint("consent_record", "POST", "object", CASE_CREATORS, {"own"}, api=True),
    Endpoint("consent_withdraw", "POST", "object", CASE_CREATORS, {"own"}, api=True),
    Endpoint("case_deadlines", "GET", "collection", CASE_READERS, OWN_OR_SHARED, api=True),
    Endpoint("case_refer", "POST", "object", CASE_CREATORS, {"own"}, api=True),
    Endpoint("referral_list", "GET", "plain", CASE_READERS, api=True),
    Endpoint("referral_accept", "POST", "object", ANSWERERS, {"shared"}, api=True),
    Endpoint("referral_decline", "POST", "object", ANSWERERS, {"shared"}, api=True),
    Endpoint("referral_done", "POST", "object", ANSWERERS, {"shared"}, api=True),
    Endpoint("referral_revoke", "POST", "object", CASE_CREATORS, {"own"}, api=True),
    Endpoint("notification_list", "GET", "plain", EVERY_ROLE, api=True),
    Endpoint("notification_read", "POST", "plain", EVERY_ROLE, api=True),
    Endpoint("notification_read_all", "POST", "plain", EVERY_ROLE, api=True),
    Endpoint("case_access_log", "GET", "object", ACCESS_LOGGERS, {"own"}, api=True),
    Endpoint("case_subject_access", "GET", "object", DATA_PROTECTORS, {"own"}, api=True),
    Endpoint("case_legal_hold", "POST", "object", DATA_PROTECTORS, {"own"}, api=True),
    Endpoint("case_delete", "POST", "object", DATA_PROTECTORS, {"own"}, api=True),
    Endpoint("duty_notification_send", "POST", "object", DATA_PROTECTORS, {"own"}, api=True),
    Endpoint("transnational_keys_list", "GET", "plain", PACKAGE_ADMINS, api=True),
    Endpoint("transnational_keys_create", "POST", "plain", PACKAGE_ADMINS, api=True),
    Endpoint("transnational_partner_list", "GET", "plain", PACKAGE_ADMINS, api=True),
    Endpoint("transnational_partner_add", "POST", "plain", PACKAGE_ADMINS, api=True),
    Endpoint("transnational_partner_remove", "DELETE", "plain", PACKAGE_ADMINS, api=True),
    Endpoint("transnational_send", "POST", "object", CASE_CREATORS, {"own"}, api=True),
    Endpoint("transnational_receive", "POST", "plain", PACKAGE_IMPORTERS, api=True),
    Endpoint("transnational_package_list", "GET", "plain", PACKAGE_IMPORTERS, api=True),
    Endpoint("transnational_package_get", "GET", "plain", PACKAGE_IMPORTERS, api=True),
    Endpoint("transnational_accept", "POST", "plain", PACKAGE_IMPORTERS, api=True),
    Endpoint("transnational_refuse", "POST", "plain", PACKAGE_IMPORTERS, api=True),
    Endpoint("case_timeline", "GET", "object", CASE_READERS, OWN_OR_SHARED, api=True),
    Endpoint("task_list", "GET", "object", CASE_READERS, OWN_OR_SHARED, api=True),
    Endpoint("task_create", "POST", "object", CASE_EDITORS, OWN_OR_SHARED, api=True),
    Endpoint("task_update", "PATCH", "object", CASE_EDITORS, OWN_OR_SHARED, api=True),
    Endpoint("task_complete", "POST", "object", CASE_EDITORS, OWN_OR_SHARED, api=True),
    Endpoint("note_list", "GET", "object", CASE_READERS, OWN_OR_SHARED, api=True),
    Endpoint("note_add", "POST", "object", CASE_EDITORS, OWN_OR_SHARED, api=True),
    Endpoint("document_list", "GET", "object", CASE_READERS, OWN_OR_SHARED, api=True),
    Endpoint("document_upload", "POST", "object", CASE_EDITORS, OWN_OR_SHARED, api=True),
    Endpoint("document_download", "GET", "object", CASE_READERS, OWN_OR_SHARED, api=True),
    Endpoint("support_plan_get", "GET", "object", CASE_READERS, OWN_OR_SHARED, api=True),
    Endpoint("support_plan_save", "PUT", "object", CASE_EDITORS, OWN_OR_SHARED, api=True),
    Endpoint("support_service_add", "POST", "object", CASE_EDITORS, OWN_OR_SHARED, api=True),
    Endpoint("support_service_update", "PATCH", "object", CASE_EDITORS, OWN_OR_SHARED, api=True),
    Endpoint("my_tasks", "GET", "collection", CASE_READERS, OWN_OR_SHARED, api=True),
    Endpoint("details_get", "GET", "object", CASE_READERS, OWN_OR_SHARED, api=True),
    Endpoint("details_update", "PUT", "object", CASE_EDITORS, OWN_OR_SHARED, api=True),
    Endpoint("htcds_export", "GET", "collection", CASE_EXPORTERS, OWN_OR_SHARED, api=True),
    Endpoint("htcds_import", "POST", "plain", HTCDS_IMPORTERS, api=True),
    Endpoint("screening_catalogue_list", "GET", "plain", EVERY_ROLE, api=True),
    Endpoint("screening_catalogue_get", "GET", "plain", EVERY_ROLE, api=True),
    Endpoint("screening_interview", "GET", "plain", SCREENERS, api=True),
    Endpoint("screening_xlsform", "GET", "plain", SCREENERS | CATALOGUE_EDITORS, api=True),
    Endpoint("screening_dashboard", "GET", "plain", SCREENING_DASHBOARD, api=True),
    Endpoint("screening_submit", "POST", "plain", SCREENERS, api=True),
    Endpoint("screening_list", "GET", "plain", SCREENERS, api=True),
    Endpoint("screening_get", "GET", "object", SCREENERS, {"own"}, api=True),
    Endpoint("screening_score", "GET", "object", SCREENERS, {"own"}, api=True),
    Endpoint("screening_refer", "POST", "object", SCREENERS, {"own"}, api=True),
    *[Endpoint(name, method, "plain", SCENARIO_EDITORS, api=True)
      for name, (method, _path) in scenario_world.MATRIX_API.items()],
    Endpoint("audit_list", "GET", "plain", {R.AUDITOR}, api=True),
    Endpoint("audit_verify", "POST", "plain", {R.AUDITOR, R.SYSTEM_ADMINISTRATOR}, api=True),
    Endpoint("job_get", "GET", "plain", JOB_VIEWERS, api=True),
    Endpoint("exercises:programmes", "GET", "plain", PROGRAMME_RUNNERS),
    Endpoint("exercises:programme", "GET", "object", PROGRAMME_RUNNERS, {"own"}),
    Endpoint("exercises:programme_new", "GET", "plain", PROGRAMME_RUNNERS),
    Endpoint("exercises:edition_new", "GET", "object", PROGRAMME_RUNNERS, {"own"}),
    Endpoint("exercises:call_edit", "GET", "object", PROGRAMME_RUNNERS, {"own"}),
    Endpoint("exercises:call_publish", "POST", "object", PROGRAMME_RUNNERS, {"own"}),
    Endpoint("exercises:report", "GET", "object", PROGRAMME_RUNNERS, {"own"}),
    Endpoint("exercises:report_pdf", "GET", "object", PROGRAMME_RUNNERS, {"own"}),
    Endpoint("exercises:report_csv", "GET", "object", PROGRAMME_RUNNERS, {"own"}),
    Endpoint("exercises:applicants", "GET", "object", PROGRAMME_RUNNERS, {"own"}),
    Endpoint("exercises:select", "POST", "object", PROGRAMME_RUNNERS, {"own"}),
    Endpoint("exercises:notify", "POST", "object", PROGRAMME_RUNNERS, {"own"}),
    Endpoint("exercises:applicant", "GET", "object", PROGRAMME_RUNNERS, {"own"}),
    Endpoint("programme_report", "GET", "object", PROGRAMME_RUNNERS, {"own"}, api=True),
    Endpoint("programme_create", "POST", "plain", PROGRAMME_RUNNERS, api=True),
    Endpoint("edition_create", "POST", "object", PROGRAMME_RUNNERS, {"own"}, api=True),
    Endpoint("call_save", "POST", "object", PROGRAMME_RUNNERS, {"own"}, api=True),
    Endpoint("call_publish", "POST", "object", PROGRAMME_RUNNERS, {"own"}, api=True),
    Endpoint("evaluation_team_get", "GET", "plain", EVALUATORS, api=True),
    Endpoint("evaluation_rating_record", "POST", "plain", EVALUATORS, api=True),
    Endpoint("evaluation_log_add", "POST", "plain", EVALUATORS, api=True),
    # Exercise runs (tests/exercises/test_run_matrix_world.py)
    *(Endpoint(name, method, "plain", roles, api=api) for name, method, roles, api in run_world.endpoints()),
    # Setting up runs (tests/exercises/test_run_setup_matrix_world.py)
    *(Endpoint(name, method, "plain", roles) for name, method, roles in run_setup_world.endpoints()),
    # After the exercise (tests/exercises/test_after_action_matrix_world.py)
    *(Endpoint(name, method, "plain", roles, api=api) for name, method, roles, api in after_action_world.endpoints()),
]

# Reachable without logging in, by design; none reads protected data.
PUBLIC = {
    "web:login", "web:logout", "web:otp_verify", "web:otp_setup", "web:password_reset", "web:password_reset_done",
    "web:password_reset_confirm", "web:password_reset_complete", "set_language", "api:openapi-json",
    "api:openapi-view", "screening:service_worker",
    # Published calls and the application form: no account, no applicant data shown (exercises/views/applications.py).
    "exercises:calls_public", "exercises:call_public", "exercises:apply", "exercises:apply_confirm",
    # A certificate's check: what the paper prints, to whoever holds its 12-character code (tested in
    # tests/exercises/test_certificate_verify.py; core/policy/after_action.py).
    "exercises:certificate_verify",
}
PUBLIC_API = {"application_submit"}  # the same application form as JSON


def _url_names(resolver=None, prefix="") -> set[str]:
    names: set[str] = set()
    for pattern in (resolver or get_resolver()).url_patterns:
        if isinstance(pattern, URLResolver):
            namespace = f"{prefix}{pattern.namespace}:" if pattern.namespace else prefix
            names |= _url_names(pattern, namespace)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names.add(f"{prefix}{pattern.name}")
    return names


def _api_operations() -> set[str]:
    schema = api.get_openapi_schema()
    return {op["operationId"] for path in schema["paths"].values() for op in path.values()}


def test_every_endpoint_is_in_the_matrix():
    listed = {e.name for e in MATRIX if not e.api} | PUBLIC
    ui = {n for n in _url_names() if not n.startswith("api:")} | {n for n in _url_names() if n in PUBLIC}
    assert ui - listed == set(), "web endpoints missing from the permission matrix"
    api_listed = {e.name for e in MATRIX if e.api} | PUBLIC_API
    assert _api_operations() - api_listed == set(), "API operations missing from the permission matrix"


def test_an_unknown_action_is_denied_to_every_role(db):
    from alliance.core import policy

    org = factories.organisation()
    for role in ROLES:
        actor = factories.actor(factories.member(org, [role]))
        assert not policy.may(actor, "case.teleport")
        assert not policy.can(actor, "case.teleport", "case", object())


@pytest.fixture
def world(db):
    """An actor organisation, its cases under each relation, and a third organisation to share with."""
    from alliance.directory.selectors import live_realm

    mine, other, third = (factories.organisation(f"Org {n}") for n in ("Mine", "Other", "Third"))
    owner_mine = factories.actor(factories.member(mine, [R.CASE_WORKER]))
    owner_other = factories.actor(factories.member(other, [R.CASE_WORKER]))
    exercise = factories.exercise_realm("Matrix exercise")
    trainer_membership = factories.member(mine, [R.TRAINER])
    exercise.participants.add(trainer_membership.user)
    cases = {
        "own": case_create(actor=owner_mine, given_name="Ona", family_name="Own", identity_number="OWN-1"),
        "shared": case_create(actor=owner_other, given_name="Sha", family_name="Red", identity_number="SHR-1"),
        "other_org": case_create(actor=owner_other, given_name="Oth", family_name="Er", identity_number="OTH-1"),
        "other_realm": case_create(actor=factories.actor(trainer_membership, exercise), given_name="Exe",
                                   family_name="Rcise", identity_number="EXE-1"),
    }
    factories.share(actor=owner_other, case_id=cases["shared"].pk, organisation_id=mine.pk, scope="full",
               purpose="matrix")
    # The share endpoints share the own case with the third organisation: the person agreed to that. Every
    # case also carries a consent of its own for the withdrawal endpoints.
    consent_record(actor=owner_mine, case_id=cases["own"].pk, purpose="share_organisation",
                   organisation_id=third.pk, language="en")
    consents = {"own": consent_record(actor=owner_mine, case_id=cases["own"].pk, purpose="statistics",
                                      language="en")}
    for relation, owner in (("shared", owner_other), ("other_org", owner_other),
                            ("other_realm", factories.actor(trainer_membership, exercise))):
        consents[relation] = consent_record(actor=owner, case_id=cases[relation].pk, purpose="statistics",
                                            language="en")
    # An adult without consent to referral in a profile with a duty to notify: the notification endpoints.
    notifiable = case_create(actor=owner_mine, given_name="Not", family_name="Ified")
    return {"mine": mine, "third": third, "cases": cases, "live": live_realm(), "consents": consents,
            "notifiable": notifiable}


NAMES = {"own": "Ona Own", "shared": "Sha Red", "other_org": "Oth Er", "other_realm": "Exe Rcise"}


def _request(client, endpoint: Endpoint, relation: str, world, membership, token: str | None):
    from django.urls import reverse

    case = world["cases"].get(relation) or world["cases"]["own"]
    consent = world["consents"].get(relation) or world["consents"]["own"]
    job = JobRun.objects.create(kind="matrix", user_id=membership.user_id)
    share_id = _referral_for(world, endpoint.name, relation)
    notice_id = _notice_for(world, membership)
    kwargs = {
        "cases:detail": {"case_id": case.pk}, "cases:share": {"case_id": case.pk},
        "cases:override": {"case_id": case.pk}, "core:job": {"job_id": job.pk}, "cases:step": {"case_id": case.pk},
        "cases:consent": {"case_id": case.pk}, "cases:consent_withdraw": {"case_id": case.pk, "consent_id": consent.pk},
        "cases:refer": {"case_id": case.pk}, "cases:referral_accept": {"share_id": share_id},
        "cases:referral_decline": {"share_id": share_id}, "cases:referral_done": {"share_id": share_id},
        "cases:referral_revoke": {"share_id": share_id}, "cases:notification_read": {"notification_id": notice_id},
        "cases:access_log": {"case_id": case.pk}, "cases:subject_access": {"case_id": case.pk},
        "cases:legal_hold": {"case_id": case.pk}, "cases:delete": {"case_id": case.pk},
        "cases:duty_notify": {"case_id": world["notifiable"].pk if relation == "own" else case.pk},
        "directory:staff_edit": {"membership_id": membership.pk},
        "directory:staff_unlock": {"membership_id": membership.pk},
    }
    bodies = {
        "web:switch_context": {"realm": str(world["live"].pk)},
        "cases:search": {"name": NAMES.get(relation, "Ona Own")},
        "cases:create": {"given_name": "New", "family_name": "Person"},
        "cases:share": {"organisation": str(world["third"].pk), "scope": "limited", "purpose": "matrix"},
        "cases:override": {"justification": "Immediate risk to life; owner unreachable at night."},
        "cases:step": {"transition": "reasonable_grounds", "outcome": "positive"},
        "cases:consent": {"purpose": "assistance", "language": "en"},
        "cases:refer": {"kind": "referral", "organisation": str(world["third"].pk), "scope": "limited",
                        "purpose": "matrix"},
        "cases:referral_decline": {"reason": "matrix"}, "cases:referral_revoke": {"reason": "matrix"},
        "cases:legal_hold": {"hold": "set", "reason": "Proceedings pending"},
        "cases:delete": {"justification": "Erasure request under Art. 17, verified", "confirm": "on"},
    }
    if casefile_world.is_matrix_endpoint(endpoint.name, endpoint.api):
        return casefile_world.matrix_request(client, endpoint.name, api=endpoint.api, relation=relation, world=world,
                                             membership=membership, token=token)
    if screening_world.is_matrix_endpoint(endpoint.name, endpoint.api):
        return screening_world.matrix_request(client, endpoint.name, api=endpoint.api, relation=relation, world=world,
                                              membership=membership, token=token)
    if investigations_world.is_matrix_endpoint(endpoint.name, endpoint.api):
        return investigations_world.matrix_request(client, endpoint.name, api=endpoint.api, relation=relation,
                                                   world=world, membership=membership, token=token)
    if programme_world.is_matrix_endpoint(endpoint.name, endpoint.api):
        return programme_world.matrix_request(client, endpoint.name, api=endpoint.api, relation=relation, world=world,
                                              token=token)
    if scenario_world.is_matrix_endpoint(endpoint.name, endpoint.api):
        return scenario_world.matrix_request(client, endpoint.name, api=endpoint.api,
                                             live_realm_id=world["live"].pk, token=token)
    if htcds_world.is_matrix_endpoint(endpoint.name, endpoint.api):
        return htcds_world.matrix_request(client, endpoint.name, api=endpoint.api, case=case, token=token)
    if transnational_world.is_matrix_endpoint(endpoint.name, endpoint.api):
        return transnational_world.matrix_request(client, endpoint.name, api=endpoint.api, organisation=world["mine"],
                                                  case=case, live_realm_id=world["live"].pk, token=token)
    if evaluation_world.is_matrix_endpoint(endpoint.name, endpoint.api):
        return evaluation_world.matrix_request(client, endpoint.name, api=endpoint.api, world=world, token=token)
    if run_world.is_matrix_endpoint(endpoint.name, endpoint.api):
        return run_world.matrix_request(client, endpoint.name, api=endpoint.api, token=token)
    if run_setup_world.is_matrix_endpoint(endpoint.name, endpoint.api):
        return run_setup_world.matrix_request(client, endpoint.name, membership=membership)
    if after_action_world.is_matrix_endpoint(endpoint.name, endpoint.api):
        return after_action_world.matrix_request(client, endpoint.name, api=endpoint.api, token=token)
    if not endpoint.api:
        if endpoint.name == "directory:token_revoke":
            url = reverse(endpoint.name, kwargs={"token_id": _token_of(membership)})
        else:
            url = reverse(endpoint.name, kwargs=kwargs.get(endpoint.name, {}))
        if endpoint.method == "GET":
            return client.get(url)
        return client.post(url, bodies.get(endpoint.name, {}))
    paths = {
        "me": "/api/v1/me", "token_list": "/api/v1/tokens", "token_issue": "/api/v1/tokens",
        "token_revoke": f"/api/v1/tokens/{_token_of(membership)}", "case_list": "/api/v1/cases?page_size=200",
        "case_get": f"/api/v1/cases/{case.pk}", "case_search": "/api/v1/cases/search",
        "case_export": "/api/v1/cases/export", "case_create": "/api/v1/cases",
        "case_share": f"/api/v1/cases/{case.pk}/shares", "case_override": f"/api/v1/cases/{case.pk}/override",
        "audit_list": "/api/v1/audit/events", "audit_verify": "/api/v1/audit/verify",
        "job_get": f"/api/v1/jobs/{job.pk}", "case_transition": f"/api/v1/cases/{case.pk}/transitions",
        "case_deadlines": "/api/v1/cases/deadlines?within_days=30",
        "consent_record": f"/api/v1/cases/{case.pk}/consents",
        "consent_withdraw": f"/api/v1/cases/consents/{consent.pk}/withdraw",
        "case_refer": f"/api/v1/cases/{case.pk}/referrals", "referral_list": "/api/v1/cases/referrals?box=incoming",
        "referral_accept": f"/api/v1/cases/referrals/{share_id}/accept",
        "referral_decline": f"/api/v1/cases/referrals/{share_id}/decline",
        "referral_done": f"/api/v1/cases/referrals/{share_id}/done",
        "referral_revoke": f"/api/v1/cases/referrals/{share_id}/revoke",
        "notification_list": "/api/v1/cases/notifications",
        "notification_read": f"/api/v1/cases/notifications/{notice_id}/read",
        "notification_read_all": "/api/v1/cases/notifications/read",
        "case_access_log": f"/api/v1/cases/{case.pk}/access",
        "case_subject_access": f"/api/v1/cases/{case.pk}/subject-access",
        "case_legal_hold": f"/api/v1/cases/{case.pk}/legal-hold", "case_delete": f"/api/v1/cases/{case.pk}/deletion",
        "duty_notification_send":
            f"/api/v1/cases/{world['notifiable'].pk if relation == 'own' else case.pk}/duty-notifications",
    }
    json_bodies = {
        "token_issue": {"name": "matrix", "days": 1},
        "case_search": {"name": NAMES.get(relation, "Ona Own")},
        "case_create": {"given_name": "New", "family_name": "Person"},
        "case_share": {"organisation_id": world["third"].pk, "scope": "limited", "purpose": "matrix"},
        "case_override": {"justification": "Immediate risk to life; owner unreachable at night."},
        "case_transition": {"transition": "reasonable_grounds", "outcome": "positive"},
        "consent_record": {"purpose": "assistance", "language": "en"},
        "case_refer": {"organisation_id": world["third"].pk, "scope": "limited", "purpose": "matrix"},
        "referral_decline": {"reason": "matrix"}, "referral_revoke": {"reason": "matrix"},
        "case_legal_hold": {"hold": True, "reason": "Proceedings pending"},
        "case_delete": {"justification": "Erasure request under Art. 17, verified"},
    }
    # Tokens cannot mint tokens, so token_issue is exercised through the browser session.
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token and endpoint.name != "token_issue" else {}
    path = paths[endpoint.name]
    if endpoint.method == "GET":
        return client.get(path, **headers)
    if endpoint.method == "DELETE":
        return client.delete(path, **headers)
    return client.post(path, json_bodies.get(endpoint.name, {}), content_type="application/json", **headers)


REFERRAL_STEPS = {"accept", "decline", "done", "revoke"}


def _referral_for(world, name: str, relation: str) -> int | None:
    """A fresh referral for a referral step under each relation: "own" sent by the actor's organisation to the
    third one; "shared" sent to the actor's organisation; "other_org" between two others; "other_realm" sent
    to (answers) or by (revoke) the actor's organisation in an exercise realm. Done needs it accepted."""
    from alliance.cases.services.referrals import case_refer, referral_accept

    step = name.rsplit("_", 1)[-1]
    if not name.startswith(("cases:referral_", "referral_")) or step not in REFERRAL_STEPS:
        return None
    made = world.setdefault("referrals", {})
    if relation == "anonymous" or relation in made:  # anonymous is refused at the door: any id will do
        return made.get(relation) or next(iter(made.values()), 1)
    mine, third, cases = world["mine"], world["third"], world["cases"]
    other = cases["other_org"].owner_organisation
    exercise = cases["other_realm"].realm

    def worker(org, realm=None):
        membership = factories.member(org, [R.TRAINER] if realm else [R.CASE_WORKER])
        if realm:
            realm.participants.add(membership.user)
        return factories.actor(membership, realm)

    if relation == "other_realm" and step == "revoke":
        sender, case, receiver, realm = worker(mine, exercise), cases["other_realm"], other, exercise
    elif relation == "other_realm":
        sender, realm, receiver = worker(other, exercise), exercise, mine
        case = case_create(actor=sender, given_name="Exe", family_name="Other")
    else:
        sender_org, receiver = {"own": (mine, third), "shared": (other, mine), "other_org": (other, third)}[relation]
        sender, case, realm = worker(sender_org), cases["own"] if relation == "own" else cases["other_org"], None
    consent_record(actor=sender, case_id=case.pk, purpose="share_organisation", organisation_id=receiver.pk,
                   language="en")
    share = case_refer(actor=sender, case_id=case.pk, organisation_id=receiver.pk, scope="limited", purpose="m")
    if step == "done":
        referral_accept(actor=worker(receiver, realm), share_id=share.pk)
    made[relation] = share.pk
    return share.pk


def _notice_for(world, membership) -> int:
    from alliance.cases.models import Notification

    return Notification.objects.create(realm=world["live"], user=membership.user, kind="referral_received").pk


def _token_of(membership) -> int:
    from alliance.directory.models import ApiToken

    token = ApiToken.objects.filter(user_id=membership.user_id, revoked_at__isnull=True, name="revocable").first()
    if token is None:
        token, _raw = token_issue(actor=factories.actor(membership), name="revocable", days=1)
    return token.pk


def _granted(response, endpoint: Endpoint, relation: str, world) -> bool:
    status = response.status_code
    if status in (401, 403, 404) or (status == 302 and "/accounts/login/" in response.get("Location", "")):
        return False
    assert status < 400, f"unexpected {status} from {endpoint.name}: {response.content[:300]!r}"
    if endpoint.kind == "collection":
        number = world["cases"][relation].number if relation in OBJECT_RELATIONS else None
        return number is not None and number.encode() in response.content
    return True


def _expected(endpoint: Endpoint, role: str, relation: str) -> bool:
    if relation == "anonymous" or role not in endpoint.roles:
        return False
    if endpoint.kind in ("object", "collection"):
        return relation in endpoint.relations
    return True


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("endpoint", MATRIX, ids=lambda e: f"{'api' if e.api else 'ui'}:{e.name}")
def test_matrix(client, world, endpoint: Endpoint, role: str):
    membership = factories.member(world["mine"], [role])
    _token, raw = token_issue(actor=factories.actor(membership), name="matrix", days=1)
    for relation in RELATIONS:
        client.logout()
        if relation != "anonymous":
            client.force_login(membership.user)
        response = _request(client, endpoint, relation, world, membership,
                            raw if relation != "anonymous" else None)
        assert _granted(response, endpoint, relation, world) == _expected(endpoint, role, relation), (
            f"{endpoint.name} as {role} on {relation}: HTTP {response.status_code}"
        )
