"""Transnational referral: our organisation's package keys, trusted partners abroad, and packages sent and
received (docs/transnational-packages.md).

The sealed format (core/sealed_package.py) proves who sent a package and that only we can read it; this
module owns what the format leaves to its caller: who may do what, which fields travel (consent), replay
refusal, the review before a package becomes a case, and the audit on both sides.

Keys and partners belong to the live realm: an exercise never signs with, or sends to, a real partner.
"""

from __future__ import annotations

import base64
import datetime as dt

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from alliance.cases.domain import transnational_payload as payloads
from alliance.cases.domain.country_rules import ProfileError, rules_for
from alliance.cases.htcds import vocabulary as htcds
from alliance.cases.models import (
    Case,
    Consent,
    OrganisationKeyPair,
    PartnerOrganisation,
    Person,
    SupportPlan,
    TransnationalPackage,
)
from alliance.cases.selectors.register import case_get_for
from alliance.cases.services.notifications import members_who_may, notify
from alliance.cases.services.register import MIN_LEGAL_BASIS, _next_number
from alliance.core import audit, policy
from alliance.core import roles as R
from alliance.core import sealed_package as sp
from alliance.core.actor import Actor
from alliance.core.countries import COUNTRY_CODES
from alliance.core.errors import Forbidden, NotFound, ValidationFailed
from alliance.directory.models import Organisation

# A referral is a few kilobytes; the limit only keeps hostile uploads cheap to refuse.
MAX_PACKAGE_BYTES = 1024 * 1024
# Older packages are refused (a file found on a lost laptop years later); retired keys stay usable for
# as long, so that packages sealed just before a rotation still open.
PACKAGE_MAX_AGE = dt.timedelta(days=30)
MAX_CARD_CHARS = 4096

REPLAY = "replay"
NO_KEYS = "no_keys"
CONTENT = "content"

# What a person reads for each refusal; the sealed format's own message follows with the details.
REFUSAL_LABELS = {
    sp.MALFORMED: gettext_lazy("This file is not a readable package."),
    sp.UNSUPPORTED_VERSION: gettext_lazy("This package was made by a version this installation cannot read."),
    sp.TOO_LARGE: gettext_lazy("This file is too large to be a referral package."),
    sp.MISADDRESSED: gettext_lazy("This package is not addressed to your organisation."),
    sp.UNKNOWN_SENDER: gettext_lazy("This package comes from an organisation that is not one of your partners."),
    sp.BAD_SIGNATURE: gettext_lazy("The signature does not match: the package was changed after it was signed, "
                                   "or someone else signed it."),
    sp.DECRYPTION_FAILED: gettext_lazy("The package is signed but cannot be decrypted with your keys."),
    sp.EXPIRED: gettext_lazy("The package is too old, or dated in the future."),
    REPLAY: gettext_lazy("This package was already received: a package is imported once."),
    NO_KEYS: gettext_lazy("Your organisation has no package keys yet: an administrator creates them first."),
    CONTENT: gettext_lazy("The package is genuine but its content is not a valid referral."),
}


class PackageRefusal(ValidationFailed):
    """A package that is not imported, with a reason code for code and audit and a message for people."""

    def __init__(self, reason_code: str, detail: str = ""):
        self.reason_code = reason_code
        self.message = f"{REFUSAL_LABELS[reason_code]} {detail}".strip()
        super().__init__({"package": [self.message]})


# --- Who may ---------------------------------------------------------------------------------------

# The rules are core.policy's (core/policy/transnational.py); these names serve the pages and menus.
may_administer = policy.may_administer_transnational
may_receive = policy.may_receive_from_abroad


def _require_admin(actor: Actor) -> None:
    if not may_administer(actor):
        audit.record(actor=actor, action="denied", object_type="organisation_keys", reason="transnational.admin")
        raise Forbidden("transnational.admin")


def _require_receiver(actor: Actor) -> None:
    if not may_receive(actor):
        audit.record(actor=actor, action="denied", object_type="transnational_package", reason=R.CASE_IMPORT)
        raise Forbidden(R.CASE_IMPORT)


# --- Our keys --------------------------------------------------------------------------------------

def active_keys(*, organisation_id: int) -> OrganisationKeyPair | None:
    return OrganisationKeyPair.objects.filter(organisation_id=organisation_id, retired_at__isnull=True).first()


def _private(pair: OrganisationKeyPair) -> sp.OrganisationKeys:
    return sp.OrganisationKeys.from_raw(base64.b64decode(pair.private_keys))


def _opening_keys(organisation_id: int) -> tuple[OrganisationKeyPair | None, list[sp.OrganisationKeys]]:
    """The active pair and those retired within the overlap, newest first."""
    since = timezone.now() - PACKAGE_MAX_AGE
    pairs = list(OrganisationKeyPair.objects.filter(organisation_id=organisation_id)
                 .exclude(retired_at__lt=since).order_by("-created_at", "-id"))
    active = next((p for p in pairs if p.retired_at is None), None)
    return active, [_private(p) for p in pairs]


def _default_package_id(organisation: Organisation) -> str:
    slug = slugify(organisation.name)[:100] or f"org-{organisation.pk}"
    return f"{organisation.country}:{slug}"


def organisation_keys_create(*, actor: Actor, package_id: str = "") -> OrganisationKeyPair:
    """New keys for the actor's organisation. The previous pair is retired, not deleted: it still opens
    packages sealed for it during the overlap. Partners must check the new fingerprint out of band."""
    _require_admin(actor)
    organisation = Organisation.objects.get(pk=actor.organisation_id)
    previous = active_keys(organisation_id=organisation.pk)
    package_id = (package_id or "").strip() or (previous.package_id if previous else "")
    package_id = package_id or _default_package_id(organisation)
    keys = sp.OrganisationKeys.generate()
    try:
        card = keys.public_identity(package_id)
    except ValueError:
        raise ValidationFailed({"package_id": [_("Use 1 to 80 characters of A-Z, a-z, 0-9 and ':._-', starting "
                                                 "with a letter or a digit, such as XD:safe-harbour.")]}) from None
    if len(package_id) > 80:
        raise ValidationFailed({"package_id": [_("At most %(n)d characters.") % {"n": 80}]})
    if (OrganisationKeyPair.objects.filter(package_id=package_id, retired_at__isnull=True)
            .exclude(organisation_id=organisation.pk).exists()):
        raise ValidationFailed({"package_id": [_("Another organisation here already uses this identifier.")]})
    with transaction.atomic():
        retired = OrganisationKeyPair.objects.filter(organisation_id=organisation.pk, retired_at__isnull=True
                                                     ).update(retired_at=timezone.now())
        pair = OrganisationKeyPair.objects.create(
            organisation=organisation, package_id=package_id,
            private_keys=base64.b64encode(keys.to_raw()).decode("ascii"),
            public_card=card.to_json().decode("ascii"), fingerprint=card.fingerprint_hex,
        )
        audit.record(actor=actor, action="create", object_type="organisation_keys", object_id=pair.pk,
                     fields=["package_id", "fingerprint", "public_card", "private_keys"],
                     reason=f"{retired} key pair retired" if retired else "first key pair")
    return pair


# --- Partners --------------------------------------------------------------------------------------

def trusted_partners(*, actor: Actor):
    """Partners whose card is on file (a removed partner keeps its row, without a card, for history)."""
    return (PartnerOrganisation.objects.filter(organisation_id=actor.organisation_id, realm_id=actor.realm_id)
            .exclude(public_card="").order_by("name", "id"))


def trusted_senders(*, actor: Actor) -> dict[str, sp.PublicIdentity]:
    return {p.package_id: sp.PublicIdentity.from_json(p.public_card) for p in trusted_partners(actor=actor)}


def partner_add(*, actor: Actor, name: str, country: str, card: str, fingerprint: str) -> PartnerOrganisation:
    """Trust an organisation on another installation. `fingerprint` is what its people read out over a
    separate channel (a call, a meeting); the card is refused unless its keys match it."""
    _require_admin(actor)
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > 200:
        errors["name"] = [_("Give the partner's name (at most 200 characters).")]
    if country not in COUNTRY_CODES:
        errors["country"] = [_("Choose the partner's country.")]
    identity = None
    if not card or len(card) > MAX_CARD_CHARS:
        errors["card"] = [_("Paste or upload the partner's identity card (a small JSON file).")]
    else:
        try:
            identity = sp.PublicIdentity.from_json(card)
        except ValueError:
            errors["card"] = [_("This is not a valid identity card, or it was damaged on the way.")]
    if identity is not None:
        if not (fingerprint or "").strip():
            errors["fingerprint"] = [_("Type the fingerprint the partner read out to you.")]
        else:
            try:
                sp.PublicIdentity.from_json(card, expected_fingerprint=fingerprint)
            except ValueError:
                errors["fingerprint"] = [_("The fingerprint does not match this card. Do not add it: call the "
                                           "partner again and compare every group.")]
    existing = None
    if identity is not None and not errors:
        own = active_keys(organisation_id=actor.organisation_id)
        if own is not None and own.fingerprint == identity.fingerprint_hex:
            errors["card"] = [_("This is your own organisation's card.")]
        existing = PartnerOrganisation.objects.filter(organisation_id=actor.organisation_id,
                                                      package_id=identity.organisation_id).first()
        if existing is not None and existing.public_card:
            errors["card"] = [_("This partner is already trusted. Remove it first to replace its card.")]
    if errors:
        raise ValidationFailed(errors)
    values = {"realm_id": actor.realm_id, "name": name, "country": country,
              "public_card": identity.to_json().decode("ascii"), "fingerprint": identity.fingerprint_hex,
              "added_by_id": actor.user_id, "added_at": timezone.now()}
    with transaction.atomic():
        if existing is None:
            partner = PartnerOrganisation.objects.create(organisation_id=actor.organisation_id,
                                                         package_id=identity.organisation_id, **values)
        else:
            partner = existing
            for field, value in values.items():
                setattr(partner, field, value)
            partner.save()
        audit.record(actor=actor, action="create", object_type="partner_organisation", object_id=partner.pk,
                     fields=["package_id", "name", "country", "public_card", "fingerprint"],
                     reason="fingerprint checked against the one read out of band")
    return partner


def partner_remove(*, actor: Actor, partner_id: int) -> None:
    """Stop trusting a partner at once. Its row stays (without the card) where packages refer to it."""
    _require_admin(actor)
    partner = trusted_partners(actor=actor).filter(pk=partner_id).first()
    if partner is None:
        raise NotFound("partner")
    with transaction.atomic():
        if TransnationalPackage.objects.filter(partner=partner).exists():
            partner.public_card = ""
            partner.save(update_fields=["public_card"])
        else:
            partner.delete()
        audit.record(actor=actor, action="delete", object_type="partner_organisation", object_id=partner_id,
                     fields=["public_card"])


# --- Sending ---------------------------------------------------------------------------------------

def transnational_consent(*, case: Case, country: str) -> Consent | None:
    return case.consents.filter(purpose=Consent.Purpose.TRANSNATIONAL, country=country,
                                withdrawn_on__isnull=True).order_by("-given_on", "-id").first()


def package_send(*, actor: Actor, case_id: int, partner_id: int,
                 legal_basis: str = "") -> tuple[TransnationalPackage, bytes]:
    """Seal the transnational field set of one of our cases for a partner. It rests on the person's
    consent to a transfer to the partner's country or, without one, on a legal basis stated by someone
    whose role allows an override (audited as an override). Returns the record and the file."""
    case = case_get_for(actor=actor, case_id=case_id, action=R.CASE_SEND_ABROAD, what="transnational",
                        related=("person",))
    errors: dict[str, list[str]] = {}
    partner = trusted_partners(actor=actor).filter(pk=partner_id).first()
    if partner is None:
        errors["partner"] = [_("Choose one of your partner organisations.")]
    own = active_keys(organisation_id=actor.organisation_id)
    if own is None:
        errors["keys"] = [_("Your organisation has no package keys yet: an administrator creates them first.")]
    if case.anonymised_at is not None:
        errors["case"] = [_("An anonymised case cannot be sent.")]
    consent = transnational_consent(case=case, country=partner.country) if partner is not None else None
    legal_basis = (legal_basis or "").strip()
    if partner is not None and consent is None:
        if not legal_basis:
            errors["consent"] = [_("No recorded consent covers a transfer to this partner's country. Record the "
                                   "person's consent, or state the legal basis for sending without it.")]
        elif not policy.may(actor, R.CASE_OVERRIDE):
            errors["consent"] = [_("Your role cannot send a case abroad without the person's consent.")]
        elif not MIN_LEGAL_BASIS <= len(legal_basis) <= 500:
            errors["legal_basis"] = [_("State the legal basis and reason in %(n)d to 500 characters.")
                                     % {"n": MIN_LEGAL_BASIS}]
    if errors:
        raise ValidationFailed(errors)
    try:
        referral = payloads.read_case(case, consent=consent, legal_basis="" if consent else legal_basis)
    except ValueError as exc:
        raise ValidationFailed({"case": [_("The case holds a value that cannot be sent: %(detail)s")
                                         % {"detail": exc}]}) from None
    recipient = sp.PublicIdentity.from_json(partner.public_card)
    sealed = sp.seal(payload=payloads.encode(referral), sender_keys=_private(own), sender_id=own.package_id,
                     recipient=recipient, metadata=payloads.metadata_of(referral), max_size=MAX_PACKAGE_BYTES)
    package_id = sp.preview(sealed)["package_id"]
    with transaction.atomic():
        record = TransnationalPackage.objects.create(
            realm_id=actor.realm_id, organisation_id=actor.organisation_id, direction="sent", status="sent",
            package_id=package_id, partner=partner, case=case, fields=referral.names, sealed=b"",
            handled_by_id=actor.user_id, handled_at=timezone.now(),
        )
        basis = f"consent {consent.pk}" if consent else "without consent: legal basis stated"
        audit.record(actor=actor, action="export", object_type="case", object_id=case.pk, fields=referral.names,
                     reason=f"transnational package {package_id} to {partner.package_id} ({partner.country}); "
                            f"{basis}")
        if consent is None:
            audit.record(actor=actor, action="override", object_type="case", object_id=case.pk,
                         fields=["consent"], reason=legal_basis)
    return record, sealed


# --- Receiving -------------------------------------------------------------------------------------

def _refuse(actor: Actor, reason_code: str, detail: str = "") -> PackageRefusal:
    """Audit a refusal (outside any transaction the caller might roll back) and build the error."""
    audit.record(actor=actor, action="denied", object_type="transnational_package",
                 reason=f"{reason_code}: {detail}"[:500])
    return PackageRefusal(reason_code, detail)


def _open(actor: Actor, data: bytes, *, max_age: dt.timedelta | None) -> tuple[sp.OpenedPackage, payloads.Referral]:
    active, keys = _opening_keys(actor.organisation_id)
    if active is None:
        raise _refuse(actor, NO_KEYS)
    try:
        opened = sp.open_package(package=data, recipient_keys=keys, recipient_id=active.package_id,
                                 trusted_senders=trusted_senders(actor=actor), max_age=max_age,
                                 max_size=MAX_PACKAGE_BYTES)
    except sp.PackageRefused as refused:
        # The format's messages are built from validated header fields only: safe to log and to show.
        raise _refuse(actor, refused.reason_code, refused.message) from None
    try:
        referral = payloads.decode(opened.payload, opened.metadata)
    except ValueError as exc:
        raise _refuse(actor, CONTENT, str(exc)) from None
    return opened, referral


def package_receive(*, actor: Actor, data: bytes) -> TransnationalPackage:
    """Check an uploaded package completely (addressing, sender, signature, age, decryption, content,
    replay) and keep it, still sealed, for a person to preview and accept or refuse."""
    _require_receiver(actor)
    if not isinstance(data, bytes) or len(data) > MAX_PACKAGE_BYTES:
        raise _refuse(actor, sp.TOO_LARGE, f"at most {MAX_PACKAGE_BYTES} bytes")
    opened, referral = _open(actor, data, max_age=PACKAGE_MAX_AGE)
    received = TransnationalPackage.objects.filter(organisation_id=actor.organisation_id, direction="received",
                                                   package_id=opened.package_id)
    if received.exists():
        raise _refuse(actor, REPLAY, f"package {opened.package_id}")
    partner = trusted_partners(actor=actor).get(package_id=opened.sender_id)
    try:
        with transaction.atomic():
            record = TransnationalPackage.objects.create(
                realm_id=actor.realm_id, organisation_id=actor.organisation_id, direction="received",
                status="pending", package_id=opened.package_id, partner=partner, fields=referral.names,
                sealed=bytes(data),
            )
            audit.record(actor=actor, action="create", object_type="transnational_package", object_id=record.pk,
                         fields=referral.names,
                         reason=f"received {opened.package_id} from {opened.sender_id}, signature verified")
            colleagues = [uid for uid in members_who_may(organisation_id=actor.organisation_id, action=R.CASE_IMPORT)
                          if uid != actor.user_id]
            notify(realm_id=actor.realm_id, user_ids=colleagues, kind="package_received")
    except IntegrityError:
        # Two uploads of the same package at once: the unique constraint lets one through.
        raise _refuse(actor, REPLAY, f"package {opened.package_id}") from None
    return record


def _pending(actor: Actor, package_id: int) -> TransnationalPackage:
    _require_receiver(actor)
    record = (TransnationalPackage.objects.select_related("partner")
              .filter(pk=package_id, organisation_id=actor.organisation_id, realm_id=actor.realm_id,
                      direction="received").first())
    if record is None:
        raise NotFound("package")
    if record.status != TransnationalPackage.Status.PENDING:
        raise ValidationFailed({"package": [_("This package was already accepted or refused.")]})
    return record


def _case_country(organisation: Organisation) -> str:
    try:
        rules_for(organisation.country)
    except ProfileError:
        return "XD"
    return organisation.country


def package_accept(*, actor: Actor, package_id: int) -> Case:
    """Open a pending package again and make it a case of the receiving organisation. The sender's NRM
    stage and status are noted, not adopted: identification is decided again under this country's rules."""
    record = _pending(actor, package_id)
    opened, referral = _open(actor, bytes(record.sealed), max_age=None)
    organisation = Organisation.objects.get(pk=actor.organisation_id)
    with transaction.atomic():
        locked = TransnationalPackage.objects.select_for_update().get(pk=record.pk)
        if locked.status != TransnationalPackage.Status.PENDING:
            raise ValidationFailed({"package": [_("This package was already accepted or refused.")]})
        case = _create_case(actor, organisation, record, opened, referral)
        locked.status, locked.case = TransnationalPackage.Status.ACCEPTED, case
        locked.handled_by_id, locked.handled_at, locked.sealed = actor.user_id, timezone.now(), b""
        locked.save(update_fields=["status", "case", "handled_by", "handled_at", "sealed"])
        audit.record(actor=actor, action="create", object_type="case", object_id=case.pk,
                     fields=referral.names, reason=f"transnational package {opened.package_id} from "
                                                   f"{opened.sender_id}")
        audit.record(actor=actor, action="update", object_type="transnational_package", object_id=record.pk,
                     fields=["status", "case"], reason="accepted")
    return case


def _create_case(actor: Actor, organisation: Organisation, record: TransnationalPackage,
                 opened: sp.OpenedPackage, referral: payloads.Referral) -> Case:
    from alliance.cases.services.nrm import clocks_on_detection

    details = {k: referral.get(k) for k in payloads.PERSON_DETAILS if referral.get(k) is not None}
    person = Person.objects.create(
        realm_id=actor.realm_id, given_name=referral.get("given_name"), middle_name=referral.get("middle_name"),
        family_name=referral.get("family_name"), birth_date=referral.get("birth_date"), details=details or None,
    )
    is_child = bool(referral.get("is_child")) or htcds.is_presumed_child(birth_date=referral.get("birth_date"),
                                                                        details=details)
    number = _next_number(actor.realm_id, exercise=actor.realm_is_exercise)
    context = {"exploitation_types": referral.get("exploitation_types")} if referral.get("exploitation_types") \
        else None
    case = Case.objects.create(
        realm_id=actor.realm_id, number=number, pseudonym=f"Person {number[-4:]}", person=person,
        owner_organisation=organisation, created_by_id=actor.user_id, is_child=is_child,
        country=_case_country(organisation), victim_context=context, source="transnational",
        summary=_origin_note(record, opened, referral),
    )
    if referral.get("support_types"):
        SupportPlan.objects.create(case=case, support_types=referral.get("support_types"),
                                   updated_by_id=actor.user_id)
    consent = referral.get("consent")
    if consent:
        # Noted as given where it was obtained; nobody here obtained it.
        Consent.objects.create(case=case, purpose=Consent.Purpose.TRANSNATIONAL, country=consent["country"],
                               language=consent["language"], interpreter=consent["interpreter"],
                               given_on=dt.date.fromisoformat(consent["given_on"]))
    clocks_on_detection(case=case, today=timezone.localdate())
    return case


def _origin_note(record: TransnationalPackage, opened: sp.OpenedPackage, referral: payloads.Referral) -> str:
    partner = record.partner
    lines = [
        _("Received by transnational referral from %(name)s (%(id)s, %(country)s), package %(package)s sealed "
          "on %(date)s; their case number %(reference)s.") % {
            "name": partner.name, "id": opened.sender_id, "country": partner.country,
            "package": opened.package_id, "date": opened.created_at.strftime("%Y-%m-%d"),
            "reference": referral.get("reference", "—")},
        _("Their NRM stage: %(stage)s; trafficking status: %(status)s.") % {
            "stage": referral.get("nrm_stage", "—"), "status": referral.get("trafficking_status", "—")},
    ]
    if referral.get("legal_basis"):
        lines.append(_("Sent without the person's consent; legal basis stated by the sender: %(basis)s")
                     % {"basis": referral.get("legal_basis")})
    return "\n".join(lines)


def package_refuse(*, actor: Actor, package_id: int, reason: str) -> TransnationalPackage:
    """Refuse a pending package. Its id stays on record, so the same file cannot be imported later."""
    record = _pending(actor, package_id)
    reason = (reason or "").strip()
    if not reason or len(reason) > 300:
        raise ValidationFailed({"reason": [_("Say why, in at most 300 characters and without personal data.")]})
    with transaction.atomic():
        record.status, record.refusal_reason = TransnationalPackage.Status.REFUSED, reason
        record.handled_by_id, record.handled_at, record.sealed = actor.user_id, timezone.now(), b""
        record.save(update_fields=["status", "refusal_reason", "handled_by", "handled_at", "sealed"])
        audit.record(actor=actor, action="update", object_type="transnational_package", object_id=record.pk,
                     fields=["status", "refusal_reason"], reason="refused")
    return record
