"""Roles and the actions each grants. Roles grant actions; relations (policy.py) grant objects."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

SYSTEM_ADMINISTRATOR = "system_administrator"
NATIONAL_COORDINATOR = "national_coordinator"
CASE_WORKER = "case_worker"
FRONTLINE_RESPONDER = "frontline_responder"
INVESTIGATOR = "investigator"
PROSECUTOR = "prosecutor"
ANALYST = "analyst"
COMPETENT_AUTHORITY = "competent_authority"
TRAINER = "trainer"
TRAINEE = "trainee"
AUDITOR = "auditor"
# Runs training programmes in the live realm: calls, applicants (personal data), scenario packages and
# exercise runs. Trainers and trainees act inside the sandboxes; the co-ordinator acts on the programme.
TRAINING_COORDINATOR = "training_coordinator"

ROLE_CHOICES = [
    (SYSTEM_ADMINISTRATOR, _("System administrator")),
    (NATIONAL_COORDINATOR, _("National co-ordinator")),
    (CASE_WORKER, _("Case worker")),
    (FRONTLINE_RESPONDER, _("Frontline responder")),
    (INVESTIGATOR, _("Investigator")),
    (PROSECUTOR, _("Prosecutor")),
    (ANALYST, _("Analyst")),
    (COMPETENT_AUTHORITY, _("Competent authority")),
    (TRAINER, _("Trainer")),
    (TRAINEE, _("Trainee")),
    (AUDITOR, _("Auditor")),
    (TRAINING_COORDINATOR, _("Training co-ordinator")),
]
ALL_ROLES = frozenset(code for code, _label in ROLE_CHOICES)

# Actions on protected data. A string not listed here is granted to nobody (deny by default).
CASE_VIEW = "case.view"
CASE_LIST = "case.list"
CASE_SEARCH = "case.search"
CASE_EXPORT = "case.export"
CASE_CREATE = "case.create"
CASE_SHARE = "case.share"
CASE_SEND_ABROAD = "case.send_abroad"  # a transnational referral package: whoever may share, for cases they own
CASE_OVERRIDE = "case.override"
CASE_DECIDE = "case.decide"  # NRM identification decisions: competent authorities only
CASE_PROGRESS = "case.progress"  # move a case through the NRM stages, record the child procedure
CASE_EDIT = "case.edit"  # the case file: person details, victim context, tasks, notes, documents, support plan
CASE_IMPORT = "case.import"  # HTCDS import into one's own organisation
CASE_ACCESS_LOG = "case.access_log"  # the access tab: who viewed or changed the case (owning organisation only)
# Subject access, legal holds, deletion and the duty to notify: the owning organisation as controller.
CASE_DATA_PROTECTION = "case.data_protection"
# Screening at reception (screening app): interview, read one's organisation's screenings, the aggregated
# facility dashboard, and the catalogue editor.
SCREENING_CONDUCT = "screening.conduct"
SCREENING_VIEW = "screening.view"
SCREENING_DASHBOARD = "screening.dashboard"
CATALOGUE_EDIT = "catalogue.edit"
AUDIT_VIEW = "audit.view"
AUDIT_VERIFY = "audit.verify"
STAFF_MANAGE = "staff.manage"
JOB_VIEW = "job.view"
# Training (exercises app): programmes, editions and calls; the applicants of a call; scenario packages.
PROGRAMME_MANAGE = "programme.manage"
APPLICATION_REVIEW = "application.review"
SCENARIO_VIEW = "scenario.view"
SCENARIO_EDIT = "scenario.edit"
# Exercise runs: create, purge and list every run. Controlling, observing and role-playing one run come from
# the run's staff rows (core/policy/run.py), not from a role.
RUN_MANAGE = "run.manage"
# Investigations (investigations app): open one for one's agency; read, work and cross-reference one as a
# member of its team (core/policy/investigation.py: the team, not the role, grants the investigation).
INVESTIGATION_OPEN = "investigation.open"
INVESTIGATION_VIEW = "investigation.view"
INVESTIGATION_EDIT = "investigation.edit"
INVESTIGATION_EXPORT = "investigation.export"

_CASE_READ = {CASE_VIEW, CASE_LIST, CASE_SEARCH}
_CASE_WORK = _CASE_READ | {CASE_EXPORT, CASE_CREATE, CASE_SHARE, CASE_SEND_ABROAD, CASE_EDIT, CASE_ACCESS_LOG,
                           CASE_DATA_PROTECTION}
_SCREENING = {SCREENING_CONDUCT, SCREENING_VIEW}
_INVESTIGATION_WORK = {INVESTIGATION_VIEW, INVESTIGATION_EDIT, INVESTIGATION_EXPORT}

ROLE_ACTIONS: dict[str, frozenset[str]] = {
    SYSTEM_ADMINISTRATOR: frozenset({STAFF_MANAGE, JOB_VIEW, AUDIT_VERIFY, CATALOGUE_EDIT}),
    # Aggregated screening figures only: the dashboard never names or lists a person.
    NATIONAL_COORDINATOR: frozenset({JOB_VIEW, SCREENING_DASHBOARD}),
    CASE_WORKER: frozenset(_CASE_WORK | _SCREENING | {CASE_OVERRIDE, CASE_PROGRESS, CASE_IMPORT, JOB_VIEW}),
    FRONTLINE_RESPONDER: frozenset(_SCREENING | {CASE_VIEW, CASE_LIST, CASE_CREATE, CASE_SHARE, CASE_SEND_ABROAD,
                                                 CASE_EDIT}),
    INVESTIGATOR: frozenset(_CASE_WORK | _SCREENING | _INVESTIGATION_WORK
                            | {CASE_OVERRIDE, CASE_PROGRESS, CASE_IMPORT, JOB_VIEW, INVESTIGATION_OPEN}),
    # A prosecutor leads or joins an investigation (in many States the prosecutor directs it) and takes its
    # export pack to court.
    PROSECUTOR: frozenset(_CASE_READ | _INVESTIGATION_WORK | {CASE_EXPORT, CASE_OVERRIDE, CASE_PROGRESS, CASE_EDIT,
                                                             CASE_ACCESS_LOG, CASE_DATA_PROTECTION,
                                                             INVESTIGATION_OPEN}),
    # A criminal or financial intelligence analyst works an investigation once its lead adds them to the
    # team; opening one is the investigating agency's decision.
    ANALYST: frozenset({JOB_VIEW, SCREENING_DASHBOARD} | _INVESTIGATION_WORK),
    COMPETENT_AUTHORITY: frozenset(_CASE_READ | {CASE_OVERRIDE, CASE_DECIDE}),
    # Trainers and trainees work cases only inside exercise realms (Actor drops these roles elsewhere);
    # there they play every part of the NRM, decisions included.
    TRAINER: frozenset(_CASE_WORK | _SCREENING | _INVESTIGATION_WORK
                       | {CASE_PROGRESS, CASE_DECIDE, CASE_IMPORT, JOB_VIEW, INVESTIGATION_OPEN}),
    TRAINEE: frozenset(_CASE_WORK | _SCREENING | _INVESTIGATION_WORK
                       | {CASE_PROGRESS, CASE_DECIDE, INVESTIGATION_OPEN}),
    AUDITOR: frozenset({AUDIT_VIEW, AUDIT_VERIFY, JOB_VIEW, CASE_ACCESS_LOG}),
    TRAINING_COORDINATOR: frozenset({PROGRAMME_MANAGE, APPLICATION_REVIEW, SCENARIO_VIEW, SCENARIO_EDIT, RUN_MANAGE,
                                     JOB_VIEW}),
}

# Roles that may only act in exercise realms: their rights never reach live victims' data.
EXERCISE_ONLY_ROLES = frozenset({TRAINER, TRAINEE})

# Roles whose holders can read personal data need a second factor where the profile demands one.
PERSONAL_DATA_ROLES = ALL_ROLES - EXERCISE_ONLY_ROLES


def actions_for(roles: frozenset[str] | set[str]) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= ROLE_ACTIONS.get(role, frozenset())
    return frozenset(granted)


def role_label(code: str) -> str:
    return str(dict(ROLE_CHOICES).get(code, code))


# Which roles an organisation of each sector may give its staff: an organisation admin cannot make an NGO
# worker a competent authority or a police investigator. Trainers and trainees may belong anywhere (their
# rights exist only in exercise realms). A system administrator may depart from this table.
SECTOR_ROLES: dict[str, frozenset[str]] = {
    "law_enforcement": frozenset({FRONTLINE_RESPONDER, INVESTIGATOR, ANALYST, AUDITOR, CASE_WORKER}),
    "prosecution": frozenset({PROSECUTOR, ANALYST, AUDITOR}),
    "judiciary": frozenset({COMPETENT_AUTHORITY, AUDITOR}),
    "labour_inspection": frozenset({FRONTLINE_RESPONDER, INVESTIGATOR, ANALYST, AUDITOR}),
    "border_migration": frozenset({FRONTLINE_RESPONDER, COMPETENT_AUTHORITY, INVESTIGATOR, ANALYST, AUDITOR}),
    "social_services": frozenset({CASE_WORKER, FRONTLINE_RESPONDER, COMPETENT_AUTHORITY, AUDITOR}),
    "health": frozenset({FRONTLINE_RESPONDER, CASE_WORKER}),
    "ngo": frozenset({CASE_WORKER, FRONTLINE_RESPONDER, AUDITOR}),
    "international": frozenset({CASE_WORKER, FRONTLINE_RESPONDER, ANALYST}),
    "coordinator_rapporteur": frozenset({NATIONAL_COORDINATOR, ANALYST, AUDITOR, COMPETENT_AUTHORITY}),
    "fiu": frozenset({INVESTIGATOR, ANALYST, AUDITOR}),
    "trade_union": frozenset({FRONTLINE_RESPONDER}),
    "private_sector": frozenset({FRONTLINE_RESPONDER}),
}
# Roles that reach beyond one's own organisation's cases (identification decisions) or administer the
# system: only a system administrator grants or removes them.
SYSTEM_GRANTED_ROLES = frozenset({SYSTEM_ADMINISTRATOR, COMPETENT_AUTHORITY})


# Any organisation may run a training programme (a police academy, an NGO, an international organisation).
TRAINING_ROLES = frozenset({TRAINING_COORDINATOR})


def roles_allowed_in(sector: str) -> frozenset[str]:
    return SECTOR_ROLES.get(sector, frozenset()) | EXERCISE_ONLY_ROLES | TRAINING_ROLES
