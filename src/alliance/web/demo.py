"""The Dreamland demo: fictitious agencies, one account for every role, about thirty cases and an exercise.

Everything here is invented for training (Dreamland and its neighbours are the OSCE's fictitious States).
Idempotent: running it twice changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from alliance.cases import services as case_services
from alliance.core import roles as R
from alliance.core.models import Realm
from alliance.directory import services as directory_services
from alliance.directory.models import Membership, Organisation, User
from alliance.directory.selectors import actor_for, live_realm
from alliance.exercises import demo as training_demo
from alliance.investigations.demo import load_investigation_demo
from alliance.screening.domain.catalogue import load_catalogues
from alliance.web.demo_casefile import enrich
from alliance.web.demo_desk import load_desk
from alliance.web.demo_screening import load_screenings

DEMO_PASSWORD = "Dreamland-demo-2026"  # noqa: S105  (fictitious demo accounts, printed on purpose)
EXERCISE_SLUG = "exercise-blue"


@dataclass(frozen=True)
class DemoAgency:
    key: str
    name: str
    sector: str


AGENCIES = [
    DemoAgency("police", "Dreamland National Police — Anti-Trafficking Unit", "law_enforcement"),
    DemoAgency("labour", "Dreamland Labour Inspectorate", "labour_inspection"),
    DemoAgency("shelter", "Safe Harbour Shelter (NGO)", "ngo"),
    DemoAgency("social", "Dreamland Social Services", "social_services"),
    DemoAgency("authority", "Dreamland Identification Authority", "border_migration"),
    DemoAgency("prosecutor", "Dreamland Public Prosecutor's Office", "prosecution"),
    DemoAgency("coordinator", "Office of the National Anti-Trafficking Co-ordinator", "coordinator_rapporteur"),
    DemoAgency("academy", "Dreamland Multi-Agency Training Academy", "international"),
    DemoAgency("reception", "Dreamhaven First Reception Centre", "border_migration"),
]

# (e-mail, name, agency, roles, organisation admin)
ACCOUNTS = [
    ("admin@dreamland.example", "Sam Admin", "coordinator", [R.SYSTEM_ADMINISTRATOR], True),
    ("coordinator@dreamland.example", "Nadia Coordin", "coordinator", [R.NATIONAL_COORDINATOR], False),
    ("analyst@dreamland.example", "Ari Analyst", "coordinator", [R.ANALYST], False),
    ("auditor@dreamland.example", "Olga Auditor", "police", [R.AUDITOR], False),
    ("investigator@dreamland.example", "Ivo Investig", "police", [R.INVESTIGATOR], True),
    ("frontline@dreamland.example", "Fatima Frontline", "police", [R.FRONTLINE_RESPONDER], False),
    ("inspector@dreamland.example", "Luka Inspector", "labour", [R.FRONTLINE_RESPONDER], True),
    # The inspectorate's investigator: leads its side of the demo investigation (investigations/demo.py).
    ("labourinvestigator@dreamland.example", "Lena Labourinvest", "labour", [R.INVESTIGATOR], False),
    ("caseworker@dreamland.example", "Carla Caseworker", "shelter", [R.CASE_WORKER], True),
    ("socialworker@dreamland.example", "Sofia Social", "social", [R.CASE_WORKER], True),
    ("authority@dreamland.example", "Aleksei Authority", "authority", [R.COMPETENT_AUTHORITY], True),
    ("prosecutor@dreamland.example", "Petra Prosecutor", "prosecutor", [R.PROSECUTOR], True),
    ("trainer@dreamland.example", "Tomas Trainer", "academy", [R.TRAINER], True),
    ("trainee@dreamland.example", "Tara Trainee", "academy", [R.TRAINEE], False),
    # The demo run's staff: the trainer controls it; these two observe and play the victim's part.
    ("observer@dreamland.example", "Oskar Observer", "academy", [R.TRAINER], False),
    ("roleplayer@dreamland.example", "Rosa Roleplayer", "academy", [R.TRAINER], False),
    # The reception centre: a screener, and its manager (organisation admin: the facility dashboard).
    ("reception@dreamland.example", "Rami Reception", "reception", [R.FRONTLINE_RESPONDER], False),
    ("receptionmanager@dreamland.example", "Mona Manager", "reception", [R.FRONTLINE_RESPONDER], True),
]

# Fictitious people (names in Latin, Cyrillic and Arabic script): (agency, given, family, document, born,
# pseudonym, shares as (agency, scope, purpose))
CASES = [
    ("police", "Mira", "Dobreva", "PL-4471023", "1999-03-14", "Blue Heron",
     [("shelter", "limited", "Shelter placement"), ("authority", "full", "Reasonable-grounds decision")]),
    ("police", "Аня", "Морозова", "EL-0982211", "2007-11-02", "Quiet River",
     [("social", "full", "Child procedure: guardian and best-interests assessment")]),
    ("labour", "Karim", "Haddad", "TV-3312009", "1990-06-21", "Olive Grove",
     [("shelter", "limited", "Accommodation and legal aid")]),
    ("labour", "يوسف", "منصور", "WL-7700114", "1986-01-30", "Desert Rose", []),
    ("shelter", "Elena", "Popescu", "ML-5520031", "1995-09-09", "Morning Star",
     [("authority", "full", "Conclusive-grounds decision")]),
    ("shelter", "Rustam", "Aliyev", "EL-1184420", "1992-12-12", "Mountain Pass", []),
    ("social", "Grace", "Okafor", "PL-9001234", "2001-04-18", "Silver Birch",
     [("police", "limited", "Criminal investigation liaison")]),
    ("labour", "Daniyar", "Seitkali", "EL-3300912", "2011-09-14", "Young Falcon",
     [("social", "full", "Child procedure: guardian and best-interests assessment"),
      ("authority", "full", "Reasonable-grounds decision")]),
    ("police", "Дмитрий", "Кузнецов", "ML-6623780", "1988-07-07", "Iron Gate",
     [("prosecutor", "full", "Prosecution file: victim as witness")]),
]

EXERCISE_CASES = [
    ("academy", "Lina", "Marsh", "XD-EX-0001", "2000-02-02", "Training Case A", []),
    ("academy", "Omar", "Farouk", "XD-EX-0002", "1997-05-05", "Training Case B", []),
]


def _agency(key: str) -> Organisation:
    spec = next(a for a in AGENCIES if a.key == key)
    return Organisation.objects.get(name=spec.name, country="XD")


def _member(email: str) -> Membership:
    return Membership.objects.select_related("user").get(user__email=email)


def _make_cases(specs, realm: Realm, author_for) -> int:
    made = 0
    for agency_key, given, family, document, born, pseudonym, shares in specs:
        membership = author_for(agency_key)
        actor = actor_for(user=membership.user, membership=membership, realm=realm, address="", channel="cli")
        case = case_services.case_create(actor=actor, given_name=given, family_name=family,
                                         identity_number=document, birth_date=born, pseudonym=pseudonym,
                                         summary="Fictitious Dreamland training record.")
        for target, scope, purpose in shares:
            # In the demo every person agreed, in their own language, to each organisation that sees them.
            case_services.consent_record(actor=actor, case_id=case.pk, purpose="share_organisation",
                                         organisation_id=_agency(target).pk, language="en", interpreter=True)
            case_services.case_share(actor=actor, case_id=case.pk, organisation_id=_agency(target).pk,
                                     scope=scope, purpose=purpose)
        made += 1
    return made


@transaction.atomic
def load_demo() -> dict[str, int]:
    if User.objects.filter(email=ACCOUNTS[0][0]).exists():
        return {"created": 0}
    for agency in AGENCIES:
        directory_services.organisation_create(actor=None, name=agency.name, country="XD", sector=agency.sector)
    for email, name, agency_key, roles, org_admin in ACCOUNTS:
        directory_services.staff_add(actor=None, organisation_id=_agency(agency_key).pk, email=email,
                                     display_name=name, password=DEMO_PASSWORD, roles=roles,
                                     is_organisation_admin=org_admin)
    authors = {
        "police": "investigator@dreamland.example", "labour": "inspector@dreamland.example",
        "shelter": "caseworker@dreamland.example", "social": "socialworker@dreamland.example",
        "academy": "trainer@dreamland.example",
    }
    made = _make_cases(CASES, live_realm(), lambda key: _member(authors[key]))
    _advance_demo_cases(authors)
    def live_actor(membership):
        return actor_for(user=membership.user, membership=membership, realm=live_realm(), address="", channel="cli")

    made += load_desk(realm=live_realm(), member=_member, agency=_agency, actor_for=live_actor)
    enrich(realm=live_realm(), member=_member, agency=_agency, actor_for=live_actor)
    # Prosecution: a labour-exploitation ring in two agencies' records, cross-referenced under hit/no-hit.
    load_investigation_demo(member=_member, actor_for=live_actor)
    load_catalogues()  # the screening indicator catalogues shipped with Alliance
    load_screenings(actor=live_actor(_member("reception@dreamland.example")), shelter_id=_agency("shelter").pk)
    exercise = Realm.objects.create(slug=EXERCISE_SLUG, name="Exercise Dreamland 2026 — Team Blue",
                                    kind=Realm.Kind.EXERCISE)
    exercise.participants.add(_member("trainer@dreamland.example").user, _member("trainee@dreamland.example").user)
    made += _make_cases(EXERCISE_CASES, exercise, lambda key: _member(authors[key]))
    # Training: the programme with the seed deck's figures, and the three shipped Dreamland scenarios.
    training_demo.load_programme_demo(password=DEMO_PASSWORD)
    training_demo.load_scenario_demo()
    training_demo.load_run_demo(controller=_member("trainer@dreamland.example").user,
                                trainee=_member("trainee@dreamland.example").user,
                                observer=_member("observer@dreamland.example").user,
                                role_player=_member("roleplayer@dreamland.example").user)
    return {"created": len(ACCOUNTS), "cases": made}


# (pseudonym, [(who, step, outcome, reason)]): the demo desk shows cases at different NRM stages.
PROGRESS = [
    ("Blue Heron", [("authority", "reasonable_grounds", "positive", "Indicators of sexual exploitation met."),
                    ("investigator", "start_reflection", "", "")]),
    ("Morning Star", [("authority", "reasonable_grounds", "positive", "Debt bondage and withheld documents."),
                      ("caseworker", "start_reflection", "", ""),
                      ("authority", "conclusive_grounds", "positive", "Consistent account, corroborated."),
                      ("caseworker", "start_assistance", "", "")]),
    ("Young Falcon", [("authority", "reasonable_grounds", "positive", "Child: the means element is not required."),
                      ("socialworker", "appoint_guardian", "", "Guardian appointed by the district court.")]),
]


def _advance_demo_cases(authors: dict[str, str]) -> None:
    from alliance.cases.models import Case
    from alliance.cases.services import case_transition

    people = {"authority": "authority@dreamland.example", "investigator": "investigator@dreamland.example",
              "caseworker": "caseworker@dreamland.example", "socialworker": "socialworker@dreamland.example"}
    for pseudonym, steps in PROGRESS:
        case = Case.objects.get(pseudonym=pseudonym, realm=live_realm())
        for who, step, outcome, reason in steps:
            membership = _member(people[who])
            actor = actor_for(user=membership.user, membership=membership, realm=live_realm(), address="",
                              channel="cli")
            case_transition(actor=actor, case_id=case.pk, transition=step, outcome=outcome, reason=reason)


def login_table() -> list[tuple[str, str, str]]:
    rows = []
    for email, _name, agency_key, roles, org_admin in ACCOUNTS:
        agency = next(a for a in AGENCIES if a.key == agency_key).name
        label = ", ".join(R.role_label(r) for r in roles) + (" + organisation admin" if org_admin else "")
        rows.append((email, label, agency))
    rows.append((training_demo.COORDINATOR_EMAIL, R.role_label(R.TRAINING_COORDINATOR),
                 training_demo.ORGANISATION[0]))
    return rows
