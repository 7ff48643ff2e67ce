"""The demo's case files: HTCDS details and victim context, referrals waiting for an answer, tasks, notes and
support plans, so that the shelter's inbox, "My tasks" and the case pages look like a working desk.

All invented. Stories are a handful of fictitious patterns (labour exploitation on farms and building sites,
sexual exploitation, domestic servitude, forced begging), cycled over the demo cases.
"""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from alliance.cases.models import Case, CaseShare, Task
from alliance.cases.services import casefile, consent_record, details, referrals

STORIES = [
    {"sex": "Female", "citizenships": ["XP"], "primary_language": "rus", "migration_status": "Labour",
     "victim": {"exploitation_types": ["ForcedLabour"], "forced_labour_industry": ["Agriculture"],
                "methods_of_control": ["DebtBondage", "WithholdsDocuments", "ExcessiveWorkingHours"],
                "recruitment_method": "JobOffer", "recruitment_country": "XP", "exploitation_country": "XD",
                "relationship_to_trafficker": "Unacquainted",
                "route_events": [{"type": "Recruitment", "country": "XP", "place": "Poorland City"},
                                 {"type": "Exploitation", "country": "XD", "place": "Greenfield farms"}]}},
    {"sex": "Male", "citizenships": ["XM"], "primary_language": "ara", "migration_status": "Irregular",
     "victim": {"exploitation_types": ["ForcedLabour"], "forced_labour_industry": ["Construction"],
                "methods_of_control": ["TakesEarnings", "Threats", "ThreatOfLawEnforcement"],
                "recruitment_method": "RecruitmentAgency", "recruitment_country": "XM", "exploitation_country": "XD",
                "relationship_to_trafficker": "Acquainted",
                "perpetrators": [{"role": "RecruiterIntermediary"}, {"role": "Exploiter"}]}},
    {"sex": "Female", "citizenships": ["XD"], "primary_language": "eng", "migration_status": "NotAMigrant",
     "victim": {"exploitation_types": ["SexualExploitation"], "sex_exploitation_types": ["Prostitution"],
                "methods_of_control": ["PsychologicalAbuse", "RestrictsMovement", "FalsePromises"],
                "recruitment_method": "IntimatePartner", "exploitation_country": "XD",
                "relationship_to_trafficker": "IntimatePartner"}},
    {"sex": "Female", "citizenships": ["XP"], "primary_language": "ukr", "migration_status": "VisitorTourist",
     "victim": {"exploitation_types": ["Servitude"], "forced_labour_industry": ["DomesticWork"],
                "methods_of_control": ["WithholdsDocuments", "RestrictsMovement", "WithholdsNecessities"],
                "recruitment_method": "PersonalNetwork", "recruitment_country": "XP", "exploitation_country": "XD",
                "relationship_to_trafficker": "Acquainted"}},
    {"sex": "Male", "citizenships": ["XM"], "primary_language": "fas", "migration_status": "Irregular",
     "protection_status": "AsylumSeeker",
     "victim": {"exploitation_types": ["ForcedBegging"], "methods_of_control": ["PhysicalAbuse", "TakesEarnings"],
                "recruitment_method": "Family", "exploitation_country": "XD",
                "relationship_to_trafficker": "Familial"}},
]

# Pseudonyms the shelter receives as referrals waiting for its answer (one already past its date).
WAITING = [("Paper Boat", 0), ("Amber Kite", 0), ("Grey Wolf", 4)]
TASKS = [
    ("Morning Star", "Book an interpreter for the legal aid meeting", 3),
    ("Sea Glass", "Ask the clinic for the medical appointment", -2),
    ("Harbour Bell", "Prepare the support plan review", 10),
    ("Cedar Hill", "Tell the person when the reflection period ends", 1),
]
PLANS = {
    "Morning Star": (["Health", "Legal", "SocialCare"], "Safe accommodation, health care and legal advice."),
    "Garden Gate": (["Livelihood", "Education"], "Language course and a job placement."),
    "Palm Court": (["Health", "LabourExploitationRehab"], "Recovery and counselling."),
}


def enrich(*, realm, member, agency, actor_for) -> dict[str, int]:
    """Fill the demo cases' files through the services, as their owners would."""
    counts = {"details": 0, "referrals": 0, "tasks": 0, "plans": 0}
    cases = list(Case.objects.filter(realm=realm).select_related("owner_organisation", "person").order_by("id"))
    owners = _owners(member, agency, actor_for)
    for index, case in enumerate(cases):
        actor = owners.get(case.owner_organisation_id)
        if actor is None or case.anonymised_at is not None:
            continue
        story = STORIES[index % len(STORIES)]
        person = {k: v for k, v in story.items() if k != "victim"}
        if not case.person.birth_date:
            person.update(estimated_age=30, age_basis="self_declared")
        details.case_details_update(actor=actor, case_id=case.pk, details=person, victim_context=story["victim"])
        counts["details"] += 1
    shelter = agency("shelter")
    by_pseudonym = {case.pseudonym: case for case in cases}
    for pseudonym, days_late in WAITING:
        case = by_pseudonym[pseudonym]
        if CaseShare.objects.filter(case=case, organisation=shelter, revoked_at__isnull=True).exists():
            continue
        actor = owners[case.owner_organisation_id]
        if not _consented(case, shelter):  # the person agreed, with an interpreter, to the shelter
            consent_record(actor=actor, case_id=case.pk, purpose="share_organisation", organisation_id=shelter.pk,
                           language="en", interpreter=True)
        share = referrals.case_refer(actor=actor, case_id=case.pk, organisation_id=shelter.pk, scope="limited",
                                     purpose="Shelter place and psychosocial support")
        if days_late:
            CaseShare.objects.filter(pk=share.pk).update(
                respond_by=timezone.localdate() - dt.timedelta(days=days_late))
        counts["referrals"] += 1
    caseworker = actor_for(member("caseworker@dreamland.example"))
    for pseudonym, title, due_in in TASKS:
        case = by_pseudonym[pseudonym]
        worker = owners[case.owner_organisation_id]
        casefile.task_create(actor=worker, case_id=case.pk, title=title,
                             due_on=timezone.localdate() + dt.timedelta(days=max(due_in, 0)),
                             assignee_id=worker.user_id)
        counts["tasks"] += 1
        if due_in < 0:  # an overdue task: dated back, since a new task cannot be due in the past
            latest = Task.objects.filter(case=case).order_by("-id").first()
            Task.objects.filter(pk=latest.pk).update(due_on=timezone.localdate() + dt.timedelta(days=due_in))
    for pseudonym, (types, objectives) in PLANS.items():
        case = by_pseudonym[pseudonym]
        worker = owners[case.owner_organisation_id]
        casefile.support_plan_save(actor=worker, case_id=case.pk, objectives=objectives,
                                   action_plan="Weekly meeting with the case worker.", support_types=types,
                                   planned_end_on=timezone.localdate() + dt.timedelta(days=120))
        casefile.support_service_add(actor=worker, case_id=case.pk, support_type=types[0],
                                     provider_id=agency("social").pk, status="in_progress",
                                     starts_on=timezone.localdate())
        counts["plans"] += 1
    casefile.note_add(actor=caseworker, case_id=by_pseudonym["Morning Star"].pk,
                      body="Settled in well; asked for contact with her sister (fictitious demo note).")
    return counts


def _owners(member, agency, actor_for) -> dict[int, object]:
    emails = {"police": "investigator@dreamland.example", "labour": "inspector@dreamland.example",
              "shelter": "caseworker@dreamland.example", "social": "socialworker@dreamland.example"}
    return {agency(key).pk: actor_for(member(email)) for key, email in emails.items()}


def _consented(case: Case, organisation) -> bool:
    return any(c.covers(organisation) for c in case.consents.all())
