"""One step from a positive screening to protection: the case, the consent and the referral together.

Nothing is typed twice: the case takes the person's sex, citizenship, language and stated age, the types of
exploitation and the methods of control the indicators evidence (the HTCDS crosswalk in each catalogue).
The interviewer adds only what the screening never held: the name, and the person's agreement. All of it is
one transaction through the case-management services, so their checks (the consent gate, first-responder
sectors, the child procedure) apply unchanged and a refusal at any step leaves nothing behind.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain.country_rules import ProfileError, rules_for
from alliance.cases.models import Case, CaseShare
from alliance.cases.services import case_create, consent_record
from alliance.cases.services.details import case_details_update
from alliance.cases.services.referrals import case_refer
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.directory.models import Organisation
from alliance.directory.selectors import organisation_in_realm
from alliance.screening.domain import languages
from alliance.screening.models import Catalogue, Screening
from alliance.screening.selectors.screenings import screening_access_or_none

SEX_TO_HTCDS = {"female": "Female", "male": "Male", "other": "Unknown", "unknown": "Unknown"}
WORK_TO_HTCDS = {"labour": ["ForcedLabour"], "sexual": ["SexualExploitation"],
                 "both": ["ForcedLabour", "SexualExploitation"], "none": []}


def referable(*, screening: Screening) -> bool:
    # referred_at stays when the case is later anonymised or deleted (case unlinked): a screening is referred
    # once, or an old screening could tie an anonymised record back to a new named case.
    return screening.referred_at is None and screening.outcome != Screening.Outcome.NONE


def screening_refer(
    *, actor: Actor, screening_id: int, given_name: str, family_name: str, organisation_id: int | None,
    scope: str = CaseShare.Scope.LIMITED, purpose: str = "", birth_date: str = "", consent: bool = False,
    interpreter: bool | None = None,
) -> tuple[Case, CaseShare]:
    if not (policy.may(actor, R.SCREENING_CONDUCT) and policy.may(actor, R.CASE_CREATE)):
        raise Forbidden(R.CASE_CREATE)
    screening = screening_access_or_none(actor=actor, screening_id=screening_id)
    if screening is None:
        audit.record(actor=actor, action="denied", object_type="screening", object_id=screening_id, reason="refer")
        raise NotFound("screening")
    errors: dict[str, list[str]] = {}
    if screening.case_id is not None:
        errors["__all__"] = [_("This screening was already referred as case %(number)s.")
                             % {"number": screening.case.number}]
    elif screening.referred_at is not None:
        errors["__all__"] = [_("This screening was already referred; its case is no longer held here.")]
    elif screening.outcome == Screening.Outcome.NONE:
        errors["__all__"] = [_("The screening found no indicators: there is nothing to refer.")]
    if not consent and not (screening.is_child and not _adult_by(birth_date)):
        # An adult is referred only with their agreement; a child goes to the child procedure, whose legal
        # basis the case-management gate checks (cases/services/register.py: sharing_basis).
        errors["consent"] = [_("Record that the person agreed to the referral, or do not refer.")]
    if organisation_id is None or organisation_in_realm(realm_id=screening.realm_id,
                                                        organisation_id=organisation_id) is None:
        errors["organisation"] = [_("Choose the organisation to refer the person to.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        locked = screening_access_or_none(actor=actor, screening_id=screening.pk, lock=True)
        if locked is None:  # cannot happen today (a screening keeps its organisation); decided again anyway
            raise NotFound("screening")
        if locked.referred_at is not None:  # referred a moment ago from another tab
            raise ValidationFailed(_("This screening was already referred."))
        case = case_create(actor=actor, given_name=given_name, family_name=family_name, birth_date=birth_date,
                           is_child=screening.is_child, country=_country_of(actor))
        case_details_update(actor=actor, case_id=case.pk, details=_person_details(screening),
                            victim_context=_victim_context(screening))
        if consent:
            consent_record(actor=actor, case_id=case.pk, purpose="share_organisation",
                           organisation_id=organisation_id, language=screening.interviewee_language,
                           interpreter=screening.interpreter if interpreter is None else interpreter)
        share = case_refer(actor=actor, case_id=case.pk, organisation_id=organisation_id, scope=scope,
                           # Neutral: the purpose reaches a limited or waiting receiver, who must not learn
                           # from it that the person is a child (core/policy.py, limited fields).
                           purpose=purpose or _("Referral after a screening at reception"))
        locked.case, locked.referred_at = case, timezone.now()
        locked.save(update_fields=["case", "referred_at"])
        audit.record(actor=actor, action="update", object_type="screening", object_id=screening.pk,
                     fields=["case"], reason=f"case {case.pk}")
    return case, share


def _adult_by(birth_date: str) -> bool:
    """A birth date typed at the referral that makes the person 18 or over: then they decide, not the child
    procedure (an unreadable date is left to the case service, which names it)."""
    try:
        born = dt.date.fromisoformat(birth_date) if birth_date else None
    except ValueError:
        return False
    if born is None:
        return False
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day)) >= 18


def _country_of(actor: Actor) -> str:
    country = Organisation.objects.filter(pk=actor.organisation_id).values_list("country", flat=True).first()
    try:
        rules_for(country)
    except ProfileError:
        return "XD"
    return country


def _person_details(screening: Screening) -> dict:
    details = {"sex": SEX_TO_HTCDS[screening.sex]}
    # An added language with a two-letter code has no three-letter one known here: left for the case file.
    language = languages.iso_639_2(screening.interviewee_language)
    if language:
        details["primary_language"] = language
    if screening.citizenship:
        details["citizenships"] = [screening.citizenship]
    age = (screening.answers or {}).get("age")
    if age is not None:
        details["estimated_age"] = age
        details["age_basis"] = "self_declared"
    return details


def _victim_context(screening: Screening) -> dict:
    yes = {(o["catalogue"], o["indicator"]) for o in (screening.answers or {}).get("observations", [])
           if o["answer"] == "yes"}
    methods: set[str] = set()
    for row in Catalogue.objects.filter(screenings=screening):
        for item in row.content["indicators"]:
            if (row.code, item["id"]) in yes:
                methods.update(item.get("methods_of_control", []))
    context = {"exploitation_types": WORK_TO_HTCDS[screening.work_type]}
    if methods:
        context["methods_of_control"] = sorted(methods)
    return {k: v for k, v in context.items() if v}
