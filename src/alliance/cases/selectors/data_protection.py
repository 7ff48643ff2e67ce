"""The access tab: who viewed or changed a case, when and why, read from the audit chain.

Shown only to the owning organisation (case.access_log: its case workers, investigators, prosecutors and
auditors); a share never reveals who else looks at a case. Reading the tab is itself audited.
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from alliance.cases.models import (
    Case,
    CaseShare,
    Consent,
    Document,
    DutyNotification,
    Note,
    SupportService,
    Task,
    TransnationalPackage,
)
from alliance.cases.selectors.register import case_get_for
from alliance.core import audit
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.models import AuditEvent
from alliance.directory.models import Organisation, User

# Lists, searches and exports name the cases they showed in their reason ("3 cases: 4,9,12", selectors.shown_cases).
SHOWN = re.compile(r"^(?P<prefix>.*?)(?P<count>\d+) cases: [\d,]*$")
SHOWING_ACTIONS = (AuditEvent.Action.LIST, AuditEvent.Action.SEARCH, AuditEvent.Action.EXPORT)
# How the audit names a case's parts (the services' conventions): reads of a part list keep the case id as
# object_id; writes keep the part's own id and say "case <id>" in the reason, or not (withdrawals, denials).
CASE_KEYED_READS = ("task", "note", "document", "support_plan", "case_file")
PARTS_BY_ID = {"consent": Consent, "referral": CaseShare, "task": Task, "note": Note, "document": Document,
               "duty_notification": DutyNotification, "transnational_package": TransnationalPackage}


def case_for_access_log(*, actor: Actor, case_id: int) -> Case:
    return case_get_for(actor=actor, case_id=case_id, action=R.CASE_ACCESS_LOG)


def case_for_controller(*, actor: Actor, case_id: int, what: str) -> Case:
    """The gate for the controller's duties (subject access, holds, deletion, the duty to notify): 'not found'
    alike for missing and forbidden, the refusal audited."""
    return case_get_for(actor=actor, case_id=case_id, action=R.CASE_DATA_PROTECTION, what=what,
                        related=("person", "owner_organisation"))


def _shown(pk: str) -> Q:
    # Whole ids only: case 1 must not match a list that showed case 12.
    return (Q(reason__endswith=f": {pk}") | Q(reason__contains=f": {pk},") | Q(reason__contains=f",{pk},")
            | Q(reason__endswith=f",{pk}"))


def _case_events(case: Case) -> QuerySet:
    """Every audit event about the case, newest first: its own, its parts', and the lists, searches and
    exports that showed it (since its creation, in its realm)."""
    pk = str(case.pk)
    condition = (Q(object_type="case", object_id=pk)
                 | Q(reason=f"case {pk}") | Q(reason__startswith=f"case {pk}:") | Q(reason__startswith=f"case {pk};")
                 | Q(object_type__in=CASE_KEYED_READS, action__in=("list", "view"), object_id=pk))
    parts = {object_type: model.objects.filter(case=case) for object_type, model in PARTS_BY_ID.items()}
    parts["support_service"] = SupportService.objects.filter(plan__case=case)
    for object_type, queryset in parts.items():
        ids = [str(i) for i in queryset.values_list("pk", flat=True)]
        if ids:
            # Not lists: a list of parts names the case it belongs to, which may be another case.
            condition |= Q(object_type=object_type, object_id__in=ids) & ~Q(action="list")
    # Only reasons written by selectors.shown_cases ("3 cases: 4,7,9") name cases; other lists name their own
    # rows ("tasks 1: 2") and must not pull another case's events into this access tab.
    condition |= (Q(action__in=SHOWING_ACTIONS, realm_id=case.realm_id, at__gte=case.created_at)
                  & Q(reason__contains=" cases: ") & _shown(pk))
    return AuditEvent.objects.filter(condition).order_by("-seq")


def access_log_for(*, actor: Actor, case_id: int) -> tuple[Case, QuerySet]:
    case = case_for_access_log(actor=actor, case_id=case_id)
    audit.record(actor=actor, action="view", object_type="case", object_id=case.pk, fields=["access_log"])
    return case, _case_events(case)


def _display_reason(reason: str) -> str:
    match = SHOWN.match(reason)
    if match is None:
        return reason
    label = _("shown among %(n)s cases") % {"n": match["count"]}
    prefix = match["prefix"].strip().rstrip(";:").strip()
    return f"{prefix}: {label}" if prefix else label


def access_rows(*, events) -> list[dict]:
    """One row per event, with who and which organisation by name (two queries for the whole page)."""
    events = list(events)
    users = {u.pk: u for u in User.objects.filter(pk__in={e.user_id for e in events if e.user_id})}
    organisations = dict(Organisation.objects.filter(pk__in={e.organisation_id for e in events
                                                             if e.organisation_id}).values_list("pk", "name"))
    actions = dict(AuditEvent.Action.choices)
    rows = []
    for event in events:
        user = users.get(event.user_id)
        rows.append({
            "seq": event.seq,
            "at": event.at,
            "user": user.display_name if user else (_("the system") if event.user_id is None else _("removed user")),
            "user_email": user.email if user else "",
            "organisation": organisations.get(event.organisation_id, ""),
            "action": event.action,
            "action_label": str(actions.get(event.action, event.action)),
            "object": event.object_type if event.object_type == "case" else f"{event.object_type} {event.object_id}",
            "fields": list(event.fields),
            "reason": _display_reason(event.reason),
            "channel": event.channel,
        })
    return rows
