"""The subject-access export (GDPR Art. 15): everything the owning organisation holds about one person, across
its cases in the realm, as one JSON document.

Items the person may not receive (Art. 23: protecting others or an investigation) are not left out
silently: each is replaced by {"withheld": true, "reason": ...}, so the controller sees what was held back
and why, and can answer the person accordingly.
"""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.models import Case, Note, SupportPlan
from alliance.cases.selectors.data_protection import case_for_controller
from alliance.cases.selectors.register import shown_cases
from alliance.core import audit
from alliance.core.actor import Actor
from alliance.directory.models import Organisation

# Sectors whose stated legal bases for sharing may reveal an investigation (LED Art. 15).
LAW_ENFORCEMENT_SECTORS = frozenset({Organisation.Sector.LAW_ENFORCEMENT, Organisation.Sector.PROSECUTION})
# Victim-context keys about perpetrators: data of third parties (HTCDS per_*).
THIRD_PARTY_KEYS = ("perpetrators", "perpetrator_roles", "perpetrator_details")
# NRM steps whose reason is an internal risk assessment.
RISK_STEPS = frozenset({"safe_return"})
SECTIONS = ["person", "cases", "nrm_events", "consents", "shares", "tasks", "notes", "documents", "support_plan",
            "duty_notifications"]


def _withheld(reason: str, **kept) -> dict:
    return {**kept, "withheld": True, "reason": reason}


def _date(value):
    return value.isoformat() if value else None


def _person(person) -> dict:
    return {"given_name": person.given_name, "middle_name": person.middle_name, "family_name": person.family_name,
            "identity_number": person.identity_number, "birth_date": person.birth_date,
            "details": person.details or {}, "recorded_at": _date(person.created_at),
            "anonymised_at": _date(person.anonymised_at)}


def _victim_context(context: dict | None) -> dict:
    out = {}
    for key, value in (context or {}).items():
        if key in THIRD_PARTY_KEYS or key.startswith(("per_", "perpetrator")):
            out[key] = _withheld(_("about third parties (perpetrators)"))
        else:
            out[key] = value
    return out


def _nrm_events(case: Case) -> list[dict]:
    rows = []
    for event in case.nrm_events.select_related("organisation"):
        row = {"transition": event.transition, "from_stage": event.from_stage, "to_stage": event.to_stage,
               "outcome": event.outcome, "effective_on": _date(event.effective_on),
               "organisation": event.organisation.name if event.organisation else None, "reason": event.reason}
        if event.transition in RISK_STEPS and event.reason:
            row["reason"] = _withheld(_("internal risk assessment"))
        rows.append(row)
    return rows


def _consents(case: Case) -> list[dict]:
    return [{"purpose": c.purpose, "organisation": c.organisation.name if c.organisation else None,
             "sector": c.sector, "country": c.country, "language": c.language, "interpreter": c.interpreter,
             "given_on": _date(c.given_on), "withdrawn_on": _date(c.withdrawn_on)}
            for c in case.consents.select_related("organisation")]


def _shares(case: Case) -> list[dict]:
    rows = []
    for share in case.shares.select_related("organisation", "from_organisation"):
        stated_by = share.from_organisation or case.owner_organisation
        row = {"organisation": share.organisation.name, "kind": share.kind, "scope": share.scope,
               "status": share.status, "purpose": share.purpose, "granted_at": _date(share.granted_at),
               "revoked_at": _date(share.revoked_at), "respond_by": _date(share.respond_by),
               "responded_at": _date(share.responded_at), "response_reason": share.response_reason,
               "done_at": _date(share.done_at), "rests_on_consent": share.consent_id is not None,
               "legal_basis": share.legal_basis}
        if share.legal_basis and stated_by.sector in LAW_ENFORCEMENT_SECTORS:
            row["legal_basis"] = _withheld(_("legal basis stated by law enforcement"))
        rows.append(row)
    return rows


def _notes(case: Case, actor: Actor) -> list[dict]:
    rows = []
    for note in case.notes.select_related("organisation"):
        kept = {"created_at": _date(note.created_at), "organisation": note.organisation.name,
                "sensitivity": note.sensitivity}
        if note.sensitivity == Note.Sensitivity.RESTRICTED and note.author_id != actor.user_id:
            rows.append(_withheld(_("restricted note of another author"), **kept))
        elif note.sensitivity == Note.Sensitivity.CONFIDENTIAL and note.organisation_id != case.owner_organisation_id:
            rows.append(_withheld(_("confidential note of another organisation"), **kept))
        else:
            rows.append({**kept, "body": note.body})
    return rows


def _documents(case: Case, actor: Actor) -> list[dict]:
    rows = []
    for doc in case.documents.select_related("organisation").defer("content"):
        kept = {"uploaded_at": _date(doc.uploaded_at), "organisation": doc.organisation.name,
                "sensitivity": doc.sensitivity}
        if doc.sensitivity == Note.Sensitivity.RESTRICTED and doc.uploaded_by_id != actor.user_id:
            rows.append(_withheld(_("restricted document of another author"), **kept))
        elif doc.sensitivity == Note.Sensitivity.CONFIDENTIAL and doc.organisation_id != case.owner_organisation_id:
            rows.append(_withheld(_("confidential document of another organisation"), **kept))
        else:
            rows.append({**kept, "title": doc.title, "filename": doc.filename, "content_type": doc.content_type,
                         "size": doc.size})
    return rows


def _support_plan(case: Case) -> dict | None:
    try:
        plan = case.support_plan
    except SupportPlan.DoesNotExist:
        return None
    return {"objectives": plan.objectives, "action_plan": plan.action_plan, "support_types": plan.support_types,
            "planned_end_on": _date(plan.planned_end_on), "actual_end_on": _date(plan.actual_end_on),
            "services": [{"support_type": s.support_type, "status": s.status, "description": s.description,
                          "provider": s.provider.name if s.provider else s.provider_name,
                          "starts_on": _date(s.starts_on), "ends_on": _date(s.ends_on)}
                         for s in plan.services.select_related("provider")]}


def _case(case: Case, actor: Actor) -> dict:
    return {
        "number": case.number, "status": case.status, "nrm_stage": case.nrm_stage,
        "trafficking_status": case.trafficking_status, "country": case.country, "is_child": case.is_child,
        "opened_at": _date(case.created_at), "closed_on": _date(case.closed_on), "summary": case.summary,
        "closure_reason": case.closure_reason, "victim_context": _victim_context(case.victim_context),
        "anonymised_at": _date(case.anonymised_at),
        "nrm_events": _nrm_events(case), "consents": _consents(case), "shares": _shares(case),
        "tasks": [{"title": t.title, "status": t.status, "due_on": _date(t.due_on), "created_at": _date(t.created_at),
                   "completed_at": _date(t.completed_at)} for t in case.tasks.all()],
        "notes": _notes(case, actor), "documents": _documents(case, actor), "support_plan": _support_plan(case),
        "duty_notifications": [{"authority": n.authority, "sent_at": _date(n.sent_at), "payload": n.payload}
                               for n in case.duty_notifications.all()],
    }


def subject_access_for(*, actor: Actor, case_id: int) -> dict:
    """The export for the person of this case; audited as an export of every case it covers."""
    case = case_for_controller(actor=actor, case_id=case_id, what="subject_access")
    cases = list(Case.objects.select_related("owner_organisation")
                 .filter(person_id=case.person_id, realm_id=actor.realm_id,
                         owner_organisation_id=case.owner_organisation_id).order_by("created_at", "id"))
    document = {
        "kind": "subject_access",
        "generated_at": timezone.now().isoformat(),
        "controller": case.owner_organisation.name,
        "person": _person(case.person),
        "cases": [_case(c, actor) for c in cases],
        "withheld_note": _("Items marked withheld are held but not disclosed, for the reason given."),
    }
    audit.record(actor=actor, action="export", object_type="case", object_id=case.pk, fields=SECTIONS,
                 reason=f"subject access; {shown_cases(ids=(c.pk for c in cases))}")
    return document
