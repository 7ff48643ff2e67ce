"""Everything that happened on a case, newest first, in one list: the screening it came from, NRM steps,
consent, shares and referrals, tasks, notes, documents, the support plan and its services, transnational
packages.

Each item says when, what kind, who (organisation and person) and a short label; labels never quote a note,
a reason or a description. The full file's readers see every item whose underlying record they may read
(notes and documents keep their sensitivity). A limited reader sees no item: the limited scope shows the
current stage and decision, never who made them, when or why (core/policy.py: CASE_LIMITED_FIELDS), and a
dated history of stages would tell when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain import nrm
from alliance.cases.htcds.vocabulary import SupportType
from alliance.cases.models import (
    Case,
    CaseShare,
    Consent,
    Document,
    Note,
    NrmEvent,
    SupportPlan,
    SupportService,
    Task,
    TransnationalPackage,
)
from alliance.cases.selectors.register import case_access_for
from alliance.cases.signals import case_timeline, replies
from alliance.core import audit
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.pagination import paginate
from alliance.core.policy import readable_parts


@dataclass(frozen=True)
class TimelineItem:
    at: dt.datetime
    kind: str
    organisation: str
    user: str
    label: str


def _name(obj) -> str:
    if obj is None:
        return ""
    return getattr(obj, "display_name", None) or getattr(obj, "name", "") or ""


def _day(on: dt.date, *, after: dt.datetime | None = None) -> dt.datetime:
    """A fact recorded by date only, placed at the start of its day (and after what it follows)."""
    moment = timezone.make_aware(dt.datetime.combine(on, dt.time.min))
    return max(moment, after + dt.timedelta(microseconds=1)) if after else moment


def _label(choices, value: str) -> str:
    return str(dict(choices).get(value, value))


def _nrm(case: Case) -> list[TimelineItem]:
    items = []
    for event in NrmEvent.objects.filter(case=case).select_related("organisation", "actor"):
        stage = _label(nrm.Stage.choices, event.to_stage)
        step = nrm.TRANSITIONS.get(event.transition)
        label = _("%(step)s → %(stage)s") % {"step": step.label if step else event.transition, "stage": stage}
        if event.outcome:
            outcome = _("positive") if event.outcome == nrm.POSITIVE else _("negative")
            label += f" ({outcome})"
        items.append(TimelineItem(event.at, "nrm", _name(event.organisation), _name(event.actor), label))
    return items


def _consents(case: Case) -> list[TimelineItem]:
    items = []
    for consent in Consent.objects.filter(case=case).select_related("obtained_by", "obtained_by_organisation",
                                                                      "withdrawn_by"):
        purpose = _label(Consent.Purpose.choices, consent.purpose)
        items.append(TimelineItem(consent.recorded_at, "consent_given", _name(consent.obtained_by_organisation),
                                  _name(consent.obtained_by), _("Consent given: %(what)s") % {"what": purpose}))
        if consent.withdrawn_on:
            items.append(TimelineItem(_day(consent.withdrawn_on, after=consent.recorded_at), "consent_withdrawn",
                                      "", _name(consent.withdrawn_by),
                                      _("Consent withdrawn: %(what)s") % {"what": purpose}))
    return items


def _shares(actor: Actor, case: Case) -> list[TimelineItem]:
    """The owner sees every share; another organisation with the full file only its own, since a share never
    tells who else looks at a case (as cases.referral_selectors.case_referrals_for)."""
    items = []
    S = CaseShare.Status
    shares = CaseShare.objects.filter(case=case).select_related("organisation", "from_organisation", "granted_by",
                                                                 "responded_by")
    if case.owner_organisation_id != actor.organisation_id:
        shares = shares.filter(organisation_id=actor.organisation_id)
    for share in shares:
        kind = _label(CaseShare.Kind.choices, share.kind)
        values = {"kind": kind, "organisation": share.organisation.name,
                  "scope": _label(CaseShare.Scope.choices, share.scope).lower()}
        sender = share.from_organisation or case.owner_organisation
        items.append(TimelineItem(share.granted_at, "share_sent", _name(sender), _name(share.granted_by),
                                  _("%(kind)s to %(organisation)s (%(scope)s)") % values))
        receiver, responder = share.organisation.name, _name(share.responded_by)
        if share.responded_at and share.status != S.DECLINED:
            items.append(TimelineItem(share.responded_at, "share_accepted", receiver, responder,
                                      _("%(kind)s accepted by %(organisation)s") % values))
        if share.status == S.DECLINED:
            items.append(TimelineItem(share.responded_at or share.revoked_at or share.granted_at, "share_declined",
                                      receiver, responder, _("%(kind)s declined by %(organisation)s") % values))
        if share.status == S.REVOKED and share.revoked_at:
            items.append(TimelineItem(share.revoked_at, "share_revoked", _name(sender), "",
                                      _("%(kind)s to %(organisation)s revoked") % values))
        if share.done_at:
            items.append(TimelineItem(share.done_at, "share_done", receiver, responder,
                                      _("%(kind)s done by %(organisation)s") % values))
    return items


def _tasks(case: Case) -> list[TimelineItem]:
    items = []
    for task in Task.objects.filter(case=case).select_related("organisation", "created_by"):
        items.append(TimelineItem(task.created_at, "task_created", _name(task.organisation), _name(task.created_by),
                                  _("Task: %(title)s") % {"title": task.title or ""}))
        if task.completed_at and task.status in (Task.Status.DONE, Task.Status.CANCELLED):
            done = task.status == Task.Status.DONE
            items.append(TimelineItem(task.completed_at, "task_done" if done else "task_cancelled",
                                      _name(task.organisation), "",
                                      (_("Task done: %(title)s") if done else _("Task cancelled: %(title)s"))
                                      % {"title": task.title or ""}))
    return items


def _notes_and_documents(actor: Actor, case: Case) -> list[TimelineItem]:
    items = []
    for note in Note.objects.filter(case=case).filter(readable_parts(actor, author_field="author_id")) \
            .select_related("organisation", "author").defer("body"):
        label = {Note.Sensitivity.CONFIDENTIAL: _("Confidential note"),
                 Note.Sensitivity.RESTRICTED: _("Restricted note")}.get(note.sensitivity, _("Note"))
        items.append(TimelineItem(note.created_at, "note", _name(note.organisation), _name(note.author), label))
    for document in Document.objects.filter(case=case).filter(readable_parts(actor, author_field="uploaded_by_id")) \
            .select_related("organisation", "uploaded_by").defer("content", "filename"):
        items.append(TimelineItem(document.uploaded_at, "document", _name(document.organisation),
                                  _name(document.uploaded_by), _("Document: %(title)s") % {"title": document.title}))
    return items


def _support(case: Case) -> list[TimelineItem]:
    plan = SupportPlan.objects.filter(case=case).select_related("updated_by").defer("objectives", "action_plan") \
        .first()
    if plan is None:
        return []
    items = [TimelineItem(plan.updated_at, "support_plan", "", _name(plan.updated_by), _("Support plan updated"))]
    for service in SupportService.objects.filter(plan=plan).select_related("provider", "created_by") \
            .defer("description"):
        values = {"type": _label(SupportType.choices, service.support_type),
                  "provider": _name(service.provider) or service.provider_name,
                  "status": _label(SupportService.Status.choices, service.status).lower()}
        items.append(TimelineItem(service.created_at, "support_service", _name(service.provider),
                                  _name(service.created_by),
                                  _("Support: %(type)s by %(provider)s (%(status)s)") % values))
    return items


def _packages(case: Case) -> list[TimelineItem]:
    items = []
    for package in TransnationalPackage.objects.filter(case=case, realm_id=case.realm_id) \
            .select_related("organisation", "partner", "handled_by").defer("sealed"):
        values = {"partner": _name(package.partner)}
        sent = package.direction == TransnationalPackage.Direction.SENT
        items.append(TimelineItem(package.created_at, "package_sent" if sent else "package_received",
                                  _name(package.organisation), "" if not sent else _name(package.handled_by),
                                  (_("Transnational package sent to %(partner)s") if sent
                                   else _("Transnational package received from %(partner)s")) % values))
        if not sent and package.handled_at:
            accepted = package.status == TransnationalPackage.Status.ACCEPTED
            items.append(TimelineItem(package.handled_at, "package_accepted" if accepted else "package_refused",
                                      _name(package.organisation), _name(package.handled_by),
                                      _("Transnational package accepted") if accepted
                                      else _("Transnational package refused")))
    return items


def _elsewhere(case: Case) -> list[TimelineItem]:
    """Entries other apps hold about the case (the screening at reception it came from: its outcome band,
    never its answers), through cases.signals so that cases imports none of them."""
    return [TimelineItem(*entry) for entry in replies(case_timeline, case=case)]


def timeline_items(*, actor: Actor, case: Case, full: bool) -> list[TimelineItem]:
    """For a case the actor passed a gate for; not audited here (the callers audit what they show). A limited
    reader gets nothing: a dated history would tell when each decision was taken."""
    if not full:
        return []
    items = (_nrm(case) + _consents(case) + _shares(actor, case) + _tasks(case) + _notes_and_documents(actor, case)
             + _support(case) + _elsewhere(case))
    # Packages abroad are the owner's business: which country and partner a person was sent to is not
    # for every organisation working on the case.
    if case.owner_organisation_id == actor.organisation_id:
        items += _packages(case)
    items.sort(key=lambda item: (item.at, item.kind), reverse=True)
    return items


def timeline_for(*, actor: Actor, case_id: int, page: int = 1, page_size: int = 50) -> tuple[list[TimelineItem],
                                                                                                int, bool]:
    """One page of the case's timeline, the total, and whether the actor reads the full file."""
    access = case_access_for(actor=actor, case_id=case_id, action=R.CASE_VIEW, what="timeline",
                             related=("owner_organisation",))
    case, full = access.case, access.full
    items, count = (paginate(timeline_items(actor=actor, case=case, full=full), page=page, page_size=page_size)
                    if full else ([], 0))
    audit.record(actor=actor, action="view", object_type="case", object_id=case.pk,
                 fields=["timeline"] if full else [],
                 reason=f"timeline page {page}: {len(items)} of {count}")
    return items, count, full
