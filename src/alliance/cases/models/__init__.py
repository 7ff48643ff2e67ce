"""The case register, one module per area (the same names as selectors/, services/, views/ and api/).

HTCDS details that nobody filters on in SQL live in one encrypted JSON document per row (`details`,
`victim_context`), validated by cases/htcds/vocabulary.py; the columns that lists and searches filter on stay columns.
"""

from alliance.cases.models.casefile import Document, Note, SupportPlan, SupportService, Task
from alliance.cases.models.data_protection import DutyNotification
from alliance.cases.models.nrm import CaseClock, NrmEvent
from alliance.cases.models.referrals import CaseShare, Consent, Notification
from alliance.cases.models.register import Case, CaseCounter, Person
from alliance.cases.models.transnational import OrganisationKeyPair, PartnerOrganisation, TransnationalPackage

__all__ = [
    "Case", "CaseClock", "CaseCounter", "CaseShare", "Consent", "Document", "DutyNotification", "Note",
    "Notification", "NrmEvent", "OrganisationKeyPair", "PartnerOrganisation", "Person", "SupportPlan",
    "SupportService", "Task", "TransnationalPackage",
]
