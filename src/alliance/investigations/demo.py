"""The Dreamland demo investigation: a labour-exploitation ring seen by two agencies.

The police hold a raid report (the ringleader in Cyrillic, the farm company, two workers who are victims
with case files) and a bank statement in which several workers' wages go into one funnel account. The labour
inspectorate holds a work-permit register that writes the same people in Latin letters. Cross-referencing
the police investigation finds them, under the hit/no-hit rule; the inspectorate's lead decides on
disclosure. Every name, number and account is fictitious: phone numbers in Ofcom's drama range (+44 7700
900xxx) and the example IBANs of the IBAN standard's documentation.
"""

from __future__ import annotations

POLICE_LEAD = "investigator@dreamland.example"
LABOUR_LEAD = "labourinvestigator@dreamland.example"
JOINT_MEMBER = "prosecutor@dreamland.example"

RAID_REPORT = [
    {"id": "rr-orlov", "schema": "Person",
     "properties": {"name": ["Виктор Сергеевич Орлов"], "birthDate": ["1979-05-21"], "nationality": ["ru"],
                    "phone": ["+44 7700 900123"], "passportNumber": ["RX 4410 2277"]}},
    {"id": "rr-kuznetsov", "schema": "Person",
     "properties": {"name": ["Дмитрий Кузнецов"], "birthDate": ["1988-07-07"], "nationality": ["kz"]}},
    {"id": "rr-okafor", "schema": "Person", "properties": {"name": ["Grace Okafor"], "birthDate": ["2001-04-18"]}},
    {"id": "rr-farm", "schema": "Company",
     "properties": {"name": ["Golden Fields Agro LLC"], "address": ["12 Orchard Road, Dreamtown"],
                    "phone": ["+44 7700 900456"]}},
    {"id": "rr-own", "schema": "Ownership", "properties": {"owner": ["rr-orlov"], "asset": ["rr-farm"],
                                                          "startDate": ["2024-02-01"]}},
    {"id": "rr-emp-1", "schema": "Employment", "properties": {"employee": ["rr-kuznetsov"], "employer": ["rr-farm"],
                                                             "startDate": ["2026-03-01"]}},
    {"id": "rr-emp-2", "schema": "Employment", "properties": {"employee": ["rr-okafor"], "employer": ["rr-farm"],
                                                             "startDate": ["2026-03-15"]}},
]

# Wages of several workers paid into one account that Orlov controls: the funnel the rules will flag.
WORKERS = [("bs-w1", "Aigerim Bekova", "GB82 WEST 1234 5698 7654 32"),
           ("bs-w2", "Nurlan Abenov", "FR14 2004 1010 0505 0001 3M02 606"),
           ("bs-w3", "Samir Haddou", "NL91 ABNA 0417 1643 00"),
           ("bs-w4", "Olga Sidorenko", "BE68 5390 0754 7034")]


def _bank_statement() -> list[dict]:
    entities = [{"id": "bs-funnel", "schema": "BankAccount",
                 "properties": {"iban": ["DE89 3704 0044 0532 0130 00"], "bankName": ["Dreamland Savings Bank"]}},
                {"id": "bs-orlov-holder", "schema": "Person",
                 "properties": {"name": ["Viktor Orlov"], "phone": ["+44 7700 900123"]}}]
    for number, (key, name, iban) in enumerate(WORKERS, start=1):
        entities += [
            {"id": key, "schema": "Person", "properties": {"name": [name]}},
            {"id": f"{key}-acct", "schema": "BankAccount", "properties": {"iban": [iban]}},
            {"id": f"bs-pay-{number}", "schema": "Payment",
             "properties": {"payer": [key], "payerAccount": [f"{key}-acct"], "beneficiary": ["bs-orlov-holder"],
                            "beneficiaryAccount": ["bs-funnel"], "amount": [str(380 + 15 * number)],
                            "currency": ["EUR"], "date": [f"2026-05-{number + 1:02d}"],
                            "purpose": ["Accommodation and transport"]}},
        ]
    return entities


WORK_PERMITS = [
    {"id": "wp-0117", "schema": "Person",
     "properties": {"name": ["ORLOV VIKTOR"], "birthDate": ["1979-05-21"], "nationality": ["ru"],
                    "passportNumber": ["RX44102277"]}},
    {"id": "wp-0452", "schema": "Person",
     "properties": {"name": ["KUZNETSOV DMITRII"], "birthDate": ["1988-07-08"], "nationality": ["kz"]}},
    {"id": "wp-0453", "schema": "Person", "properties": {"name": ["Okafor Grace"], "birthDate": ["2001-04-18"]}},
    {"id": "wp-farm", "schema": "Company",
     "properties": {"name": ["Golden Fields Agro"], "address": ["12 Orchard Road, Dreamtown"]}},
    {"id": "wp-unrelated", "schema": "Person", "properties": {"name": ["Marta Kowalczyk"],
                                                              "birthDate": ["1993-10-30"]}},
]


def load_investigation_demo(*, member, actor_for) -> None:
    """The two investigations, their sources and entities, the victims' cases linked, and a cross-reference
    from the police whose hits wait for the inspectorate's decision."""
    from alliance.cases.models import Case
    from alliance.directory.selectors import live_realm
    from alliance.investigations.services.entities import entities_add, entity_case_link, source_register
    from alliance.investigations.services.investigations import investigation_member_add, investigation_open
    from alliance.investigations.services.xref import xref_request

    police = actor_for(member(POLICE_LEAD))
    basis = "Dreamland Criminal Procedure Code, art. 12 (investigation of trafficking offences)"
    orchard = investigation_open(actor=police, title="Operation Orchard", legal_basis=basis,
                                 purpose="Labour exploitation on farms around Dreamtown: identify the ring, its "
                                         "money and its victims.")
    investigation_member_add(actor=police, investigation_id=orchard.pk, user_id=member(JOINT_MEMBER).user_id)
    raid = source_register(actor=police, investigation_id=orchard.pk, kind="police_report",
                           reference="RR-2026-0412", legal_basis=basis)
    entities_add(actor=police, investigation_id=orchard.pk, source_id=raid.pk, entities=RAID_REPORT)
    bank = source_register(actor=police, investigation_id=orchard.pk, kind="bank_statement",
                           reference="Production order PO-2026-077, Dreamland Savings Bank", legal_basis=basis)
    entities_add(actor=police, investigation_id=orchard.pk, source_id=bank.pk, entities=_bank_statement())
    from alliance.investigations.models import Entity

    for ftm_id, pseudonym in (("rr-kuznetsov", "Iron Gate"), ("rr-okafor", "Silver Birch")):
        entity = Entity.objects.get(investigation=orchard, ftm_id=ftm_id)
        case = Case.objects.get(realm=live_realm(), pseudonym=pseudonym)
        entity_case_link(actor=police, entity_id=entity.pk, case_id=case.pk,
                         reason="Worker at Golden Fields Agro named in the raid report")

    labour = actor_for(member(LABOUR_LEAD))
    inspections = investigation_open(actor=labour, title="Farm inspections 2026", purpose="Work-permit and "
                                     "wage checks on farms of the Dreamtown district",
                                     legal_basis="Dreamland Labour Inspection Act, s. 7")
    register = source_register(actor=labour, investigation_id=inspections.pk, kind="work_permits",
                               reference="Work-permit register, extract 2026-05",
                               legal_basis="Dreamland Labour Inspection Act, s. 7")
    entities_add(actor=labour, investigation_id=inspections.pk, source_id=register.pk, entities=WORK_PERMITS)
    xref_request(actor=police, investigation_id=orchard.pk, legal_basis=basis,
                 purpose="Find the ring's members and victims in other agencies' records")

