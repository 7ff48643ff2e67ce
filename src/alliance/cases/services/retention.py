"""Storage limitation (GDPR Art. 5(1)(e)): a closed case is anonymised once its country profile's retention
period has passed, unless a legal hold stands.

Anonymisation wipes every name, number, date of birth and free text about the person and keeps the facts
that statistics need: the case number, stage, status and dates, and the de-identified residue of
cases/domain/deidentify.py. The audit chain is never touched: its rows name fields and ids, not values.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain import deidentify
from alliance.cases.domain.country_rules import ProfileError, rules_for
from alliance.cases.models import (
    Case,
    CaseShare,
    Document,
    Note,
    NrmEvent,
    Person,
    SupportPlan,
    SupportService,
    Task,
    TransnationalPackage,
)
from alliance.cases.selectors.register import case_get_for
from alliance.cases.signals import case_anonymising, replies
from alliance.core import audit
from alliance.core import roles as R
from alliance.core.actor import Actor, system_actor
from alliance.core.errors import ValidationFailed

MIN_JUSTIFICATION = 20
CLOSED_STATUSES = (Case.Status.CLOSED, Case.Status.CLOSED_REFERRED)
PERSON_WIPED = ["given_name", "family_name", "middle_name", "identity_number", "birth_date", "details",
                "full_name_index", "family_name_index", "identity_number_index"]
CASE_WIPED = ["pseudonym", "summary", "closure_reason", "victim_context"]


def retention_ends(*, case: Case) -> dt.date | None:
    """The last day the case is kept whole, or None while it is open (or its profile is gone)."""
    if case.closed_on is None:
        return None
    try:
        return rules_for(case.country).retention_ends(case.closed_on)
    except ProfileError:
        return None


def _is_due(case: Case, today: dt.date) -> bool:
    ends = retention_ends(case=case)
    return (ends is not None and ends < today and case.status in CLOSED_STATUSES and not case.legal_hold
            and case.anonymised_at is None)


def _wipe(case: Case) -> list[str]:
    """Wipe one case (locked by the caller); returns the names of what was wiped, for the audit."""
    wiped = list(CASE_WIPED)
    case.pseudonym = f"Person {case.number[-4:]}"
    case.summary = case.closure_reason = None
    case.victim_context = deidentify.victim_residue(case.victim_context) or None
    case.anonymised_at = timezone.now()
    case.save(update_fields=[*CASE_WIPED, "anonymised_at"])
    # A share's purpose and legal basis are short texts in clear that may still speak of the person; whether
    # it rested on consent stays (its consent link).
    for model, columns in ((NrmEvent, {"reason": None}), (Note, {"body": None}), (Task, {"title": None}),
                           (CaseShare, {"response_reason": None, "purpose": "", "legal_basis": ""})):
        if model.objects.filter(case=case).update(**columns):
            wiped += [f"{model._meta.model_name}.{name}" for name in columns]
    if Document.objects.filter(case=case).update(title=None, filename=None, content=b"", sha256="", size=0):
        wiped += ["document.title", "document.filename", "document.content", "document.sha256"]
    if SupportPlan.objects.filter(case=case).update(objectives=None, action_plan=None):
        wiped += ["supportplan.objectives", "supportplan.action_plan"]
    if SupportService.objects.filter(plan__case=case).update(description=None):
        wiped += ["supportservice.description"]
    # A package keeps its record (direction, partner, field names); its sealed content goes.
    if TransnationalPackage.objects.filter(case=case).update(sealed=b"", refusal_reason=""):
        wiped += ["transnationalpackage.sealed", "transnationalpackage.refusal_reason"]
    # The screening the case came from stays a facility statistic but no longer leads to the person (its app
    # unlinks it: screening/services/retention.py).
    wiped += replies(case_anonymising, case=case)
    person = Person.objects.select_for_update().get(pk=case.person_id)
    # The person stays whole while another of their cases is still kept whole.
    if not Case.objects.filter(person=person, anonymised_at__isnull=True).exclude(pk=case.pk).exists():
        person.details = deidentify.person_residue(person, case)
        person.given_name = person.family_name = person.middle_name = None
        person.identity_number = person.birth_date = None
        person.anonymised_at = timezone.now()
        # The blind indexes are recomputed from the (now empty) names on save: nothing left to search for.
        person.save()
        wiped += [f"person.{name}" for name in PERSON_WIPED]
    return wiped


def _anonymise_locked(case_id: int, *, actor: Actor, today: dt.date | None, reason: str) -> bool:
    """Anonymise in its own transaction, re-checking under the row lock: a re-opening or a hold recorded
    meanwhile wins. With `today` the retention rule must hold; without it (a decision by the controller)
    only the hold and the closure are checked."""
    with transaction.atomic():
        case = Case.objects.select_for_update().filter(pk=case_id).first()
        if case is None or case.anonymised_at is not None or case.legal_hold:
            return False
        if case.status not in CLOSED_STATUSES or case.closed_on is None:
            return False
        if today is not None and not _is_due(case, today):
            return False
        wiped = _wipe(case)
        audit.record(actor=actor, action="update", object_type="case", object_id=case.pk, fields=wiped,
                     reason=reason)
    return True


def case_anonymise(*, actor: Actor, case_id: int, justification: str) -> Case:
    """Anonymise a closed case before its period ends (for example on an erasure request)."""
    case = case_get_for(actor=actor, case_id=case_id, action=R.CASE_DATA_PROTECTION, what="anonymise")
    justification = (justification or "").strip()
    errors: dict[str, list[str]] = {}
    if len(justification) < MIN_JUSTIFICATION:
        errors["justification"] = [_("State the reason in at least %(n)d characters.") % {"n": MIN_JUSTIFICATION}]
    if case.anonymised_at is not None:
        errors["case"] = [_("This case is already anonymised.")]
    elif case.legal_hold:
        errors["legal_hold"] = [_("A legal hold stands on this case: release it first.")]
    elif case.status not in CLOSED_STATUSES or case.closed_on is None:
        errors["status"] = [_("Only a closed case can be anonymised.")]
    if errors:
        raise ValidationFailed(errors)
    if not _anonymise_locked(case.pk, actor=actor, today=None, reason=f"anonymised: {justification[:500]}"):
        raise ValidationFailed({"case": [_("The case changed meanwhile; reload it and try again.")]})
    case.refresh_from_db()
    return case



@dataclass
class RetentionResult:
    due: list[int] = field(default_factory=list)  # case ids past their period
    anonymised: list[int] = field(default_factory=list)
    held: int = 0  # past their period but under a legal hold


def _candidates(today: dt.date):
    """Closed, unanonymised cases that may be past their period. A superset (one year of slack, since the
    period varies by country); _is_due() decides exactly."""
    longest = {}
    for code in Case.objects.filter(anonymised_at__isnull=True, closed_on__isnull=False) \
            .values_list("country", flat=True).distinct():
        try:
            longest[code] = rules_for(code).retention_years_after_closure
        except ProfileError:
            continue  # no profile, no rule: kept until someone decides
    condition = Q(pk__in=[])
    for code, years in longest.items():
        condition |= Q(country=code, closed_on__lt=dt.date(today.year - years + 1, 1, 1))
    return (Case.objects.filter(condition, anonymised_at__isnull=True, status__in=CLOSED_STATUSES)
            .only("id", "realm_id", "country", "closed_on", "status", "legal_hold", "anonymised_at")
            .order_by("closed_on", "id"))


def retention_run(*, today: dt.date | None = None, dry_run: bool = False) -> RetentionResult:
    """Anonymise every case past its period, each in its own transaction, so one failure stops only itself."""
    today = today or timezone.localdate()
    result = RetentionResult()
    for case in _candidates(today).iterator(chunk_size=500):
        ends = retention_ends(case=case)
        if ends is None or ends >= today:
            continue
        if case.legal_hold:
            result.held += 1
            continue
        result.due.append(case.pk)
        if dry_run:
            continue
        actor = system_actor(realm_id=case.realm_id, channel="job")
        if _anonymise_locked(case.pk, actor=actor, today=today,
                             reason=f"retention: {case.country} period ended {ends.isoformat()}"):
            result.anonymised.append(case.pk)
    return result
