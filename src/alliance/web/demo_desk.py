"""More fictitious Dreamland cases, spread over every NRM stage and across the agencies, so that each demo
user opens a realistic desk: new detections, decisions due and overdue, people in reflection, in assistance,
returned, in proceedings, closed.

Every case goes through the real services (consent, sharing, NRM steps); afterwards the whole case is moved
back in time by its age, so clocks run out at different days as they would on a real desk.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import F

from alliance.cases import services as case_services
from alliance.cases.models import Case, CaseClock, CaseShare, Consent, NrmEvent
from alliance.core.models import Realm

# Who does what in the demo: decisions by the identification authority, progress by the owner or by the
# organisation the case was referred to with a full scope.
DECIDER = "authority@dreamland.example"
AUTHORS = {
    "police": "investigator@dreamland.example", "labour": "inspector@dreamland.example",
    "shelter": "caseworker@dreamland.example", "social": "socialworker@dreamland.example",
}
PROGRESSORS = {"police": "investigator@dreamland.example", "shelter": "caseworker@dreamland.example",
               "social": "socialworker@dreamland.example", "prosecutor": "prosecutor@dreamland.example"}

# The route to each stage, as (step, outcome, reason).
ROUTES: dict[str, list[tuple[str, str, str]]] = {
    "detected": [],
    "presumed": [("reasonable_grounds", "positive", "Indicators met at screening.")],
    "reflection": [("reasonable_grounds", "positive", "Indicators met at screening."),
                   ("start_reflection", "", "")],
    "identified": [("reasonable_grounds", "positive", "Indicators met at screening."),
                   ("start_reflection", "", ""),
                   ("conclusive_grounds", "positive", "Consistent account, corroborated by the inspection.")],
    "not_identified": [("reasonable_grounds", "positive", "Indicators met at screening."),
                       ("start_reflection", "", ""),
                       ("conclusive_grounds", "negative", "Account not corroborated.")],
    "reconsideration": [("reasonable_grounds", "positive", "Indicators met at screening."),
                        ("start_reflection", "", ""),
                        ("conclusive_grounds", "negative", "Account not corroborated."),
                        ("request_reconsideration", "", "New evidence from the labour inspection.")],
    "assistance": [("reasonable_grounds", "positive", "Indicators met at screening."),
                   ("start_reflection", "", ""),
                   ("conclusive_grounds", "positive", "Consistent account, corroborated."),
                   ("start_assistance", "", "")],
    "residence": [("reasonable_grounds", "positive", "Indicators met at screening."),
                  ("start_reflection", "", ""),
                  ("conclusive_grounds", "positive", "Consistent account, corroborated."),
                  ("start_assistance", "", ""), ("residence_step", "", "Residence permit requested.")],
    "inclusion": [("reasonable_grounds", "positive", "Indicators met at screening."),
                  ("start_reflection", "", ""),
                  ("conclusive_grounds", "positive", "Consistent account, corroborated."),
                  ("start_assistance", "", ""), ("social_inclusion", "", "")],
    "return": [("reasonable_grounds", "positive", "Indicators met at screening."),
               ("start_reflection", "", ""),
               ("conclusive_grounds", "positive", "Consistent account, corroborated."),
               ("start_assistance", "", ""),
               ("safe_return", "", "Risk assessment done with the partner NGO in Poorland.")],
    "proceedings": [("reasonable_grounds", "positive", "Indicators met at screening."),
                    ("start_reflection", "", ""),
                    ("conclusive_grounds", "positive", "Consistent account, corroborated."),
                    ("start_assistance", "", ""), ("proceedings", "", "Victim is a witness; compensation claimed.")],
    "closed": [("reasonable_grounds", "positive", "Indicators met at screening."),
               ("start_reflection", "", ""),
               ("conclusive_grounds", "positive", "Consistent account, corroborated."),
               ("start_assistance", "", ""), ("social_inclusion", "", ""),
               ("close", "", "Support plan completed; the person lives independently.")],
    "closed_negative": [("reasonable_grounds", "negative", "No indicators of trafficking; labour dispute.")],
}


@dataclass(frozen=True)
class DeskCase:
    owner: str
    given: str
    family: str
    document: str
    born: str
    pseudonym: str
    stage: str
    age_days: int  # how long ago it was opened
    shares: tuple[tuple[str, str], ...] = ()  # (agency, scope) beyond the authority


# Fictitious people only; names in Latin, Cyrillic and Arabic script as a Dreamland desk sees them.
DESK = [
    DeskCase("police", "Ilinca", "Rusu", "PL-2210045", "1998-02-11", "Amber Kite", "detected", 1),
    DeskCase("labour", "Tuan", "Nguyen", "TV-8812301", "1993-08-30", "Paper Boat", "detected", 6),
    DeskCase("shelter", "Марина", "Ткаченко", "EL-4400127", "2000-05-05", "Linden Leaf", "detected", 12,
             (("police", "limited"),)),
    DeskCase("social", "Amina", "Diallo", "ML-1028834", "2009-10-01", "Small Lantern", "detected", 3),
    DeskCase("police", "Bogdan", "Ilic", "PL-7700981", "1985-12-24", "Grey Wolf", "presumed", 9,
             (("prosecutor", "full"),)),
    DeskCase("labour", "Farida", "Karimova", "EL-5519020", "1991-03-17", "Cotton Field", "presumed", 4,
             (("shelter", "full"),)),
    DeskCase("shelter", "Joy", "Mensah", "ML-3300760", "1997-07-07", "Sea Glass", "reflection", 20),
    DeskCase("police", "Олег", "Бондаренко", "EL-6612007", "1989-09-19", "North Light", "reflection", 50,
             (("shelter", "full"),)),
    DeskCase("shelter", "Nadia", "Benali", "WL-2290114", "1994-01-15", "Cedar Hill", "reflection", 44),
    DeskCase("labour", "Ravi", "Sharma", "TV-1177002", "1987-04-02", "Brick Kiln", "reflection", 10,
             (("shelter", "full"),)),
    DeskCase("shelter", "Lucia", "Moreno", "ML-8890012", "1996-11-28", "Harbour Bell", "identified", 70,
             (("prosecutor", "limited"),)),
    DeskCase("police", "Samir", "Aziz", "WL-3301995", "1990-06-06", "Copper Key", "not_identified", 65,
             (("shelter", "limited"),)),
    DeskCase("shelter", "Vera", "Sokolova", "EL-9012377", "1999-12-01", "White Crane", "reconsideration", 80),
    DeskCase("social", "Hana", "Novak", "PL-5566021", "1995-02-20", "Garden Gate", "assistance", 95),
    DeskCase("shelter", "فاطمة", "الحسيني", "WL-7712450", "1992-09-09", "Palm Court", "assistance", 110,
             (("social", "full"),)),
    DeskCase("shelter", "Irina", "Lungu", "ML-4419002", "1988-05-25", "Stone Bridge", "residence", 150),
    DeskCase("social", "Kemal", "Yilmaz", "TV-6600413", "1984-08-08", "Green Valley", "inclusion", 200),
    DeskCase("shelter", "Zainab", "Bello", "ML-2280049", "1993-03-03", "Long Road", "return", 180),
    DeskCase("police", "Сергей", "Павленко", "EL-3388110", "1986-10-10", "Witness Tree", "proceedings", 240,
             (("prosecutor", "full"), ("shelter", "limited"))),
    DeskCase("shelter", "Maria", "Ionescu", "ML-7001230", "1990-01-01", "Quiet Harbour", "closed", 420),
    DeskCase("labour", "Pavel", "Hruby", "PL-9900017", "1979-07-14", "Overtime Shift", "closed_negative", 30),
    DeskCase("social", "Leyla", "Mammadova", "EL-2001456", "1998-04-04", "Blue Door", "identified", 60),
]


def load_desk(*, realm: Realm, member, agency, actor_for) -> int:
    """Create the desk cases through the services; `member(email)`, `agency(key)` and `actor_for(membership)`
    come from the demo loader."""
    for spec in DESK:
        owner = actor_for(member(AUTHORS[spec.owner]))
        case = case_services.case_create(
            actor=owner, given_name=spec.given, family_name=spec.family, identity_number=spec.document,
            birth_date=spec.born, pseudonym=spec.pseudonym, summary="Fictitious Dreamland training record.",
        )
        route = ROUTES[spec.stage]
        shares = list(spec.shares)
        if route:
            shares.append(("authority", "full"))
        progressor = PROGRESSORS.get(spec.owner)
        if route and progressor is None:  # a frontline agency hands the case to the shelter to work it
            shares.append(("shelter", "full"))
            progressor = PROGRESSORS["shelter"]
        for target, scope in dict(shares).items():
            case_services.consent_record(actor=owner, case_id=case.pk, purpose="share_organisation",
                                         organisation_id=agency(target).pk, language="en", interpreter=True)
            case_services.case_share(actor=owner, case_id=case.pk, organisation_id=agency(target).pk,
                                     scope=scope, purpose="Demo referral")
        if case.is_child:
            for step in ("appoint_guardian", "best_interests_assessment"):
                case_services.case_transition(actor=actor_for(member(progressor or AUTHORS["social"])),
                                              case_id=case.pk, transition=step, reason="Recorded by the court.")
        for step, outcome, reason in route:
            who = DECIDER if step in ("reasonable_grounds", "conclusive_grounds") else progressor
            case_services.case_transition(actor=actor_for(member(who)), case_id=case.pk, transition=step,
                                          outcome=outcome, reason=reason)
        _age(case.pk, spec.age_days)
    return len(DESK)


def _age(case_id: int, days: int) -> None:
    """Move a demo case back in time as a whole, so its clocks run out on different days. Steps are spread
    over the case's life rather than all falling on its first day."""
    if not days:
        return
    delta = dt.timedelta(days=days)
    events = list(NrmEvent.objects.filter(case_id=case_id).order_by("at", "id"))
    backs: dict[str, dt.timedelta] = {}
    for index, event in enumerate(events, start=1):
        back = dt.timedelta(days=days - days * index // (len(events) + 1))
        backs[event.transition] = back
        NrmEvent.objects.filter(pk=event.pk).update(effective_on=F("effective_on") - back, at=F("at") - back)
    none = dt.timedelta(0)
    clocks = CaseClock.objects.filter(case_id=case_id)
    rg = clocks.filter(kind=CaseClock.Kind.REASONABLE_GROUNDS)
    rg.update(starts_on=F("starts_on") - delta, due_on=F("due_on") - delta)
    rg.update(stopped_on=F("stopped_on") - backs.get("reasonable_grounds", none))
    later = clocks.exclude(kind=CaseClock.Kind.REASONABLE_GROUNDS)
    later.update(starts_on=F("starts_on") - backs.get("start_reflection", none),
                 due_on=F("due_on") - backs.get("start_reflection", none))
    later.filter(kind=CaseClock.Kind.CONCLUSIVE_GROUNDS).update(
        stopped_on=F("stopped_on") - backs.get("conclusive_grounds", backs.get("close", none)))
    later.exclude(kind=CaseClock.Kind.CONCLUSIVE_GROUNDS).update(
        stopped_on=F("stopped_on") - backs.get("close", none))
    closing = backs.get("close", backs.get("reasonable_grounds", none))
    Case.objects.filter(pk=case_id).update(created_at=F("created_at") - delta, closed_on=F("closed_on") - closing)
    Consent.objects.filter(case_id=case_id).update(given_on=F("given_on") - delta)
    CaseShare.objects.filter(case_id=case_id).update(granted_at=F("granted_at") - delta)
