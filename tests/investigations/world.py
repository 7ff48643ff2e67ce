"""A small investigation world for the investigations tests: a police agency with a lead investigator and
an analyst, a labour inspectorate with an investigator of its own, and a Dreamland raid report as FtM."""

from __future__ import annotations

from alliance.core import roles as R
from alliance.investigations.services.entities import entities_add, source_register
from alliance.investigations.services.investigations import investigation_open
from tests import factories

RAID_REPORT = [
    {"id": "p-ivanov", "schema": "Person",
     "properties": {"name": ["Дмитрий Иванов"], "birthDate": ["1988-03-14"], "nationality": ["kz"],
                    "phone": ["+7 701 555 0101"], "passportNumber": ["N 0451 2231"]}},
    {"id": "p-worker", "schema": "Person", "properties": {"name": ["Aigerim Seitkali"], "country": ["kz"]}},
    {"id": "c-fields", "schema": "Company",
     "properties": {"name": ["Golden Fields Agro LLC"], "country": ["kz"], "address": ["12 Orchard Road, Dreamtown"]}},
    {"id": "a-funnel", "schema": "BankAccount",
     "properties": {"iban": ["DE89 3704 0044 0532 0130 00"], "bankName": ["Dreamland Savings"]}},
    {"id": "e-1", "schema": "Employment",
     "properties": {"employee": ["p-worker"], "employer": ["c-fields"], "startDate": ["2026-04-01"]}},
    {"id": "pay-1", "schema": "Payment",
     "properties": {"payer": ["c-fields"], "beneficiary": ["p-ivanov"], "beneficiaryAccount": ["a-funnel"],
                    "amount": ["1200"], "currency": ["EUR"], "date": ["2026-05-02"]}},
]


def police_world(suffix: str = ""):
    police = factories.organisation(f"Dreamland Police{suffix}", sector="law_enforcement")
    inspectorate = factories.organisation(f"Dreamland Labour Inspectorate{suffix}", sector="labour_inspection")
    lead = factories.member(police, [R.INVESTIGATOR])
    analyst = factories.member(police, [R.ANALYST])
    colleague = factories.member(police, [R.INVESTIGATOR])  # same agency, not on the team
    inspector = factories.member(inspectorate, [R.INVESTIGATOR])
    actor = factories.actor(lead)
    investigation = investigation_open(actor=actor, title="Operation Orchard", purpose="Labour exploitation ring",
                                       legal_basis="Criminal Procedure Code, art. 12")
    source = source_register(actor=actor, investigation_id=investigation.pk, kind="police_report",
                             reference="RR-2026-0412", legal_basis="Criminal Procedure Code, art. 12")
    entities_add(actor=actor, investigation_id=investigation.pk, source_id=source.pk, entities=RAID_REPORT)
    return {"police": police, "inspectorate": inspectorate, "lead": lead, "analyst": analyst,
            "colleague": colleague, "inspector": inspector, "investigation": investigation, "source": source}
