"""The public application: submitted without an account, confirmed by an e-mail link; the reviewer's
ratings; and retention (applicants' names, e-mails and free text erased after the edition).

The form must not tell a visitor who has applied. A new application and a repeat by the same e-mail get the
same answer ("check your e-mail"); the repeat stores nothing and its explanation goes to that address, which
only its owner reads. A repeat under another e-mail (same name and country) is stored and shown to the
reviewer as a duplicate: refusing it would answer "this person applied" to anyone who knows a name.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from alliance.core import audit
from alliance.core.actor import Actor, system_actor
from alliance.core.encryption import blind_index
from alliance.core.errors import ValidationFailed
from alliance.core.models import AuditEvent
from alliance.exercises.models import Applicant, Call, Edition
from alliance.exercises.models.programmes import GENDERS, PROFESSION_CODES
from alliance.exercises.selectors.programmes import applicant_get_for, call_public_get

TEXT_LIMITS = {"given_name": 100, "family_name": 100, "email": 254, "agency": 200, "motivation": 4000,
               "nominating_authority": 200}
REQUIRED = ("given_name", "family_name", "email", "profession", "agency", "country", "gender", "languages",
            "years_experience", "motivation")
LANGUAGE_CODES = frozenset({"en", "ru", "fr", "de", "it", "es", "ar", "tr", "uk", "kk", "ky", "uz", "tg", "tk",
                            "az", "hy", "ka", "ro", "sr", "sq", "mk", "bg", "el", "pl"})
CUSTOM_ANSWER_LIMIT = 1000


def _hours(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def _email_key(email: str) -> str | None:
    # The blind index's normalisers fold punctuation and word order; an e-mail must match exactly (case
    # aside), so its bytes go in as hex, which the document normaliser keeps as they are.
    return blind_index(email.strip().lower().encode().hex(), kind="document") if email else None


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class Submission:
    """What the visitor is told: the same for a new application and for a repeat by the same e-mail."""

    message: str


def public_actor(*, realm_id: int, address: str) -> Actor:
    """A visitor without an account, for the audit of what they sent."""
    return Actor(user_id=None, organisation_id=None, roles=frozenset(), realm_id=realm_id, address=address)


def _throttled(*, address: str) -> bool:
    """At most ALLIANCE_APPLICATIONS_PER_HOUR attempts per address: the audit chain already holds one row per
    attempt, in the database every worker shares, so no counter of its own is needed."""
    if not address:
        return False
    since = timezone.now() - dt.timedelta(hours=1)
    recent = AuditEvent.objects.filter(object_type="application_form", address=address, at__gte=since).count()
    return recent >= _hours("ALLIANCE_APPLICATIONS_PER_HOUR", 20)


def _clean(call: Call, data: dict) -> tuple[dict, dict[str, list[str]]]:
    errors: dict[str, list[str]] = {}
    clean: dict = {}
    for name in ("given_name", "family_name", "email", "agency", "motivation", "nominating_authority"):
        value = data.get(name)
        value = value.strip() if isinstance(value, str) else ""
        if len(value) > TEXT_LIMITS[name]:
            errors[name] = [_("At most %(n)s characters.") % {"n": TEXT_LIMITS[name]}]
        clean[name] = value
    if clean["email"]:
        try:
            validate_email(clean["email"])
        except ValidationError:
            errors["email"] = [_("Not an e-mail address.")]
    profession = data.get("profession") or ""
    if profession and profession not in PROFESSION_CODES:
        errors["profession"] = [_("Choose a profession from the list.")]
    clean["profession"] = profession
    country = data.get("country") or ""
    from alliance.core.countries import COUNTRY_CODES

    if country and country not in COUNTRY_CODES:
        errors["country"] = [_("Choose a country from the list.")]
    clean["country"] = country
    gender = data.get("gender") or ""
    if gender and gender not in dict(GENDERS):
        errors["gender"] = [_("Choose from the list.")]
    clean["gender"] = gender
    languages = data.get("languages") or []
    if not isinstance(languages, list) or set(languages) - LANGUAGE_CODES:
        errors["languages"] = [_("Choose languages from the list.")]
        languages = []
    clean["languages"] = sorted(set(languages))
    years = data.get("years_experience")
    if years in (None, ""):
        clean["years_experience"] = None
    else:
        try:
            years = int(years)
        except (TypeError, ValueError):
            years = -1
        if not 0 <= years <= 60:
            errors["years_experience"] = [_("A whole number of years from 0 to 60.")]
        clean["years_experience"] = years
    clean["nominated"] = bool(data.get("nominated"))
    if clean["nominated"] and not clean["nominating_authority"]:
        errors["nominating_authority"] = [_("Name the national authority that nominated you.")]
    for name in REQUIRED:
        if clean.get(name) in (None, "", []) and name not in errors:
            errors[name] = [_("This field is required.")]
    answers = {}
    given = data.get("answers") or {}
    for custom in call.custom_fields:
        value = given.get(custom["name"]) if isinstance(given, dict) else None
        value = value.strip() if isinstance(value, str) else ""
        if len(value) > CUSTOM_ANSWER_LIMIT:
            errors[f"custom_{custom['name']}"] = [_("At most %(n)s characters.") % {"n": CUSTOM_ANSWER_LIMIT}]
        elif custom.get("required") and not value:
            errors[f"custom_{custom['name']}"] = [_("This field is required.")]
        if value:
            answers[custom["name"]] = value
    clean["answers"] = answers
    return clean, errors


def _confirmation_mail(*, email: str, language: str, call: Call, link: str) -> None:
    with translation.override(language):
        subject = _("Confirm your application: %(edition)s") % {"edition": call.edition.title}
        body = _("You applied for %(edition)s. To confirm your application, open this link within %(hours)s "
                 "hours:\n\n%(link)s\n\nIf you did not apply, ignore this message: nothing is kept without "
                 "confirmation.") % {"edition": call.edition.title, "link": link,
                                     "hours": _hours("ALLIANCE_APPLICATION_CONFIRM_HOURS", 48)}
    send_mail(subject, body, None, [email])


def _repeat_mail(*, email: str, language: str, call: Call) -> None:
    with translation.override(language):
        subject = _("Your application: %(edition)s") % {"edition": call.edition.title}
        body = _("We received a new application for %(edition)s from this address, but this address has "
                 "already applied. Only one application per person is considered; the new one was not kept. "
                 "If you did not send it, you need do nothing.") % {"edition": call.edition.title}
    send_mail(subject, body, None, [email])


def application_submit(*, actor: Actor, call_id: object, data: dict, language: str,
                       confirm_url: str) -> Submission:
    """Store a new application awaiting confirmation and mail the link. `confirm_url` has "{token}" where
    the token goes. Raises ValidationFailed (nothing stored) after the deadline, on a bad or missing field,
    or when the address sent too many forms in the last hour."""
    call = call_public_get(call_id=call_id)
    if _throttled(address=actor.address or ""):
        raise ValidationFailed(_("Too many applications from your network in the last hour. Please try again "
                                 "later."))
    if timezone.now() >= call.deadline:
        audit.record(actor=actor, action="denied", object_type="application_form", object_id=call.pk,
                     reason="after the deadline")
        raise ValidationFailed(_("The deadline for this call has passed: applications are no longer accepted."))
    clean, errors = _clean(call, data)
    if errors:
        audit.record(actor=actor, action="denied", object_type="application_form", object_id=call.pk,
                     fields=sorted(errors), reason="invalid")
        raise ValidationFailed(errors)
    language = language if language in dict(settings.LANGUAGES) else "en"
    message = _("Thank you. We have sent a message to the address you gave: please follow it to confirm your "
                "application. If nothing arrives, check your spam folder.")
    email_key = _email_key(clean["email"])
    raw = secrets.token_urlsafe(32)
    now = timezone.now()
    with transaction.atomic():
        repeat = Applicant.objects.filter(call=call, email_index=email_key).exists()
        if not repeat:
            try:
                with transaction.atomic():  # two forms sent at once by one address: the unique index decides
                    applicant = Applicant.objects.create(
                        realm_id=actor.realm_id, call=call, submitted_at=now, email_index=email_key,
                        language=language, token_hash=_token_digest(raw),
                        token_expires_at=now + dt.timedelta(hours=_hours("ALLIANCE_APPLICATION_CONFIRM_HOURS", 48)),
                        **clean)
            except IntegrityError:
                repeat = True
        if repeat:
            audit.record(actor=actor, action="denied", object_type="application_form", object_id=call.pk,
                         reason="repeat by the same e-mail")
        else:
            audit.record(actor=actor, action="create", object_type="application_form", object_id=call.pk)
            audit.record(actor=actor, action="create", object_type="applicant", object_id=applicant.pk,
                         fields=[*sorted(clean)])
    # The mail leaves after the commit: a rolled-back application never sends a link.
    if repeat:
        transaction.on_commit(lambda: _repeat_mail(email=clean["email"], language=language, call=call))
    else:
        link = confirm_url.replace("{token}", raw)
        transaction.on_commit(lambda: _confirmation_mail(email=clean["email"], language=language, call=call,
                                                         link=link))
    return Submission(message)


def application_confirm(*, actor: Actor, token: str) -> bool:
    """Confirm by the mailed link: once, before it expires. False for an unknown, used or expired token (one
    answer for all three, so a guessed token teaches nothing)."""
    if not isinstance(token, str) or not 20 <= len(token) <= 100:
        return False
    with transaction.atomic():
        applicant = (Applicant.objects.select_for_update().filter(token_hash=_token_digest(token),
                                                                  confirmed_at__isnull=True).first())
        if applicant is None or applicant.token_expires_at is None or applicant.token_expires_at <= timezone.now():
            audit.record(actor=actor, action="denied", object_type="applicant", reason="confirmation link unusable")
            return False
        applicant.confirmed_at = timezone.now()
        applicant.token_hash = None
        applicant.save(update_fields=["confirmed_at", "token_hash"])
        audit.record(actor=actor, action="update", object_type="applicant", object_id=applicant.pk,
                     fields=["confirmed_at"])
    return True


def applicant_rate(*, actor: Actor, applicant_id: object, ratings: dict) -> Applicant:
    """The reviewer's marks (0-10) for the call's criteria of kind "rating"."""
    applicant = applicant_get_for(actor=actor, applicant_id=applicant_id)
    allowed = {c["code"] for c in applicant.call.criteria if c["kind"] == "rating"}
    errors = {}
    clean = {}
    for code, value in (ratings or {}).items():
        if code not in allowed:
            errors[code] = [_("Not a rated criterion of this call.")]
        elif isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 10:
            errors[code] = [_("A mark from 0 to 10.")]
        else:
            clean[code] = value
    if errors:
        raise ValidationFailed(errors)
    with transaction.atomic():
        applicant.ratings = {**applicant.ratings, **clean}
        applicant.save(update_fields=["ratings"])
        audit.record(actor=actor, action="update", object_type="applicant", object_id=applicant.pk,
                     fields=["ratings"])
    return applicant


# --- Retention ---------------------------------------------------------------------------------------------
ERASED_FIELDS = ("given_name", "family_name", "email", "agency", "motivation", "nominating_authority", "answers",
                 "email_index", "person_index")


@dataclass(frozen=True)
class Erasure:
    editions: int
    applicants: int
    unconfirmed_deleted: int


def applicants_erase_expired(*, actor: Actor | None = None, today: dt.date | None = None) -> Erasure:
    """Erase applicants' names, e-mails and free text ALLIANCE_APPLICANT_RETENTION_DAYS (180 by default) after
    their edition ended, keeping profession, country, gender and decision for the reports; delete
    applications never confirmed once their link has expired. The installation's job, audited per edition."""
    from alliance.directory.selectors import live_realm

    actor = actor or system_actor(realm_id=live_realm().pk, channel="job")
    today = today or timezone.localdate()
    cutoff = today - dt.timedelta(days=int(getattr(settings, "ALLIANCE_APPLICANT_RETENTION_DAYS", 180)))
    editions = erased = 0
    for edition in Edition.objects.filter(ends_on__lt=cutoff, applicants_erased_at__isnull=True):
        with transaction.atomic():
            # update() and not save(): the person index would otherwise be recomputed from the country alone.
            erased += Applicant.objects.filter(call__edition=edition, erased_at__isnull=True).update(
                **dict.fromkeys(ERASED_FIELDS), erased_at=timezone.now(), token_hash=None)
            edition.applicants_erased_at = timezone.now()
            edition.save(update_fields=["applicants_erased_at"])
            audit.record(actor=actor, action="delete", object_type="edition", object_id=edition.pk,
                         fields=list(ERASED_FIELDS), reason="applicant retention")
            editions += 1
    with transaction.atomic():
        stale = Applicant.objects.filter(confirmed_at__isnull=True, token_expires_at__lt=timezone.now())
        deleted, _rows = stale.delete()
        if deleted:
            audit.record(actor=actor, action="delete", object_type="applicant", reason=f"{deleted} unconfirmed")
    return Erasure(editions, erased, deleted)

