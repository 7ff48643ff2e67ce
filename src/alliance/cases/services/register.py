"""Every write to the case register: checked by the policy, validated, in one transaction, audited."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from alliance.cases.domain.checks import clean_text
from alliance.cases.domain.country_rules import ProfileError, rules_for
from alliance.cases.models import Case, CaseCounter, CaseShare, Consent, Person
from alliance.cases.selectors.register import case_get_for, case_of_part_for, consent_get_for
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core.actor import Actor
from alliance.core.countries import COUNTRY_CODES
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.core.models import EmergencyOverride
from alliance.directory.models import Organisation
from alliance.directory.selectors import organisation_in_realm

OVERRIDE_HOURS = 8
MIN_JUSTIFICATION = 20


def _age(born: dt.date) -> int:
    today = timezone.localdate()
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _next_number(realm_id: int, *, exercise: bool) -> str:
    """Take the next number under a row lock (inside the caller's transaction)."""
    return _next_numbers(realm_id, 1, exercise=exercise)[0]


def _next_numbers(realm_id: int, count: int, *, exercise: bool) -> list[str]:
    """Take a block of consecutive numbers under one row lock (an import takes them all at once)."""
    year = timezone.now().year
    counter, _created = CaseCounter.objects.select_for_update().get_or_create(realm_id=realm_id, year=year)
    first = counter.last + 1
    counter.last += count
    counter.save(update_fields=["last"])
    # Exercise numbers carry their realm, so a training case can never be mistaken for a live one.
    prefix = f"X{realm_id}-{year}-" if exercise else f"C{year}-"
    return [f"{prefix}{n:06d}" for n in range(first, counter.last + 1)]


def case_create(
    *,
    actor: Actor,
    given_name: str,
    family_name: str,
    identity_number: str = "",
    birth_date: str = "",
    pseudonym: str = "",
    summary: str = "",
    is_child: bool = False,
    country: str = "XD",
) -> Case:
    if not policy.may(actor, R.CASE_CREATE) or actor.organisation_id is None:
        raise Forbidden(R.CASE_CREATE)
    errors: dict[str, list[str]] = {}
    given_name = clean_text(given_name, "given_name", required=True, max_length=200, errors=errors)
    family_name = clean_text(family_name, "family_name", required=True, max_length=200, errors=errors)
    identity_number = clean_text(identity_number, "identity_number", required=False, max_length=64,
                                  errors=errors)
    pseudonym = clean_text(pseudonym, "pseudonym", required=False, max_length=64, errors=errors)
    summary = clean_text(summary, "summary", required=False, max_length=10_000, errors=errors)
    birth_date = (birth_date or "").strip()
    try:
        rules_for(country)
    except ProfileError:
        errors["country"] = [_("No NRM country profile exists for this country.")]
    if birth_date:
        try:
            born = dt.date.fromisoformat(birth_date)
            if born > timezone.now().date():
                errors.setdefault("birth_date", []).append(_("The birth date is in the future."))
            # Under 18 by the stated birth date: the child procedure applies whatever was ticked.
            is_child = is_child or _age(born) < 18
        except ValueError:
            errors.setdefault("birth_date", []).append(_("Use the form YYYY-MM-DD."))
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        person = Person.objects.create(
            realm_id=actor.realm_id, given_name=given_name, family_name=family_name,
            identity_number=identity_number or None, birth_date=birth_date or None,
        )
        number = _next_number(actor.realm_id, exercise=actor.realm_is_exercise)
        case = Case.objects.create(
            realm_id=actor.realm_id, number=number, pseudonym=pseudonym or f"Person {number[-4:]}",
            person=person, owner_organisation_id=actor.organisation_id, summary=summary or None,
            created_by_id=actor.user_id, is_child=is_child, country=country,
        )
        written = ["given_name", "family_name", "pseudonym"]
        written += [n for n, v in (("identity_number", identity_number), ("birth_date", birth_date),
                                   ("summary", summary)) if v]
        from alliance.cases.services.nrm import clocks_on_detection

        clocks_on_detection(case=case, today=timezone.localdate())
        audit.record(actor=actor, action="create", object_type="case", object_id=case.pk, fields=written)
    return case


def refuse_if_anonymised(*, case: Case) -> None:
    """An anonymised case is a statistical residue: nothing may be added to it, shared from it or moved on
    it, or the wiped person would come back piece by piece."""
    if case.anonymised_at is not None:
        raise ValidationFailed({"__all__": [_("This case was anonymised; it can no longer be changed or shared.")]})


def case_for_sharing(*, actor: Actor, case_id: int, reason: str) -> Case:
    """The gate for every share, referral and transfer: only an organisation that may share the case (its
    owner) sends it anywhere; missing and forbidden alike are "not found", and the refusal is audited."""
    case = case_get_for(actor=actor, case_id=case_id, action=R.CASE_SHARE, what=reason)
    refuse_if_anonymised(case=case)
    return case


def sharing_basis(*, actor: Actor, case: Case, organisation_id: int, legal_basis: str,
                  errors: dict) -> tuple[Consent | None, str]:
    """Whether the case may go to this organisation at all, and on what basis. The organisation must exist,
    not own the case, and hold nothing active on it yet; the sharing must rest on the person's recorded
    consent, on the child procedure (a child is always referred to social services), or on a stated legal
    basis given by someone whose role allows an override (audited as one by record_sharing)."""
    # Only an agency of the case's own realm: never a sandbox agency for a live case, nor another team's.
    target = organisation_in_realm(realm_id=case.realm_id, organisation_id=organisation_id)
    if target is None:
        errors["organisation"] = [_("No such organisation.")]
    elif organisation_id == case.owner_organisation_id:
        errors["organisation"] = [_("The case already belongs to this organisation.")]
    else:
        active = CaseShare.objects.filter(case=case, organisation_id=organisation_id,
                                          revoked_at__isnull=True).first()
        if active is not None and active.status == CaseShare.Status.PENDING:
            errors["organisation"] = [_("A referral of this case to this organisation is already waiting for "
                                        "its answer.")]
        elif active is not None:
            errors["organisation"] = [_("The case is already shared with this organisation.")]
    return _basis_for_sharing(actor, case, target, (legal_basis or "").strip(), errors)


def record_sharing(*, actor: Actor, share: CaseShare) -> None:
    """Audit a share, referral or transfer with its basis; sharing without consent is also an override."""
    consent, legal_basis = share.consent, share.legal_basis
    audit.record(actor=actor, action="share", object_type="case", object_id=share.case_id,
                 fields=[f"kind:{share.kind}", f"scope:{share.scope}", f"organisation:{share.organisation_id}"],
                 reason=f"consent {consent.pk}" if consent else f"without consent: {legal_basis}")
    if consent is None and legal_basis != CHILD_PROCEDURE:
        audit.record(actor=actor, action="override", object_type="case", object_id=share.case_id,
                     fields=["consent"], reason=legal_basis)


def case_share(
    *, actor: Actor, case_id: int, organisation_id: int, scope: str, purpose: str, legal_basis: str = ""
) -> CaseShare:
    """Share a case with another organisation, in force at once (a referral waits for an answer:
    services/referrals.py)."""
    case = case_for_sharing(actor=actor, case_id=case_id, reason="case.share")
    errors: dict[str, list[str]] = {}
    if scope not in CaseShare.Scope.values:
        errors["scope"] = [_("Choose full or limited.")]
    purpose = clean_text(purpose, "purpose", required=True, max_length=300, errors=errors)
    consent, legal_basis = sharing_basis(actor=actor, case=case, organisation_id=organisation_id,
                                         legal_basis=legal_basis, errors=errors)
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        share = CaseShare.objects.create(case=case, organisation_id=organisation_id, scope=scope,
                                         purpose=purpose, granted_by_id=actor.user_id, consent=consent,
                                         legal_basis=legal_basis, from_organisation_id=actor.organisation_id)
        record_sharing(actor=actor, share=share)
    return share


CHILD_PROCEDURE = "child procedure: a child is always referred to child protection"
MIN_LEGAL_BASIS = 20


def _basis_for_sharing(actor: Actor, case: Case, target: Organisation | None, legal_basis: str,
                       errors: dict) -> tuple[Consent | None, str]:
    if target is None:
        return None, ""
    for consent in case.consents.filter(withdrawn_on__isnull=True):
        if consent.covers(target):
            return consent, ""
    if case.is_child and target.sector == Organisation.Sector.SOCIAL_SERVICES:
        return None, CHILD_PROCEDURE
    if not legal_basis:
        errors["consent"] = [_("No recorded consent covers sharing with this organisation. Record the person's "
                               "consent, or state the legal basis for sharing without it.")]
    elif not policy.may(actor, R.CASE_OVERRIDE):
        errors["consent"] = [_("Your role cannot share without the person's consent.")]
    elif len(legal_basis) < MIN_LEGAL_BASIS:
        errors["legal_basis"] = [_("State the legal basis and reason in at least %(n)d characters.")
                                 % {"n": MIN_LEGAL_BASIS}]
    return None, legal_basis[:500]


def consent_record(
    *, actor: Actor, case_id: int, purpose: str, language: str, interpreter: bool = False,
    organisation_id: int | None = None, sector: str = "", country: str = "", given_on: dt.date | None = None,
) -> Consent:
    case = case_for_sharing(actor=actor, case_id=case_id, reason="consent")
    errors: dict[str, list[str]] = {}
    given_on = given_on or timezone.localdate()
    if purpose not in Consent.Purpose.values:
        errors["purpose"] = [_("Choose what the person agreed to.")]
    if purpose == Consent.Purpose.SHARE_ORGANISATION and organisation_in_realm(realm_id=case.realm_id,
                                                                           organisation_id=organisation_id) is None:
        errors["organisation"] = [_("Name the organisation the person agreed to share with.")]
    if purpose == Consent.Purpose.SHARE_SECTOR and sector not in Organisation.Sector.values:
        errors["sector"] = [_("Name the sector the person agreed to share with.")]
    if purpose == Consent.Purpose.TRANSNATIONAL and country not in COUNTRY_CODES:
        errors["country"] = [_("Name the country the person agreed to a transfer to.")]
    if not (language.isalpha() and 2 <= len(language) <= 3):
        errors["language"] = [_("Give the language as an ISO 639 code, such as ru or ar.")]
    if given_on > timezone.localdate() or given_on < case.created_at.date():
        errors["given_on"] = [_("The date must fall between the case's opening and today.")]
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        consent = Consent.objects.create(
            case=case, purpose=purpose, language=language.lower(), interpreter=interpreter, given_on=given_on,
            organisation_id=organisation_id if purpose == Consent.Purpose.SHARE_ORGANISATION else None,
            sector=sector if purpose == Consent.Purpose.SHARE_SECTOR else "",
            country=country if purpose == Consent.Purpose.TRANSNATIONAL else "",
            obtained_by_id=actor.user_id, obtained_by_organisation_id=actor.organisation_id,
        )
        audit.record(actor=actor, action="create", object_type="consent", object_id=consent.pk,
                     fields=["purpose", "language", "interpreter", "given_on"], reason=f"case {case.pk}")
    return consent


def consent_withdraw(*, actor: Actor, consent_id: int, case_id: int | None = None) -> int:
    """Withdrawal takes effect at once: every share made under this consent is revoked. Returns how many.
    With `case_id` (the page's case), a consent of another case is not found."""
    consent = consent_get_for(actor=actor, consent_id=consent_id, action=R.CASE_SHARE, what="consent.withdraw")
    if case_id is not None and consent.case_id != case_id:
        audit.record(actor=actor, action="denied", object_type="consent", object_id=consent_id,
                     reason="consent.withdraw: another case")
        raise NotFound("consent")
    if consent.withdrawn_on is not None:
        raise ValidationFailed({"consent": [_("This consent was already withdrawn.")]})
    with transaction.atomic():
        consent.withdrawn_on, consent.withdrawn_by_id = timezone.localdate(), actor.user_id
        consent.save(update_fields=["withdrawn_on", "withdrawn_by"])
        revoked = consent.shares.filter(revoked_at__isnull=True).update(revoked_at=timezone.now(),
                                                                         status=CaseShare.Status.REVOKED)
        audit.record(actor=actor, action="update", object_type="consent", object_id=consent.pk,
                     fields=["withdrawn_on", "shares.revoked_at"], reason=f"{revoked} shares revoked")
    return revoked


def case_share_revoke(*, actor: Actor, share_id: int) -> None:
    share = (CaseShare.objects.select_related("case").filter(pk=share_id, case__realm_id=actor.realm_id).first()
             if type(share_id) is int else None)
    case_of_part_for(actor=actor, part="share", part_id=share_id, case_id=share.case_id if share else None,
                     action=R.CASE_SHARE, what="share.revoke")
    with transaction.atomic():
        share = CaseShare.objects.select_for_update().get(pk=share.pk)
        if share.revoked_at is not None:  # declined, revoked, done or a completed transfer
            raise ValidationFailed({"status": [_("This share has already ended.")]})
        share.revoked_at, share.status = timezone.now(), CaseShare.Status.REVOKED
        share.save(update_fields=["revoked_at", "status"])
        audit.record(actor=actor, action="update", object_type="case", object_id=share.case_id,
                     fields=["share.revoked_at"])


def case_override(*, actor: Actor, case_id: int, justification: str) -> EmergencyOverride:
    """Break-glass read access for a stated reason: time-limited and always audited."""
    if not policy.may(actor, R.CASE_OVERRIDE):
        raise Forbidden(R.CASE_OVERRIDE)
    justification = (justification or "").strip()
    if len(justification) < MIN_JUSTIFICATION:
        raise ValidationFailed({"justification": [
            _("State the legal basis and reason in at least %(n)d characters.") % {"n": MIN_JUSTIFICATION}]})
    if not Case.objects.filter(pk=case_id, realm_id=actor.realm_id).exists():
        raise NotFound("case")
    with transaction.atomic():
        override = EmergencyOverride.objects.create(
            user_id=actor.user_id, realm_id=actor.realm_id, object_type="case", object_id=case_id,
            justification=justification, expires_at=timezone.now() + dt.timedelta(hours=OVERRIDE_HOURS),
        )
        audit.record(actor=actor, action="override", object_type="case", object_id=case_id, reason=justification)
    return override
